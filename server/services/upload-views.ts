/**
 * Ingest batch files as a viewer may see them. A file whose document the viewer may not read
 * (restricted to others: server/store/restrictions.ts) keeps its row, status and progress — the
 * batch still adds up for whoever watches it — but its name and folders (which often carry the
 * case, the parties, the very thing restricted), size, type and document id are withheld, as the
 * document routes answer such a document like a missing one. PESELs in the names that remain are
 * masked by the HTTP route (PeselPolicy), as everywhere else text is shown.
 */
import path from 'node:path';
import type { Viewer } from '../domain/types.js';
import { ingestMessage, type IngestFailureCode } from '../errors.js';
import { accessSql } from '../search/sqlite/access.js';
import type { Db } from '../store/db.js';
import type { FileStatus, LedgerFile } from '../store/ledger.js';

export interface FileView {
  id: number;
  /** Path inside the upload (folder uploads keep their folders); the full path for CLI batches. */
  name: string;
  size: number | null;
  status: FileStatus;
  stage: string;
  pagesDone: number;
  pagesTotal: number | null;
  detected: string | null;
  documentId: number | null;
  error: { code: string; reason: string } | null;
  /**
   * Present when the file was ingested but something about it needs the records staff's eye (metadata
   * that could not be read in its time limit): the reason, in Polish.
   */
  notice?: string;
  /** Present (true) when the file's document is restricted from the viewer: name, size, type and id withheld. */
  withheld?: true;
}

/** The name shown for a file whose document the viewer may not read. */
export const WITHHELD_NAME = '(dokument o ograniczonym dostępie)';

/** The documents of `files` that `viewer` may not read. */
export function hiddenDocuments(db: Db, files: LedgerFile[], viewer: Viewer): Set<number> {
  const ids = [...new Set(files.flatMap((f) => (f.document_id === null ? [] : [f.document_id])))];
  if (ids.length === 0) return new Set();
  const a = accessSql(viewer);
  const visible = new Set(
    db
      .prepare(`SELECT d.id FROM documents d WHERE d.id IN (SELECT value FROM json_each(?))${a.sql}`)
      .pluck()
      .all(JSON.stringify(ids), ...a.params) as number[],
  );
  return new Set(ids.filter((d) => !visible.has(d)));
}

/** One ledger row as shown; staged files are named by their path inside the upload. */
export function fileView(f: LedgerFile, stagingRoot: string, hidden: ReadonlySet<number>): FileView {
  const progress = { id: f.id, status: f.status, stage: f.stage, pagesDone: f.pages_done, pagesTotal: f.pages_total };
  if (f.document_id !== null && hidden.has(f.document_id)) {
    return { ...progress, name: WITHHELD_NAME, size: null, detected: null, documentId: null, error: null, withheld: true };
  }
  // Staged files live in staging/<upload>/<name as uploaded>.
  const staged = f.path.startsWith(stagingRoot + path.sep);
  const name = staged ? path.relative(stagingRoot, f.path).split(path.sep).slice(1).join('/') : f.path;
  const code = (f.error_code ?? 'internal') as IngestFailureCode;
  return {
    ...progress,
    name,
    size: f.size,
    detected: f.detected,
    documentId: f.document_id,
    error: f.status === 'failed' ? { code, reason: f.error ?? ingestMessage(code) } : null,
    ...(f.status === 'ingested' && f.error_code === 'metadata_incomplete' && f.error ? { notice: f.error } : {}),
  };
}
