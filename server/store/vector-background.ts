/**
 * The question's similarity to the archive at large, for reading how far a document stands out by
 * meaning (server/domain/meaning.ts): a fixed sample of the live vectors (chunks of ready documents
 * open to every reader — a restricted document never shapes anyone's scores), read once and again
 * when the archive's embedder changes or its size moves by a tenth. Only the mean and spread of the
 * question's similarities leave this module.
 */
import { getSetting, vectorTable, type Db } from './db.js';
import { vectorKey } from './vector-generations.js';

export interface Background {
  mean: number;
  spread: number;
}

const SAMPLE = 256;
/** Fewer chunks than this: no background (the nearest chunks are then the reference). */
const MIN_CHUNKS = 40;

export class VectorBackground {
  private cached: { key: string; state: string; chunks: number; vectors: Float32Array[] } | null = null;

  constructor(private readonly db: Db) {}

  /** Mean and spread of the question vector's cosine to the sample; null when there is no usable sample. */
  of(query: Float32Array): Background | null {
    const sample = this.sample();
    if (!sample) return null;
    // A question embedded by another model than the live vectors' (mid-switch) has no background here.
    const made = vectorKey(query);
    if (made !== undefined && made !== sample.key) return null;
    let sum = 0;
    let sq = 0;
    for (const v of sample.vectors) {
      if (v.length !== query.length) return null;
      let dot = 0;
      for (let i = 0; i < v.length; i++) dot += v[i]! * query[i]!;
      sum += dot;
      sq += dot * dot;
    }
    const n = sample.vectors.length;
    const mean = sum / n;
    const spread = Math.sqrt(Math.max(0, sq / n - mean * mean));
    return spread > 1e-9 ? { mean, spread } : null;
  }

  private sample(): { key: string; vectors: Float32Array[] } | null {
    const key = getSetting(this.db, 'embedder');
    if (!key) return null;
    // The newest chunk id and the restricted documents (both indexed) tell cheaply whether anything
    // was added or closed since the last look.
    const state = this.db
      .prepare("SELECT (SELECT coalesce(max(id), 0) FROM chunks) || ':' || (SELECT count(*) FROM documents WHERE restricted <> 0) AS s")
      .pluck()
      .get() as string;
    const c = this.cached;
    if (c && c.key === key && c.state === state) return c.vectors.length ? c : null;
    const chunks = (this.db.prepare("SELECT count(*) AS n FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.status = 'ready' AND d.restricted = 0").get() as { n: number }).n;
    if (c && c.key === key && c.state.endsWith(state.slice(state.indexOf(':'))) && Math.abs(chunks - c.chunks) <= c.chunks / 10) {
      c.state = state;
      return c.vectors.length ? c : null;
    }
    let vectors: Float32Array[] = [];
    if (chunks >= MIN_CHUNKS) {
      // A spread-out, repeatable choice of chunks: ordered by a multiplicative hash of the id.
      const ids = (
        this.db
          .prepare(
            `SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id
              WHERE d.status = 'ready' AND d.restricted = 0 ORDER BY (c.id * 2654435761) % 4294967296 LIMIT ?`,
          )
          .all(SAMPLE) as { id: number }[]
      ).map((r) => r.id);
      const read = this.db.prepare(`SELECT embedding FROM ${vectorTable(this.db)} WHERE rowid = ?`);
      for (const id of ids) {
        const row = read.get(id) as { embedding: Buffer } | undefined;
        if (row) vectors.push(new Float32Array(row.embedding.buffer.slice(row.embedding.byteOffset, row.embedding.byteOffset + row.embedding.byteLength)));
      }
      if (vectors.length < MIN_CHUNKS) vectors = [];
    }
    this.cached = { key, state, chunks, vectors };
    return vectors.length ? this.cached : null;
  }
}
