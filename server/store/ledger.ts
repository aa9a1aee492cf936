/**
 * The ingest ledger: batches and one row per file per batch, in the archive database. Progress is
 * read from here by the CLI (and later the API and UI), never from the queue.
 */
import os from 'node:os';
import { AuditLog } from './audit-log.js';
import { write, type Db } from './db.js';
import { SYSTEM_ACTOR, type Actor } from './users.js';
import { enqueueWebhookEvent } from './webhooks.js';

export type FileStatus = 'queued' | 'running' | 'ingested' | 'present' | 'failed';

export interface LedgerFile {
  id: number;
  batch_id: number;
  path: string;
  size: number | null;
  sha256: string | null;
  detected: string | null;
  status: FileStatus;
  stage: string;
  pages_done: number;
  pages_total: number | null;
  attempts: number;
  error_code: string | null;
  error: string | null;
  document_id: number | null;
}

export interface BatchSummary {
  batchId: number;
  files: number;
  queued: number;
  running: number;
  ingested: number;
  present: number;
  failed: number;
  pagesDone: number;
  pagesTotal: number;
}

/** True when a process with this pid is alive on this host. */
export function processAlive(pid: number | null, host: string | null): boolean {
  if (!pid) return false;
  if (host && host !== os.hostname()) return true; // cannot tell: assume alive
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const FINAL: ReadonlySet<string> = new Set(['ingested', 'present', 'failed']);

export class Ledger {
  private readonly audit: AuditLog;

  constructor(readonly db: Db) {
    this.audit = new AuditLog(db);
  }

  /** Batches whose process died (kill -9, power loss) are closed as interrupted. */
  closeDeadBatches(): number {
    const running = this.db
      .prepare("SELECT id, owner_pid, owner_host FROM batches WHERE status = 'running'")
      .all() as { id: number; owner_pid: number | null; owner_host: string | null }[];
    const dead = running.filter((b) => !processAlive(b.owner_pid, b.owner_host));
    if (!dead.length) return 0;
    write(this.db, () => {
      for (const b of dead) {
        this.db
          .prepare(
            `UPDATE ingest_files SET status = 'failed', error_code = 'interrupted',
               error = 'przetwarzanie przerwane (proces zakończony); zostanie wznowione przy kolejnym uruchomieniu',
               updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
             WHERE batch_id = ? AND status IN ('queued', 'running')`,
          )
          .run(b.id);
        this.db
          .prepare("UPDATE batches SET status = 'interrupted', finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?")
          .run(b.id);
      }
    });
    return dead.length;
  }

  /** A batch is live while it is running and the process that started it is alive. */
  batchLive(batchId: number): boolean {
    const b = this.db.prepare('SELECT status, owner_pid, owner_host FROM batches WHERE id = ?').get(batchId) as
      | { status: string; owner_pid: number | null; owner_host: string | null }
      | undefined;
    return b !== undefined && b.status === 'running' && processAlive(b.owner_pid, b.owner_host);
  }

  /** Opens a batch; `by` is who started it (the audit trail records it), the system by default. */
  createBatch(roots: string[], caseOverride: string | null, by: Actor = SYSTEM_ACTOR): number {
    return write(this.db, () => {
      const id = Number(
        this.db
          .prepare('INSERT INTO batches(roots, case_override, owner_pid, owner_host) VALUES (?, ?, ?, ?)')
          .run(JSON.stringify(roots), caseOverride, process.pid, os.hostname()).lastInsertRowid,
      );
      this.audit.append({ actor: by, action: 'ingest.batch', target: `batch:${id}`, details: { status: 'started', roots: roots.length, caseOverride } });
      return id;
    });
  }

  finishBatch(batchId: number): void {
    write(this.db, () => {
      this.db
        .prepare("UPDATE batches SET status = 'done', finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?")
        .run(batchId);
      const sum = this.summary(batchId);
      this.audit.append({
        actor: SYSTEM_ACTOR,
        action: 'ingest.batch',
        target: `batch:${batchId}`,
        details: { status: 'done', files: sum.files, ingested: sum.ingested, present: sum.present, failed: sum.failed },
      });
      enqueueWebhookEvent(this.db, 'ingest.batch.completed', { batchId, files: sum.files, ingested: sum.ingested, present: sum.present, failed: sum.failed });
    });
  }

  /**
   * Puts a failed file back in the queue of its batch, reopened under this process (the job handler
   * skips files of batches that are not live).
   */
  reopenFile(fileId: number, by: Actor = SYSTEM_ACTOR): void {
    write(this.db, () => {
      const f = this.get(fileId);
      this.audit.append({ actor: by, action: 'ingest.file', target: `file:${fileId}`, details: { batchId: f.batch_id, status: 'retry' } });
      this.db
        .prepare("UPDATE batches SET status = 'running', finished_at = NULL, owner_pid = ?, owner_host = ? WHERE id = ?")
        .run(process.pid, os.hostname(), f.batch_id);
      this.db
        .prepare(
          `UPDATE ingest_files SET status = 'queued', stage = 'queued', error = NULL, error_code = NULL,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
        )
        .run(fileId);
    });
  }

  /** Adds a file to the batch; returns its row id. */
  addFile(batchId: number, filePath: string, size: number): number {
    return write(this.db, () =>
      Number(
        this.db
          .prepare("INSERT INTO ingest_files(batch_id, path, size, status) VALUES (?, ?, ?, 'queued')")
          .run(batchId, filePath, size).lastInsertRowid,
      ),
    );
  }

  get(fileId: number): LedgerFile {
    return this.db.prepare('SELECT * FROM ingest_files WHERE id = ?').get(fileId) as LedgerFile;
  }

  update(fileId: number, fields: Partial<Omit<LedgerFile, 'id' | 'batch_id' | 'path'>>): void {
    const keys = Object.keys(fields);
    if (!keys.length) return;
    const sets = keys.map((k) => `${k} = @${k}`).join(', ');
    write(this.db, () => {
      this.db
        .prepare(`UPDATE ingest_files SET ${sets}, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = @id`)
        .run({ ...fields, id: fileId });
      // Each outcome of a file goes to the audit trail (ids and codes only, not the path: folder
      // names can hold personal data).
      if (fields.status && FINAL.has(fields.status)) {
        const f = this.get(fileId);
        this.audit.append({
          actor: SYSTEM_ACTOR,
          action: 'ingest.file',
          target: `file:${fileId}`,
          details: { batchId: f.batch_id, status: f.status, sha256: f.sha256, documentId: f.document_id, errorCode: f.error_code },
        });
        enqueueWebhookEvent(this.db, f.status === 'failed' ? 'ingest.file.failed' : 'ingest.file.completed', {
          batchId: f.batch_id, fileId, documentId: f.document_id, sha256: f.sha256, status: f.status, errorCode: f.error_code,
        });
      }
    });
  }

  files(batchId: number): LedgerFile[] {
    return this.db.prepare('SELECT * FROM ingest_files WHERE batch_id = ? ORDER BY id').all(batchId) as LedgerFile[];
  }

  summary(batchId: number): BatchSummary {
    const r = this.db
      .prepare(
        `SELECT COUNT(*) AS files,
           SUM(status = 'queued') AS queued, SUM(status = 'running') AS running,
           SUM(status = 'ingested') AS ingested, SUM(status = 'present') AS present, SUM(status = 'failed') AS failed,
           SUM(pages_done) AS pagesDone, SUM(COALESCE(pages_total, 0)) AS pagesTotal
         FROM ingest_files WHERE batch_id = ?`,
      )
      .get(batchId) as Record<string, number | null>;
    const n = (k: string) => Number(r[k] ?? 0);
    return {
      batchId,
      files: n('files'),
      queued: n('queued'),
      running: n('running'),
      ingested: n('ingested'),
      present: n('present'),
      failed: n('failed'),
      pagesDone: n('pagesDone'),
      pagesTotal: n('pagesTotal'),
    };
  }
}
