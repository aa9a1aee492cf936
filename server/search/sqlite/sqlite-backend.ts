/**
 * SearchBackend on the embedded archive: FTS5 (BM25) for keywords, sqlite-vec or an in-memory
 * int8 index for vectors, plain tables for metadata, documents and pages. Only documents whose
 * status is 'ready' and that the viewer may read (./access.ts) are ever seen. Filters and access are
 * SQL conditions inside each query (never applied after its LIMIT). Ids are String(rowid); an id
 * that is not a rowid is simply not found.
 */
import type Database from 'better-sqlite3';
import type { MetaKind } from '../../../ingest/types.js';
import { getSetting, keyDimensions, vectorTable, type Db } from '../../store/db.js';
import { vectorKey } from '../../store/vector-generations.js';
import { byDocTypeCount, MAX_DOC_TYPES, type ArchiveStats, type BackendHealth, type DocTypeCount, type MetadataQuery, type SearchBackend } from '../backend.js';
import type {
  ChunkHit,
  ChunkId,
  ChunkRecord,
  DocumentId,
  DocumentRecord,
  KeywordQuery,
  MetadataHit,
  PageRecord,
  SearchFilters,
  SearchOptions,
  Viewer,
} from '../../domain/types.js';
import { accessSql, andSql, hiddenDocumentsSql } from './access.js';
import { FoldedValues, filterSql, hasFilters, normaliseCase, normaliseParcel, type SqlCondition } from './filters.js';
import { buildFtsMatch } from './fts-query.js';
import { newInt8Kernel } from './int8-kernel.js';
import {
  chunkRecord,
  clampLimit,
  documentRecord,
  hit,
  metadataHit,
  pageRecord,
  parseId,
  uniqueIds,
  type ChunkRow,
  type DocumentDbRow,
  type MetadataRow,
  type PageDbRow,
} from './rows.js';
import { Int8VectorIndex } from './vector-index.js';
import { vec0Search } from './vec0-search.js';

/** Largest `limit` honoured by any method. */
export const MAX_LIMIT = 1000;

const META_KINDS = new Set<MetaKind>(['caseNumber', 'docType', 'date', 'parcel', 'address', 'investor']);
const READY = "d.status = 'ready'";
const CHUNK_COLUMNS = 'c.id, c.document_id AS documentId, c.page, c.start, c.end';

export interface SqliteBackendOptions {
  /**
   * 'memory': in-memory int8 index scanned with WebAssembly SIMD (fast; ~D bytes of RAM a chunk);
   * 'vec0': sqlite-vec kNN on disk; 'auto' (default): memory when the runtime supports it.
   */
  vectorSearch?: 'auto' | 'memory' | 'vec0';
}

export class SqliteSearchBackend implements SearchBackend {
  readonly id = 'sqlite';
  private readonly statements = new Map<string, Database.Statement>();
  /** The archive's embedder key the vector index below was built for. */
  private indexKey: string | null = null;
  private index: Int8VectorIndex | null | undefined;
  private readonly values: FoldedValues;

  constructor(
    private readonly db: Db,
    private readonly opts: SqliteBackendOptions = {},
  ) {
    this.values = new FoldedValues(db);
  }

  private filters(filters: SearchFilters | undefined): SqlCondition {
    return filterSql(filters, this.values);
  }

  /** Cached prepared statement (filters change the SQL text, so there are a few variants). */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      if (this.statements.size > 200) this.statements.clear();
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  async keyword(query: KeywordQuery, opts: SearchOptions): Promise<ChunkHit[]> {
    const limit = clampLimit(opts?.limit, MAX_LIMIT);
    const index = query?.index === 'substring' ? 'substring' : 'words';
    const match = limit > 0 ? buildFtsMatch(query, index) : null;
    if (match === null) return [];
    const t = index === 'substring' ? 'chunks_trigram' : 'chunks_fts';
    const filters = this.filters(opts?.filters);
    const f = andSql(filters, accessSql(opts?.viewer));
    type Ranked = ChunkRow & { rank: number };
    // Rank inside the index first and join only the best: joining every match (tens of thousands
    // for common words) doubles the cost. Unfiltered, only chunks of documents being re-indexed or
    // restricted from this viewer (few) drop out; a filter drops more, so more are ranked. When that
    // leaves the page short, the exact query below runs instead.
    const inner = filters.sql === '' ? limit + 16 : Math.min(5000, limit * 20);
    let rows: Ranked[] = [];
    if (filters.sql === '' || !this.selective(filters)) rows = this.stmt(
      `SELECT ${CHUNK_COLUMNS}, f.rank FROM (SELECT rowid AS id, bm25(${t}) AS rank FROM ${t} WHERE ${t} MATCH ?
         ORDER BY rank LIMIT ?) f CROSS JOIN chunks c ON c.id = f.id CROSS JOIN documents d ON d.id = c.document_id
       WHERE ${READY}${f.sql} ORDER BY f.rank, c.id LIMIT ?`,
    ).all(match, inner, ...f.params, limit) as Ranked[];
    if (rows.length < limit) {
      // CROSS JOIN keeps the full-text index as the outer loop (one MATCH, not one per chunk).
      rows = this.stmt(
        `SELECT ${CHUNK_COLUMNS}, bm25(${t}) AS rank FROM ${t} CROSS JOIN chunks c ON c.id = ${t}.rowid
         CROSS JOIN documents d ON d.id = c.document_id
         WHERE ${t} MATCH ? AND ${READY}${f.sql} ORDER BY rank, c.id LIMIT ?`,
      ).all(match, ...f.params, limit) as Ranked[];
    }
    return rows.map((r) => hit(r, -r.rank));
  }

