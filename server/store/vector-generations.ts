/**
 * Generations of the archive's vector table, for `kwerenda reembed` (server/services/reembed.service.ts).
 *
 * The live vectors sit in the table named by `settings.vector_table` (`chunk_vectors` until the
 * first reembed), made by the embedder of `settings.embedder` / `settings.embedder_spec`. A reembed
 * fills a second table beside it (`chunk_vectors_g<N>`), announced in `settings.reembed_target`
 * with the embedder it is filled for; searches and ingest keep using the live one meanwhile. Every
 * batch is committed on its own, so a killed run resumes from what the target holds. The target
 * only ever holds vectors of existing chunks: a batch is stored only for chunks whose text is still
 * what was embedded, and a document re-indexed or removed meanwhile drops its rows from both tables
 * (server/store/archive.ts). The switch is one write transaction: it refuses while a chunk has no
 * new vector, drops the old table, makes the target live and records its embedder.
 *
 * Vectors handed out by the archive's embedder carry the key of the embedder that made them
 * (`tagVectors`), so that a vector made just before a switch is never stored in, or searched
 * against, the vectors of another model (they may even have the same size).
 */
import { z } from 'zod';
import {
  archiveEmbedding,
  checkedVectorTable,
  getSetting,
  setSetting,
  vectorTable,
  write,
  zEmbedderSpec,
  type Db,
  type EmbedderSpec,
} from './db.js';

const TARGET_SETTING = 'reembed_target';
const GENERATION_SETTING = 'vector_generation';

const zTarget = z.object({
  table: z.string().transform(checkedVectorTable),
  key: z.string(),
  spec: zEmbedderSpec,
  startedAt: z.string(),
});
export type ReembedTarget = z.infer<typeof zTarget>;

const origin = new WeakMap<Float32Array, string>();

/** Marks vectors as made by the embedder with this key. */
export function tagVectors(vectors: Float32Array[], key: string): Float32Array[] {
  for (const v of vectors) origin.set(v, key);
  return vectors;
}

/** The key of the embedder that made `v`, when it came from the archive's embedder. */
export function vectorKey(v: Float32Array): string | undefined {
  return origin.get(v);
}

/** Throws when a vector was made by another embedder than the archive's live one (inside a write). */
export function assertLiveEmbedder(db: Db, vectors: Float32Array[]): void {
  const live = getSetting(db, 'embedder');
  for (const v of vectors) {
    const key = origin.get(v);
    if (key !== undefined && key !== live) {
      throw new Error(`the archive moved to embeddings "${live}" while this document was embedded with "${key}"; it is embedded again on the next attempt`);
    }
  }
}

/** The reembed target being filled, or null. */
export function reembedTarget(db: Db): ReembedTarget | null {
  const raw = getSetting(db, TARGET_SETTING);
  return raw ? zTarget.parse(JSON.parse(raw)) : null;
}

function tableExists(db: Db, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE name = ? AND type = 'table'").get(table) !== undefined;
}

export interface BeganTarget {
  target: ReembedTarget;
  /** The target was already being filled for this embedder: the run continues it. */
  resumed: boolean;
  /** A target filled for another embedder, dropped to start over. */
  replaced: ReembedTarget | null;
}

/** Starts (or continues) filling a table for the embedder `key`. */
export function beginTarget(db: Db, key: string, spec: EmbedderSpec): BeganTarget {
  return write(db, () => {
    const current = reembedTarget(db);
    if (current && current.key === key && tableExists(db, current.table)) return { target: current, resumed: true, replaced: null };
    if (current) dropTable(db, current.table);
    const live = vectorTable(db);
    let generation = Number(getSetting(db, GENERATION_SETTING) ?? 1);
    let table: string;
    do {
      generation++;
      table = checkedVectorTable(`chunk_vectors_g${generation}`);
    } while (table === live || tableExists(db, table));
    setSetting(db, GENERATION_SETTING, String(generation));
    const dims = spec.dimensions;
    db.exec(`CREATE VIRTUAL TABLE ${table} USING vec0(embedding float[${dims}] distance_metric=cosine)`);
    const target: ReembedTarget = { table, key, spec, startedAt: new Date().toISOString() };
    setSetting(db, TARGET_SETTING, JSON.stringify(target));
    return { target, resumed: false, replaced: current };
  });
}

/** Drops the target (e.g. the configured embedder is the archive's again). Returns what it was. */
export function abandonTarget(db: Db): ReembedTarget | null {
  return write(db, () => {
    const current = reembedTarget(db);
    if (current) dropTable(db, current.table);
    db.prepare('DELETE FROM settings WHERE key = ?').run(TARGET_SETTING);
    return current;
  });
}

function dropTable(db: Db, table: string): void {
  if (table !== vectorTable(db)) db.exec(`DROP TABLE IF EXISTS ${checkedVectorTable(table)}`);
}

