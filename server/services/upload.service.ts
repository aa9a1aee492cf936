/**
 * Files uploaded through the web UI: staged in the data dir, then ingested as one batch by the
 * existing ingest service, in this process. Progress is read from the ledger (the same rows the CLI
 * reads); a failed file can be re-queued while its staged copy is still on disk.
 */
import type { Actor } from '../store/users.js';
import fs from 'node:fs';
import path from 'node:path';
import type { Viewer } from '../domain/types.js';
import { DomainError } from '../errors.js';
import type { Logger } from '../log.js';
import type { JobQueue } from '../queue/queue.js';
import type { BatchSummary, Ledger, LedgerFile } from '../store/ledger.js';
import { ingestJobId, type IngestService } from './ingest.service.js';
import { createStaging, sweepStaging, type Staging } from './upload-staging.js';
import { fileView, hiddenDocuments, type FileView } from './upload-views.js';

export { safeRelative, type Staging } from './upload-staging.js';
export { WITHHELD_NAME, type FileView } from './upload-views.js';

/** Upload limits; beyond them the HTTP layer answers 413. */
export interface UploadLimits {
  maxFileBytes: number;
  maxRequestBytes: number;
  maxFiles: number;
}

/** Sane defaults for scans: one file up to 2 GiB, one request up to 20 GiB and 10 000 files. */
export const DEFAULT_UPLOAD_LIMITS: Readonly<UploadLimits> = Object.freeze({
  maxFileBytes: 2 * 1024 ** 3,
  maxRequestBytes: 20 * 1024 ** 3,
  maxFiles: 10_000,
});

/** What the upload service needs of an ingest runtime (see `createIngestRuntime`). */
export interface IngestWorkers {
  ingest: IngestService;
  queue: JobQueue;
  config: { ingest: { attempts: number } };
  close(): Promise<void>;
}

export interface BatchView {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  /** 'running' only while the process running it is alive. */
  status: 'running' | 'done' | 'interrupted';
  summary: BatchSummary;
}

export class UploadService {
  readonly limits: UploadLimits;
  private workers: Promise<IngestWorkers> | null = null;
  private readonly activeBatches = new Set<number>();
  /** Batches reopened for retries here, with the number of retried files still in flight. */
  private readonly retrying = new Map<number, number>();
  private readonly stagingRoot: string;
  private closed = false;

  constructor(
    private readonly deps: {
      dataDir: string;
      /** Reads progress (and reopens a batch for a retry). */
      ledger: Ledger;
      /** Starts the ingest workers; called once, on the first upload or retry. */
      startWorkers: () => Promise<IngestWorkers>;
      limits?: Partial<UploadLimits>;
      logger?: Logger;
    },
  ) {
    this.limits = { ...DEFAULT_UPLOAD_LIMITS, ...deps.limits };
    this.stagingRoot = path.join(deps.dataDir, 'staging');
  }

  private start(): Promise<IngestWorkers> {
    if (this.closed) throw new DomainError('shutting_down', 'serwer jest zatrzymywany; spróbuj za chwilę', 503);
    this.workers ??= this.deps.startWorkers().catch((err: unknown) => {
      this.workers = null;
      throw err;
    });
    return this.workers;
  }

  createStaging(): Staging {
    return createStaging(this.stagingRoot);
  }

  /**
   * Removes what uploads left in staging that no batch file needs: uploads that failed or were
   * cut off (also by a crash of the server mid-upload) and copies of files already in the archive.
   * Staged copies of files still queued, running or failed (kept for a retry) stay. Run at start.
   */
  sweepStaging(): number {
    const root = this.stagingRoot + path.sep;
    const keep = this.deps.ledger.db
      .prepare("SELECT path FROM ingest_files WHERE status NOT IN ('ingested', 'present') AND substr(path, 1, length(?)) = ?")
      .pluck()
      .all(root, root) as string[];
    return sweepStaging(this.stagingRoot, new Set(keep));
  }

  /** Starts a batch over the staged files; resolves with its id once every file is queued. */
  async startBatch(staging: Staging, files: string[], by: Actor): Promise<number> {
    if (!files.length) {
      staging.discard();
      throw new DomainError('no_files', 'nie przesłano żadnego pliku', 400);
    }
    let w: IngestWorkers;
    try {
      w = await this.start();
    } catch (err) {
      staging.discard();
      throw err;
    }
    return new Promise<number>((resolve, reject) => {
      let batchId: number | null = null;
      const run = w.ingest.run({
        paths: files,
        caseOverride: null,
        by,
        onProgress: (id) => {
          if (batchId !== null) return;
          batchId = id;
          this.activeBatches.add(id);
          resolve(id);
        },
      });
      run
        .then((r) => {
          resolve(r.batchId);
          this.removeDone(r.batchId);
        })
        .catch((err: unknown) => {
          // Before its batch was recorded nothing refers to the staged files: they go.
          if (batchId === null) staging.discard();
          reject(err);
          this.deps.logger?.error('upload_batch_failed', { error: err instanceof Error ? err.message.slice(0, 200) : String(err) });
        })
        .finally(() => {
          if (batchId !== null) this.activeBatches.delete(batchId);
        });
    });
  }