  /**
   * Nearest chunks by the archive's live vectors. Read in one snapshot with the archive's embedder:
   * after `kwerenda reembed` switched it, the in-memory index is rebuilt from the new table, and an
   * embedding made by the embedder the archive moved away from finds nothing (never scores against
   * vectors of another model, which may have the same size).
   */
  async vector(embedding: Float32Array, opts: SearchOptions): Promise<ChunkHit[]> {
    const limit = clampLimit(opts?.limit, MAX_LIMIT);
    return this.db.transaction(() => this.vectorNow(embedding, limit, opts))();
  }

  private vectorNow(embedding: Float32Array, limit: number, opts: SearchOptions): ChunkHit[] {
    const live = this.liveVectors();
    if (limit === 0 || live === null) return [];
    const made = embedding instanceof Float32Array ? vectorKey(embedding) : undefined;
    if (made !== undefined && made !== live.key) return [];
    const dims = keyDimensions(live.key);
    if (!(embedding instanceof Float32Array) || embedding.length !== dims) {
      throw new Error(`query embedding must be a Float32Array of ${dims} values (got ${embedding?.length ?? 'none'})`);
    }
    const index = this.memoryIndex(live);
    const viewer = opts?.viewer;
    if (index === null) {
      return vec0Search(embedding, limit, andSql(this.filters(opts?.filters), accessSql(viewer)), (sql) => this.stmt(sql), live.table);
    }
    // Sync first, then read what is hidden: a document that became ready in between is not in the
    // index yet, so the mask can never miss one. The chunk rows are read with the access condition too.
    index.sync();
    let allow: ((doc: number) => boolean) | undefined;
    if (hasFilters(opts?.filters)) {
      const ids = new Set(this.filteredDocumentIds(opts?.filters, viewer));
      if (ids.size === 0) return [];
      allow = (doc) => ids.has(doc);
    } else {
      const hidden = this.hiddenDocumentIds(viewer);
      if (hidden.size > 0) allow = (doc) => !hidden.has(doc);
    }
    const matches = index.search(embedding, limit, allow);
    const rows = this.chunkRows(matches.map((m) => m.chunkId), viewer);
    return matches.flatMap((m) => {
      const r = rows.get(m.chunkId);
      return r ? [hit(r, m.similarity)] : [];
    });
  }

  /** Builds the in-memory vector index now instead of on the first vector query (3–5 s per 100k chunks). */
  warmUp(): void {
    const live = this.liveVectors();
    if (live !== null) this.memoryIndex(live)?.sync();
  }

  async metadata(query: MetadataQuery, opts: SearchOptions): Promise<MetadataHit[]> {
    const limit = clampLimit(opts?.limit, MAX_LIMIT);
    const raw = typeof query?.value === 'string' ? query.value.trim() : '';
    if (limit === 0 || raw === '' || !META_KINDS.has(query.kind)) return [];
    // A signature is looked up among the ones documents cite too: a judgment is found by the case it reviewed.
    const kinds: MetaKind[] = query.kind === 'caseNumber' ? ['caseNumber', 'references'] : [query.kind];
    let sql = `SELECT m.* FROM metadata m CROSS JOIN documents d ON d.id = m.document_id WHERE m.kind IN (${kinds.map(() => '?').join(', ')}) AND `;
    const params: unknown[] = [...kinds];
    const signature = query.kind === 'caseNumber' ? normaliseCase(raw) : null;
    if (signature?.canonical || query.kind === 'parcel' || query.kind === 'date') {
      // Stored in canonical form by the extractors: an index lookup.
      sql += 'm.value = ?';
      params.push(signature?.value ?? (query.kind === 'parcel' ? normaliseParcel(raw) : raw));
    } else {
      sql += 'm.value IN (SELECT value FROM json_each(?))';
      params.push(JSON.stringify([...new Set(kinds.flatMap((kind) => this.values.matching('metadata', raw, { kind })))]));
    }
    const precinct = typeof query.precinct === 'string' ? query.precinct.trim() : '';
    if (query.kind === 'parcel' && precinct !== '') {
      sql += " AND json_extract(m.extra, '$.obreb') IN (SELECT value FROM json_each(?))";
      params.push(JSON.stringify(this.values.matching('precinct', precinct)));
    }
    const f = andSql(this.filters(opts?.filters), accessSql(opts?.viewer));
    const rows = this.stmt(`${sql} AND ${READY}${f.sql} ORDER BY m.document_id, m.id LIMIT ?`).all(
      ...params,
      ...f.params,
      limit,
    ) as MetadataRow[];
    return rows.map(metadataHit);
  }