/** Chunk ids that already have a vector in `table`. */
export function filledChunks(db: Db, table: string): Set<number> {
  return new Set((db.prepare(`SELECT rowid FROM ${checkedVectorTable(table)}`).pluck().all() as (number | bigint)[]).map(Number));
}

export interface ChunkText {
  id: number;
  text: string;
}

/** The next chunks after `afterId`, in id order. */
export function chunksAfter(db: Db, afterId: number, limit: number): ChunkText[] {
  return db.prepare('SELECT id, text FROM chunks WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as ChunkText[];
}

/** Chunks without a vector in `table` (documents ingested or re-indexed since they were passed). */
export function chunksMissing(db: Db, table: string, limit: number): ChunkText[] {
  return db
    .prepare(`SELECT id, text FROM chunks WHERE id NOT IN (SELECT rowid FROM ${checkedVectorTable(table)}) ORDER BY id LIMIT ?`)
    .all(limit) as ChunkText[];
}

export function chunkCount(db: Db): number {
  return db.prepare('SELECT count(*) FROM chunks').pluck().get() as number;
}

/**
 * Stores one batch of new vectors in one transaction: only for chunks whose text is still the one
 * embedded (a chunk removed meanwhile, or its id reused, is left for the catch-up). Returns how
 * many were stored; throws when the target is no longer this one (another run took over).
 */
export function storeBatch(db: Db, target: ReembedTarget, items: { chunk: ChunkText; vector: Float32Array }[]): number {
  const table = checkedVectorTable(target.table);
  return write(db, () => {
    if (reembedTarget(db)?.table !== table) throw new Error('another `kwerenda reembed` took over the target table');
    const text = db.prepare('SELECT text FROM chunks WHERE id = ?').pluck();
    const del = db.prepare(`DELETE FROM ${table} WHERE rowid = ?`);
    const ins = db.prepare(`INSERT INTO ${table}(rowid, embedding) VALUES (?, ?)`);
    let stored = 0;
    for (const { chunk, vector } of items) {
      if (text.get(chunk.id) !== chunk.text) continue;
      if (vector.length !== target.spec.dimensions) throw new Error(`embedding size ${vector.length}, expected ${target.spec.dimensions}`);
      del.run(BigInt(chunk.id));
      ins.run(BigInt(chunk.id), Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
      stored++;
    }
    return stored;
  });
}

export type SwitchOutcome =
  | { switched: true; from: string; to: string; chunks: number; orphans: number; dropped: string }
  | { switched: false; missing: number };

/**
 * The switch, in one write transaction: orphans (vectors of chunks gone) dropped; refused while a
 * chunk has no new vector; else the old table dropped, the target live, the embedder recorded.
 */
export function switchToTarget(db: Db, target: ReembedTarget): SwitchOutcome {
  const table = checkedVectorTable(target.table);
  return write(db, () => {
    if (reembedTarget(db)?.table !== table) throw new Error('another `kwerenda reembed` took over the target table');
    const orphans = db.prepare(`DELETE FROM ${table} WHERE rowid NOT IN (SELECT id FROM chunks)`).run().changes;
    const missing = db.prepare(`SELECT count(*) FROM chunks WHERE id NOT IN (SELECT rowid FROM ${table})`).pluck().get() as number;
    if (missing > 0) return { switched: false, missing };
    const live = archiveEmbedding(db);
    const old = vectorTable(db);
    db.exec(`DROP TABLE IF EXISTS ${old}`);
    setSetting(db, 'vector_table', table);
    setSetting(db, 'embedder', target.key);
    setSetting(db, 'embedder_spec', JSON.stringify(target.spec));
    db.prepare('DELETE FROM settings WHERE key = ?').run(TARGET_SETTING);
    return { switched: true, from: live?.key ?? '', to: target.key, chunks: chunkCount(db), orphans, dropped: old };
  });
}

const SEARCH_INDEX_SETTING = 'search_index_embedder';
const zSearchIndexEmbedder = z.object({ key: z.string(), spec: zEmbedderSpec });

/**
 * Scaled out: the embedder whose vectors the Elasticsearch aliases answer with. It trails the
 * archive's own between a reembed's switch and the switch of the index generation made from the
 * new vectors; questions are embedded by it, so that they always meet vectors of their model.
 */
export function searchIndexEmbedder(db: Db): { key: string; spec: EmbedderSpec } | null {
  const raw = getSetting(db, SEARCH_INDEX_SETTING);
  return raw ? zSearchIndexEmbedder.parse(JSON.parse(raw)) : null;
}

export function setSearchIndexEmbedder(db: Db, key: string, spec: EmbedderSpec): void {
  setSetting(db, SEARCH_INDEX_SETTING, JSON.stringify({ key, spec }));
}
