/**
 * The reference searcher: "BM25 on clean text". The ground-truth page texts of the same archive —
 * what OCR would read if it were perfect — chunked exactly like the product (`chunkPages`),
 * indexed in an in-memory SQLite FTS5 table (`unicode61 remove_diacritics 2`, ł→l folded as the
 * product does), queried with the question's words OR'ed, each quoted, no stemming, no synonyms,
 * no planner. Documents are ranked by their best chunk's bm25; the citation is that chunk.
 */
import Database from 'better-sqlite3';
import type { GroundTruth } from '../../fixtures/ground-truth.js';
import { chunkPages } from '../../ingest/text/chunk.js';
import { foldForIndex } from '../../ingest/text/fold.js';
import type { EvalAnswer, EvalSearcher } from './runner.js';

interface ChunkRow {
  sha256: string;
  page: number;
  text: string;
}

/**
 * The FTS5 query for a question: every word (split on whitespace, outer punctuation kept — the
 * tokenizer splits "45/7" or a signature into a phrase) double-quoted and OR'ed. Words without a
 * letter or digit are dropped. Null when nothing is left.
 */
export function orQuery(question: string): string | null {
  const words = foldForIndex(question.normalize('NFC'))
    .split(/\s+/u)
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return null;
  return [...new Set(words)].map((w) => `"${w.replace(/"/g, '""')}"`).join(' OR ');
}

export class CleanBm25 {
  private readonly db: Database.Database;
  private readonly rows: ChunkRow[] = [];
  private readonly search: Database.Statement<[string, number]>;

  constructor(gt: GroundTruth) {
    this.db = new Database(':memory:');
    this.db.exec(`CREATE VIRTUAL TABLE chunks USING fts5(text, tokenize='unicode61 remove_diacritics 2')`);
    const ins = this.db.prepare('INSERT INTO chunks(rowid, text) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const f of gt.files) {
        for (const c of chunkPages(f.pages.map((p) => ({ page: p.page, text: p.text })))) {
          this.rows.push({ sha256: f.sha256, page: c.page, text: c.text });
          ins.run(this.rows.length, foldForIndex(c.text));
        }
      }
    })();
    // bm25() is lower-is-better; the best chunks come first and documents are taken in that order.
    this.search = this.db.prepare('SELECT rowid AS id FROM chunks WHERE chunks MATCH ? ORDER BY bm25(chunks) LIMIT ?');
  }

  get chunkCount(): number {
    return this.rows.length;
  }

  /** Up to `limit` documents, best first, each cited by its best chunk. */
  query(question: string, limit = 10): EvalAnswer {
    const q = orQuery(question);
    if (!q) return { results: [] };
    const results: EvalAnswer['results'] = [];
    const seen = new Set<string>();
    // Enough chunks for `limit` distinct documents in practice; widen once if not.
    for (const window of [limit * 20, this.rows.length]) {
      results.length = 0;
      seen.clear();
      const hits = this.search.all(q, window) as { id: number }[];
      for (const { id } of hits) {
        const row = this.rows[id - 1]!;
        if (seen.has(row.sha256)) continue;
        seen.add(row.sha256);
        results.push({ sha256: row.sha256, citations: [{ page: row.page, quote: row.text }] });
        if (results.length === limit) break;
      }
      if (results.length === limit || hits.length < window) break;
    }
    return { results };
  }

  close(): void {
    this.db.close();
  }
}

/** The reference as an `EvalSearcher`, plus a way to free its database. */
export function bm25CleanSearcher(gt: GroundTruth, limit = 10): { searcher: EvalSearcher; close(): void } {
  const index = new CleanBm25(gt);
  return { searcher: async (question) => index.query(question, limit), close: () => index.close() };
}