  async listDocuments(filters: SearchFilters, limit: number, viewer: Viewer): Promise<DocumentId[]> {
    const n = clampLimit(limit, MAX_LIMIT);
    if (n === 0) return [];
    const f = andSql(this.filters(filters), accessSql(viewer));
    const rows = this.stmt(
      `SELECT d.id FROM documents d WHERE ${READY}${f.sql}
       ORDER BY d.doc_date IS NULL, d.doc_date DESC, d.id LIMIT ?`,
    )
      .pluck()
      .all(...f.params, n) as number[];
    return rows.map(String);
  }

  async chunks(ids: ChunkId[], viewer: Viewer): Promise<ChunkRecord[]> {
    const wanted = uniqueIds(ids);
    const rows = this.chunkRows(wanted, viewer, true);
    return wanted.flatMap((id) => {
      const r = rows.get(id);
      return r ? [chunkRecord(r)] : [];
    });
  }

  async documentChunks(id: DocumentId, limit: number, viewer: Viewer): Promise<ChunkRecord[]> {
    const doc = parseId(id);
    const n = clampLimit(limit, MAX_LIMIT);
    if (doc === null || n === 0) return [];
    const a = accessSql(viewer);
    const rows = this.stmt(
      `SELECT ${CHUNK_COLUMNS}, c.text FROM chunks c JOIN documents d ON d.id = c.document_id
       WHERE c.document_id = ? AND ${READY}${a.sql} ORDER BY c.page, c.start, c.id LIMIT ?`,
    ).all(doc, ...a.params, n) as ChunkRow[];
    return rows.map(chunkRecord);
  }

  async document(id: DocumentId, viewer: Viewer): Promise<DocumentRecord | null> {
    const doc = parseId(id);
    if (doc === null) return null;
    return this.loadDocuments([doc], viewer)[0] ?? null;
  }

  async documents(ids: DocumentId[], viewer: Viewer): Promise<DocumentRecord[]> {
    return this.loadDocuments(uniqueIds(ids), viewer);
  }

  async page(id: DocumentId, page: number, viewer: Viewer): Promise<PageRecord | null> {
    const doc = parseId(id);
    if (doc === null || !Number.isSafeInteger(page) || page < 1) return null;
    const a = accessSql(viewer);
    const row = this.stmt(
      `SELECT p.* FROM pages p JOIN documents d ON d.id = p.document_id WHERE p.document_id = ? AND p.page = ? AND ${READY}${a.sql}`,
    ).get(doc, page, ...a.params) as PageDbRow | undefined;
    return row ? pageRecord(row) : null;
  }

  async health(): Promise<BackendHealth> {
    try {
      this.stmt("SELECT id FROM documents WHERE status = 'ready' LIMIT 1").get();
      this.stmt('SELECT rowid FROM chunks_fts LIMIT 1').get();
      return { ok: true, backend: this.id };
    } catch (err) {
      return { ok: false, backend: this.id, detail: err instanceof Error ? err.message : String(err) };
    }
  }

  async stats(viewer: Viewer): Promise<ArchiveStats> {
    const a = accessSql(viewer);
    return this.stmt(
      `SELECT (SELECT count(*) FROM documents d WHERE ${READY}${a.sql}) AS documents,
              (SELECT count(*) FROM pages p JOIN documents d ON d.id = p.document_id WHERE ${READY}${a.sql}) AS pages,
              (SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id WHERE ${READY}${a.sql}) AS chunks`,
    ).get(...a.params, ...a.params, ...a.params) as ArchiveStats;
  }

