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

/** Creates the vector table for the embedder's dimension once; refuses a different embedder later. */
export function ensureVectorTable(db: Db, embedderId: string, dimensions: number): void {
  write(db, () => {
    const existing = getSetting(db, 'embedder');
    const wanted = `${embedderId}:${dimensions}`;
    if (existing && existing !== wanted) {
      throw new Error(
        `archive was indexed with embeddings "${existing}" but "${wanted}" is configured; ` +
          'use the same embedding settings or a new data directory',
      );
    }
    if (!existing) {
      db.exec(`CREATE VIRTUAL TABLE chunk_vectors USING vec0(embedding float[${dimensions}] distance_metric=cosine)`);
      setSetting(db, 'embedder', wanted);
    }
  });
}
