/**
 * Runs ingest batches: lists files in the ledger, queues one job per file, and reports progress
 * from the ledger. The same handler runs under the embedded queue and (later) BullMQ.
 */
import type { Actor } from '../store/users.js';
import fs from 'node:fs';
import { IngestError, toIngestError } from '../errors.js';
import { ingestFile, type PipelineContext } from '../../ingest/pipeline.js';
import { walk, type FoundFile } from '../../ingest/walk.js';
import type { JobQueue } from '../queue/queue.js';
import { detachBatch, finishDetachedIfDone } from './detached-batch.js';
import type { BatchSummary, Ledger, LedgerFile } from '../store/ledger.js';

export interface BatchResult {
  batchId: number;
  summary: BatchSummary;
  failures: LedgerFile[];
}

export interface RunOptions {
  paths: string[];
  caseOverride: string | null;
  /** Read each file's metadata sidecar of a DMS export (ingest/dms.ts). */
  dms?: boolean;
  watch?: { intervalMs: number; settleMs: number; signal: AbortSignal };
  /** Called on every stored page and finished file. */
  onProgress?: (batchId: number) => void;
  onWalkError?: (path: string, err: Error) => void;
  /** Who started the batch (the audit trail records it); the system when absent. */
  by?: Actor;
  /**
   * false: return once every file is queued and leave the batch to the queue's workers, which
   * close it (`kwerenda ingest --no-wait`; only with a queue outside this process, i.e. BullMQ).
   */
  wait?: boolean;
}

/** The queue job id of a ledger file: deterministic, so a file is never queued twice. */
export function ingestJobId(fileId: number): string {
  return `ingest-file:${fileId}`;
}

export class IngestService {
  private readonly contexts = new Map<number, PipelineContext>();

  constructor(
    private readonly ledger: Ledger,
    private readonly queue: JobQueue,
    private readonly baseContext: Omit<PipelineContext, 'caseOverride' | 'onPage'>,
    private readonly attempts: number,
    concurrency: number,
  ) {
    this.queue.process(
      'ingest-file',
      {
        run: async (job) => {
          const file = this.ledger.get(job.payload.fileId);
          // A job of a batch whose process died is left to the batch that re-runs the same
          // command: running it here too would do the same pages twice.
          if (!this.ledger.batchLive(file.batch_id)) return;
          // A worker process (BullMQ) did not start the batch: its --case comes from the batch row.
          const ctx = this.contexts.get(file.batch_id) ?? { ...this.baseContext, ...this.batchOptions(file.batch_id) };
          try {
            await ingestFile(ctx, file.id);
            finishDetachedIfDone(this.ledger, file.batch_id);
          } catch (err) {
            const e = toIngestError(err);
            this.ledger.update(file.id, { error_code: e.code, error: e.message.slice(0, 500) });
            throw e;
          } finally {
            ctx.onPage?.(file.id);
          }
        },
        onFailed: (job, err) => {
          const e = toIngestError(err);
          this.ledger.update(job.payload.fileId, {
            status: 'failed',
            stage: 'failed',
            error_code: e.code,
            error: e.message.slice(0, 500),
          });
          const file = this.ledger.get(job.payload.fileId);
          finishDetachedIfDone(this.ledger, file.batch_id);
          this.contexts.get(file.batch_id)?.onPage?.(file.id);
        },
      },
      { concurrency },
    );
  }

  private batchOptions(batchId: number): { caseOverride: string | null; dms: boolean } {
    const row = this.ledger.db.prepare('SELECT case_override, dms FROM batches WHERE id = ?').get(batchId) as
      | { case_override: string | null; dms: number }
      | undefined;
    return { caseOverride: row?.case_override ?? null, dms: row?.dms === 1 };
  }

  async run(opts: RunOptions): Promise<BatchResult> {
    this.ledger.closeDeadBatches();
    const batchId = this.ledger.createBatch(opts.paths, opts.caseOverride, opts.by);
    if (opts.dms) this.ledger.db.prepare('UPDATE batches SET dms = 1 WHERE id = ?').run(batchId);
    const detached = opts.wait === false;
    // Before the first job is added, so the worker finishing the last file sees it handed over.
    if (detached) detachBatch(this.ledger.db, batchId);
    this.contexts.set(batchId, {
      ...this.baseContext,
      caseOverride: opts.caseOverride,
      dms: opts.dms ?? false,
      onPage: () => opts.onProgress?.(batchId),
    });
    const jobIds: string[] = [];
    const enqueue = async (files: FoundFile[]) => {
      for (const f of files) {
        const id = this.ledger.addFile(batchId, f.path, f.size);
        const jobId = ingestJobId(id);
        jobIds.push(jobId);
        await this.queue.add('ingest-file', { fileId: id }, { jobId, attempts: this.attempts });
      }
      opts.onProgress?.(batchId);
    };
    try {
      for (const p of opts.paths) {
        if (!fs.existsSync(p)) throw new IngestError('read_failed', `ścieżka nie istnieje: ${p}`);
      }
      if (opts.watch) await this.watch(opts.paths, opts.watch, enqueue, opts.onWalkError);
      else await enqueue(walk(opts.paths, opts.onWalkError));
      if (!detached) await this.queue.settled(jobIds);
    } finally {
      if (!detached) this.ledger.finishBatch(batchId);
      else finishDetachedIfDone(this.ledger, batchId); // an empty batch (or one already done)
      this.contexts.delete(batchId);
    }
    return {
      batchId,
      summary: this.ledger.summary(batchId),
      failures: this.ledger.files(batchId).filter((f) => f.status === 'failed'),
    };
  }

  /**
   * Polls the folders (works on SMB/NFS shares, where change events are unreliable). A file is
   * taken only when its size and modification time have not changed for `settleMs`, so a file
   * still being copied is not read half-written.
   */
  private async watch(
    paths: string[],
    w: NonNullable<RunOptions['watch']>,
    enqueue: (files: FoundFile[]) => Promise<void>,
    onError?: (path: string, err: Error) => void,
  ): Promise<void> {
    const taken = new Map<string, string>();
    const candidates = new Map<string, { sig: string; since: number }>();
    while (!w.signal.aborted) {
      const now = Date.now();
      const ready: FoundFile[] = [];
      for (const f of walk(paths, onError)) {
        const sig = `${f.size}:${f.mtimeMs}`;
        if (taken.get(f.path) === sig) continue;
        const c = candidates.get(f.path);
        if (!c || c.sig !== sig) {
          candidates.set(f.path, { sig, since: now });
          if (w.settleMs > 0) continue;
        } else if (now - c.since < w.settleMs) continue;
        if (f.size === 0) continue; // an empty file is usually a copy that has just begun
        candidates.delete(f.path);
        taken.set(f.path, sig);
        ready.push(f);
      }
      if (ready.length) await enqueue(ready);
      await sleep(w.intervalMs, w.signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