  async docTypes(viewer: Viewer): Promise<DocTypeCount[]> {
    const a = accessSql(viewer);
    const rows = this.stmt(
      `SELECT d.doc_type AS value, count(*) AS count FROM documents d
       WHERE ${READY} AND d.doc_type IS NOT NULL AND d.doc_type <> ''${a.sql}
       GROUP BY d.doc_type ORDER BY count DESC, d.doc_type LIMIT ?`,
    ).all(...a.params, MAX_DOC_TYPES) as DocTypeCount[];
    return rows.sort(byDocTypeCount);
  }

  /**
   * A filter that leaves under a fifth of the documents: the best-ranked chunks of the whole index
   * would mostly be filtered out, so the exact filtered query is run straight away (one MATCH, not two).
   */
  private selective(f: SqlCondition): boolean {
    const allowed = this.stmt(`SELECT count(*) FROM documents d WHERE ${READY}${f.sql}`).pluck().get(...f.params) as number;
    const total = this.stmt(`SELECT count(*) FROM documents d WHERE ${READY}`).pluck().get() as number;
    return allowed < total * 0.2;
  }

  /** Ready documents passing `filters` that `viewer` may read (for filtered vector search). */
  private filteredDocumentIds(filters: SearchFilters | undefined, viewer: Viewer): number[] {
    const f = andSql(this.filters(filters), accessSql(viewer));
    return this.stmt(`SELECT d.id FROM documents d WHERE ${READY}${f.sql}`).pluck().all(...f.params) as number[];
  }

  /** Ready documents `viewer` may not read (usually none or few). */
  private hiddenDocumentIds(viewer: Viewer): Set<number> {
    const q = hiddenDocumentsSql(viewer);
    return new Set(q ? (this.stmt(q.sql).pluck().all(...q.params) as number[]) : []);
  }

  /** Chunks of ready documents `viewer` may read, by id (text too when asked). */
  private chunkRows(ids: number[], viewer: Viewer, withText = false): Map<number, ChunkRow> {
    if (ids.length === 0) return new Map();
    const a = accessSql(viewer);
    const rows = this.stmt(
      `SELECT ${CHUNK_COLUMNS}${withText ? ', c.text' : ''} FROM chunks c JOIN documents d ON d.id = c.document_id
       WHERE c.id IN (SELECT value FROM json_each(?)) AND ${READY}${a.sql}`,
    ).all(JSON.stringify(ids), ...a.params) as ChunkRow[];
    return new Map(rows.map((r) => [r.id, r]));
  }

  private loadDocuments(ids: number[], viewer: Viewer): DocumentRecord[] {
    if (ids.length === 0) return [];
    const a = accessSql(viewer);
    const docs = this.stmt(
      `SELECT d.* FROM documents d WHERE d.id IN (SELECT value FROM json_each(?)) AND ${READY}${a.sql}`,
    ).all(JSON.stringify(ids), ...a.params) as DocumentDbRow[];
    if (docs.length === 0) return [];
    const meta = this.stmt(
      'SELECT m.* FROM metadata m WHERE m.document_id IN (SELECT value FROM json_each(?)) ORDER BY m.id',
    ).all(JSON.stringify(docs.map((d) => d.id))) as MetadataRow[];
    const byDoc = new Map<number, MetadataHit[]>();
    for (const m of meta) {
      const list = byDoc.get(m.document_id) ?? [];
      list.push(metadataHit(m));
      byDoc.set(m.document_id, list);
    }
    const byId = new Map(docs.map((d) => [d.id, documentRecord(d, byDoc.get(d.id) ?? [])]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** The archive's embedder key and live vector table, or null before the first document created it. */
  private liveVectors(): { key: string; table: string } | null {
    const key = getSetting(this.db, 'embedder');
    if (!key) return null;
    const dims = keyDimensions(key);
    return Number.isSafeInteger(dims) && dims > 0 ? { key, table: vectorTable(this.db) } : null;
  }

  /** The in-memory index of the live vectors (a new one once the archive moved to another embedder). */
  private memoryIndex(live: { key: string; table: string }): Int8VectorIndex | null {
    if (this.index === undefined || (this.index !== null && this.indexKey !== `${live.key}@${live.table}`)) {
      const kernel = (this.opts.vectorSearch ?? 'auto') === 'vec0' ? null : newInt8Kernel();
      if (kernel === null && this.opts.vectorSearch === 'memory') {
        throw new Error('vectorSearch "memory" needs WebAssembly SIMD, which this runtime lacks');
      }
      this.index = kernel ? new Int8VectorIndex(this.db, kernel, keyDimensions(live.key), live.table) : null;
      this.indexKey = `${live.key}@${live.table}`;
    }
    return this.index;
  }
}
