/**
 * Vector search with sqlite-vec alone (exact kNN on disk): the fallback when the in-memory index
 * is unavailable or switched off. A filter is applied after kNN, so a filtered search asks for an
 * oversampled k; when that still leaves too few hits and the allowed chunks are few, their exact
 * distances are computed directly (a rare filter must not lose results that exist).
 */
import type Database from 'better-sqlite3';
import type { ChunkHit } from '../../domain/types.js';
import type { SqlCondition } from './filters.js';

/** sqlite-vec refuses a larger k. */
const MAX_K = 4096;
/** vec0 reads one vector by rowid in ~0.3 ms at 100k chunks: exact scoring only for a small set. */
const EXACT_MAX_CHUNKS = 500;

interface Row {
  id: number;
  documentId: number;
  page: number;
  start: number;
  end: number;
  distance: number;
}

const COLUMNS = 'c.id, c.document_id AS documentId, c.page, c.start, c.end';

/**
 * Nearest chunks of ready documents passing `f` (compiled filters on `documents d`), in the live
 * vector table `table` (server/store/db.ts vectorTable, a checked name).
 */
export function vec0Search(
  embedding: Float32Array,
  limit: number,
  f: SqlCondition,
  stmt: (sql: string) => Database.Statement,
  table = 'chunk_vectors',
): ChunkHit[] {
  const blob = Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength);
  const filtered = f.sql !== '';
  const k = Math.min(MAX_K, filtered ? Math.max(limit * 10, 256) : limit);
  let rows = stmt(
    `WITH knn AS (SELECT rowid AS id, distance FROM ${table} WHERE embedding MATCH ? AND k = ?)
     SELECT ${COLUMNS}, knn.distance FROM knn CROSS JOIN chunks c ON c.id = knn.id
     CROSS JOIN documents d ON d.id = c.document_id
     WHERE d.status = 'ready'${f.sql} ORDER BY knn.distance, c.id LIMIT ?`,
  ).all(blob, k, ...f.params, limit) as Row[];
  if (filtered && rows.length < limit) {
    const allowed = stmt(
      `SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.status = 'ready'${f.sql}`,
    )
      .pluck()
      .get(...f.params) as number;
    if (allowed > rows.length && allowed <= EXACT_MAX_CHUNKS) {
      rows = stmt(
        `SELECT ${COLUMNS}, vec_distance_cosine(v.embedding, ?) AS distance
         FROM chunks c JOIN documents d ON d.id = c.document_id JOIN ${table} v ON v.rowid = c.id
         WHERE d.status = 'ready'${f.sql} ORDER BY distance, c.id LIMIT ?`,
      ).all(blob, ...f.params, limit) as Row[];
    }
  }
  return rows.map((r) => ({
    chunkId: String(r.id),
    documentId: String(r.documentId),
    page: r.page,
    start: r.start,
    end: r.end,
    score: 1 - r.distance,
  }));
}