  /** Staged copies of files now in the archive are no longer needed (the archive keeps the original). */
  private removeDone(batchId: number): void {
    for (const f of this.deps.ledger.files(batchId)) {
      if ((f.status === 'ingested' || f.status === 'present') && this.isStaged(f.path)) {
        fs.rmSync(f.path, { force: true });
        this.removeEmptyParents(path.dirname(f.path));
      }
    }
  }

  private removeEmptyParents(dir: string): void {
    for (let d = dir; this.isStaged(d); d = path.dirname(d)) {
      try {
        fs.rmdirSync(d); // fails (and stops) at the first folder still holding a file
      } catch {
        return;
      }
    }
  }

  private isStaged(p: string): boolean {
    return p.startsWith(this.stagingRoot + path.sep);
  }

  /** Latest batches first. */
  batches(limit = 20): BatchView[] {
    const rows = this.deps.ledger.db
      .prepare('SELECT id FROM batches ORDER BY id DESC LIMIT ?')
      .pluck()
      .all(Math.min(Math.max(1, limit), 100)) as number[];
    return rows.map((id) => this.batchView(id)!);
  }

  /** A batch with its files as `viewer` may see them (see `fileView`). */
  batch(id: number, viewer: Viewer): { batch: BatchView; files: FileView[] } {
    let batch = this.batchView(id);
    if (batch?.status === 'interrupted' && batch.summary.queued + batch.summary.running > 0) {
      // Its process died (kill -9, restart): record its unfinished files as interrupted, so they can be retried.
      this.deps.ledger.closeDeadBatches();
      batch = this.batchView(id);
    }
    if (!batch) throw new DomainError('batch_not_found', 'nie ma takiej partii', 404);
    const files = this.deps.ledger.files(id);
    const hidden = hiddenDocuments(this.deps.ledger.db, files, viewer);
    return { batch, files: files.map((f) => fileView(f, this.stagingRoot, hidden)) };
  }

  private batchView(id: number): BatchView | undefined {
    const b = this.deps.ledger.db.prepare('SELECT id, started_at, finished_at, status FROM batches WHERE id = ?').get(id) as
      | { id: number; started_at: string; finished_at: string | null; status: BatchView['status'] }
      | undefined;
    if (!b) return undefined;
    const status = b.status === 'running' && !this.deps.ledger.batchLive(id) ? 'interrupted' : b.status;
    return { id: b.id, startedAt: b.started_at, finishedAt: b.finished_at, status, summary: this.deps.ledger.summary(id) };
  }

  /** Re-queues a failed file in its own batch; resolves once it is queued. */
  async retry(fileId: number, by: Actor): Promise<{ batchId: number; fileId: number }> {
    const f = this.deps.ledger.get(fileId) as LedgerFile | undefined;
    if (!f) throw new DomainError('file_not_found', 'nie ma takiego pliku w rejestrze przyjęć', 404);
    if (f.status !== 'failed') throw new DomainError('not_failed', 'ponowić można tylko plik zakończony błędem', 409);
    const ownRetry = this.retrying.has(f.batch_id);
    if (this.activeBatches.has(f.batch_id) || (!ownRetry && this.deps.ledger.batchLive(f.batch_id))) {
      throw new DomainError('batch_running', 'partia jest jeszcze przetwarzana; ponów po jej zakończeniu', 409);
    }
    if (!fs.existsSync(f.path)) {
      throw new DomainError('file_gone', 'pliku nie ma już na serwerze; prześlij go ponownie', 409);
    }
    const w = await this.start();
    this.deps.ledger.reopenFile(fileId, by);
    const batchId = f.batch_id;
    this.retrying.set(batchId, (this.retrying.get(batchId) ?? 0) + 1);
    // The batch closes when the last of its retried files has settled.
    const settle = () => {
      const left = (this.retrying.get(batchId) ?? 1) - 1;
      if (left > 0) {
        this.retrying.set(batchId, left);
        return;
      }
      this.retrying.delete(batchId);
      this.deps.ledger.finishBatch(batchId);
      this.removeDone(batchId);
    };
    const jobId = ingestJobId(fileId);
    try {
      await w.queue.add('ingest-file', { fileId }, { jobId, attempts: w.config.ingest.attempts });
    } catch (err) {
      settle();
      throw err;
    }
    void w.queue
      .settled([jobId])
      .then(settle)
      .catch(() => undefined); // the database may be closed by a shutdown meanwhile
    return { batchId, fileId };
  }

  /**
   * Stops the workers; waits for the files being processed. Files still queued are marked
   * "interrupted" by the next start and can then be retried from the UI (their staged copies stay).
   */
  async close(): Promise<void> {
    this.closed = true;
    const w = await this.workers?.catch(() => null);
    await w?.close();
  }
}
