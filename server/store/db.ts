/**
 * The embedded archive: one SQLite database in the data dir (WAL; writers use BEGIN IMMEDIATE).
 * Holds documents, pages, chunks with their FTS5 and sqlite-vec indexes, metadata with provenance,
 * the ingest ledger and the embedded job queue. Original files and page images live beside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { z } from 'zod';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;


export interface OpenOptions {
  readonly?: boolean;
}

/**
 * The archive holds personal data, so it is private to the user running kwerenda: from the first
 * open on, everything this process creates (database and its journal, originals, page images,
 * staged uploads, backups) is made without group or other access (umask 077), the data folder is
 * 0700, and an archive made before this is tightened on open: the folder 0700 (which alone keeps
 * everyone else out of everything beneath it), the files and folders directly in it 0600 / 0700.
 */
function keepPrivate(dataDir: string, tighten: boolean): void {
  if (isMainThread) process.umask(0o077); // a worker thread may not change it (and shares it anyway)
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!tighten) return;
  const chmod = (p: string, mode: number) => {
    try {
      const st = fs.lstatSync(p);
      if (!st.isSymbolicLink() && (st.mode & 0o077) !== 0) fs.chmodSync(p, st.isDirectory() ? mode | 0o100 : mode);
    } catch {
      // Not ours to change (another owner), or gone meanwhile: left as it is.
    }
  };
  chmod(dataDir, 0o700);
  for (const e of fs.readdirSync(dataDir, { withFileTypes: true })) {
    chmod(path.join(dataDir, e.name), e.isDirectory() ? 0o700 : 0o600);
  }
}

/** Opens (creating if needed) the archive database in `dataDir` and applies migrations. */
export function openDb(dataDir: string, opts: OpenOptions = {}): Db {
  keepPrivate(dataDir, !opts.readonly);
  const db = new Database(path.join(dataDir, 'kwerenda.db'), { readonly: opts.readonly ?? false });
  sqliteVec.load(db);
  db.pragma('busy_timeout = 10000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  }
  return db;
}

function migrate(db: Db): void {
  const apply = db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
  });
  apply.immediate();
}

/** Runs `fn` in a write transaction that takes the write lock up front (no SQLITE_BUSY mid-way). */
export function write<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

export function getSetting(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setSetting(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    key,
    value,
  );
}

/**
 * Queues documents for the external search index (inside the caller's transaction); a no-op while
 * the archive has none. 'index' (write the whole document) absorbs 'access' (rules only).
 */
export function queueSearchSync(db: Db, documentIds: number[], what: 'index' | 'access'): void {
  if (documentIds.length === 0 || getSetting(db, 'search_index') === undefined) return;
  db.prepare(
    `INSERT INTO search_sync(document_id, what, seq)
       SELECT value, ?, (SELECT coalesce(max(seq), 0) + 1 FROM search_sync) FROM json_each(?) WHERE true
     ON CONFLICT(document_id) DO UPDATE SET
       what = CASE WHEN search_sync.what = 'index' THEN 'index' ELSE excluded.what END,
       seq = excluded.seq, attempts = 0, last_error = NULL`,
  ).run(what, JSON.stringify(documentIds));
}

/**
 * How to rebuild the embedder that made the archive's vectors (no API key: that comes from the
 * configuration): `hash` is the offline HashingEmbedder, `openai` an OpenAI-compatible server.
 */
export const zEmbedderSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hash'), dimensions: z.number().int().min(1).max(8192) }),
  z.object({
    kind: z.literal('openai'),
    baseUrl: z.string().url(),
    model: z.string(),
    dimensions: z.number().int().min(1).max(8192),
    queryPrefix: z.string(),
    passagePrefix: z.string(),
    inputType: z.boolean(),
  }),
]);
export type EmbedderSpec = z.infer<typeof zEmbedderSpec>;

/** The one table an archive made before embedder specs were stored can have been built by without one. */
export const LEGACY_HASH_KEY = 'hash-ngram-v1:384';
/** `chunk_vectors`, then `chunk_vectors_g2`, `_g3` … as `kwerenda reembed` moves the archive. */
const VECTOR_TABLE = /^chunk_vectors(?:_g\d{1,6})?$/;

/** `<embedder id>:<dimensions>`: what settings.embedder holds. */
export function embedderKey(id: string, dimensions: number): string {
  return `${id}:${dimensions}`;
}

/** Dimensions of an embedder key. */
export function keyDimensions(key: string): number {
  return Number(key.slice(key.lastIndexOf(':') + 1));
}

/** A vector table name as stored in the settings, checked before it is ever put into SQL. */
export function checkedVectorTable(name: string): string {
  if (!VECTOR_TABLE.test(name)) throw new Error(`invalid vector table name in the archive settings: ${JSON.stringify(name)}`);
  return name;
}

/** The table holding the live vectors (`chunk_vectors` until a reembed switched to another). */
export function vectorTable(db: Db): string {
  return checkedVectorTable(getSetting(db, 'vector_table') ?? 'chunk_vectors');
}

export interface ArchiveEmbedding {
  /** `<id>:<dimensions>` of the embedder that made the live vectors. */
  key: string;
  dimensions: number;
  /** How to rebuild it; null for an archive made before specs were stored by a server embedder. */
  spec: EmbedderSpec | null;
  table: string;
}

/** The archive's embedder, or null before its first vector table was made. */
export function archiveEmbedding(db: Db): ArchiveEmbedding | null {
  const key = getSetting(db, 'embedder');
  if (!key) return null;
  const raw = getSetting(db, 'embedder_spec');
  let spec: EmbedderSpec | null = null;
  if (raw) spec = zEmbedderSpec.parse(JSON.parse(raw));
  else if (key === LEGACY_HASH_KEY) spec = { kind: 'hash', dimensions: 384 };
  return { key, dimensions: keyDimensions(key), spec, table: vectorTable(db) };
}

/**
 * Creates the vector table for the embedder's dimension once, recording how to rebuild the
 * embedder; refuses a different embedder later (server/runtime.ts decides which embedder serves an
 * archive before calling this; `kwerenda reembed` moves an archive to another one).
 */
export function ensureVectorTable(db: Db, embedderId: string, dimensions: number, spec?: EmbedderSpec): void {
  write(db, () => {
    const existing = getSetting(db, 'embedder');
    const wanted = embedderKey(embedderId, dimensions);
    if (existing && existing !== wanted) {
      throw new Error(
        `archive was indexed with embeddings "${existing}" but "${wanted}" is configured; ` +
          'run `kwerenda reembed` to move it to the configured embeddings',
      );
    }
    if (!existing) {
      const table = vectorTable(db);
      db.exec(`CREATE VIRTUAL TABLE ${table} USING vec0(embedding float[${dimensions}] distance_metric=cosine)`);
      setSetting(db, 'embedder', wanted);
    }
    if (spec) setSetting(db, 'embedder_spec', JSON.stringify(zEmbedderSpec.parse(spec)));
  });
}
