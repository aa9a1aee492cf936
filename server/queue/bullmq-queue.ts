/**
 * The scaled-out queue: jobs live in Redis (BullMQ), so any number of `kwerenda worker` processes,
 * on any machine, take them. It behaves like the embedded SqliteQueue behind the same interface:
 * payloads are checked with zod on the way in and again before handling, a job id is added once
 * while it is waiting or active, transient failures are retried with exponential backoff, a
 * permanent error (or the last attempt) calls the handler's `onFailed` exactly once, and a job
 * whose worker died (kill -9) is recovered by another worker without counting the lost run.
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  isPermanent,
  jobSchemas,
  type JobHandler,
  type JobInfo,
  type JobName,
  type JobPayload,
  type JobQueue,
} from './queue.js';

/**
 * Lock settings every worker must share: the stalled check is throttled in Redis across workers,
 * so one worker with BullMQ's defaults (30 s) would delay recovery for all. Measured: a job of a
 * worker killed with -9 is taken again after ~8 s with these values.
 */
export const LOCK_DURATION_MS = 5000;
export const STALLED_INTERVAL_MS = 2000;
/** Base of the exponential backoff, as in the embedded queue: 1 s, 2 s, 4 s, … */
export const BACKOFF_MS = 1000;

const PENDING = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
const POLL_MS = 250;

export interface BullMqQueueOptions {
  /** redis:// or rediss:// URL (REDIS_URL). */
  url: string;
  /** Key prefix in Redis; lets several archives (or tests) share one Redis. Default "kwerenda". */
  prefix?: string;
  /**
   * false: this process only adds jobs and waits for them (`process()` starts no worker), e.g. a
   * `kwerenda ingest` while `kwerenda worker` processes run the jobs.
   */
  consume?: boolean;
  /** Connection and worker errors (Redis down, lost lock); never carries job payloads or document text. */
  onError?: (err: Error) => void;
  /** Each run that ends here: for an operator's log (ids and outcome only). */
  onJob?: (job: JobInfo, outcome: 'completed' | 'retry' | 'failed') => void;
}

/**
 * BullMQ refuses ':' in custom job ids (and ids that look like integers); the ids callers pass
 * (e.g. `ingest-file:42`, derived from the ledger file id) are encoded injectively instead.
 */
export function bullJobId(id: string): string {
  return 'k-' + id.replace(/%/g, '%25').replace(/:/g, '%3A');
}

export class BullMqQueue implements JobQueue {
  private readonly redis: Redis;
  private readonly queues = new Map<JobName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly prefix: string;
  private closed = false;

  constructor(private readonly opts: BullMqQueueOptions) {
    this.prefix = opts.prefix ?? 'kwerenda';
    // maxRetriesPerRequest null: BullMQ's blocking worker connections require it.
    this.redis = new Redis(opts.url, { maxRetriesPerRequest: null, lazyConnect: false });
    this.redis.on('error', (e: Error) => this.reportError(e));
  }

  private reportError(err: Error): void {
    if (this.closed) return;
    this.opts.onError?.(err);
  }

  private queue(name: JobName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.redis, prefix: this.prefix });
      q.on('error', (e: Error) => this.reportError(e));
      this.queues.set(name, q);
    }
    return q;
  }

  async add<N extends JobName>(name: N, payload: JobPayload<N>, opts: { jobId: string; attempts: number }): Promise<void> {
    const parsed = jobSchemas[name].parse(payload);
    const q = this.queue(name);
    const jobId = bullJobId(opts.jobId);
    // BullMQ ignores an id it still keeps as completed or failed; the embedded queue runs such a
    // job again, so the finished one is removed first. A waiting or active one is left alone.
    const state = await q.getJobState(jobId);
    if (PENDING.has(state)) return;
    if (state === 'completed' || state === 'failed') await q.remove(jobId);
    await q.add(name, parsed, {
      jobId,
      attempts: opts.attempts,
      backoff: { type: 'exponential', delay: BACKOFF_MS },
      // Finished jobs are kept a while for inspection; the ledger is the record that counts.
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    });
  }

  process<N extends JobName>(name: N, handler: JobHandler<N>, opts: { concurrency: number }): void {
    if (this.opts.consume === false || this.closed) return;
    const h = handler as unknown as JobHandler<JobName>;
    const worker = new Worker(name, (job: Job) => this.run(name, job, h), {
      connection: this.redis,
      prefix: this.prefix,
      concurrency: opts.concurrency,
      lockDuration: LOCK_DURATION_MS,
      stalledInterval: STALLED_INTERVAL_MS,
      // A job that stalls twice (it kills its worker, e.g. out of memory) fails instead of looping.
      maxStalledCount: 1,
    });
    worker.on('error', (e: Error) => this.reportError(e));
    this.workers.push(worker);
  }

  private async run(name: JobName, job: Job, handler: JobHandler<JobName>): Promise<void> {
    const parsed = jobSchemas[name].safeParse(job.data);
    const maxAttempts = job.opts.attempts ?? 1;
    const info: JobInfo = {
      id: decodeJobId(job.id ?? ''),
      name,
      payload: parsed.success ? parsed.data : { fileId: 0 },
      // attemptsMade counts failed runs only: a run lost to a dead worker is not counted.
      attempt: job.attemptsMade + 1,
      maxAttempts,
    };
    try {
      if (!parsed.success) throw Object.assign(new Error(`invalid job payload: ${parsed.error.message}`), { permanent: true });
      await handler.run(info);
      this.opts.onJob?.(info, 'completed');
    } catch (err) {
      const permanent = isPermanent(err);
      const final = permanent || info.attempt >= maxAttempts;
      if (final) {
        // Recorded while this worker still holds the job's lock, so exactly one worker does it.
        await Promise.resolve(handler.onFailed(info, err)).catch(() => undefined);
      }
      this.opts.onJob?.(info, final ? 'failed' : 'retry');
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      if (permanent) throw new UnrecoverableError(message);
      throw new Error(message);
    }
  }

  async settled(jobIds: string[]): Promise<void> {
    const ids = jobIds.map(bullJobId);
    // Jobs do not come back once finished (unless added again), so only the first pending one is polled.
    let i = 0;
    while (i < ids.length && !this.closed) {
      const states = await Promise.all(
        this.queuesList().map((q) => q.getJobState(ids[i]!)),
      );
      if (states.some((s) => PENDING.has(s))) await new Promise((r) => setTimeout(r, POLL_MS));
      else i++;
    }
  }

  private queuesList(): Queue[] {
    return this.queues.size ? [...this.queues.values()] : Object.keys(jobSchemas).map((n) => this.queue(n as JobName));
  }

  /**
   * Stops taking jobs and waits for the ones running here to finish. A process killed instead
   * leaves its jobs locked; their locks expire and another worker takes them (stalled recovery).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function decodeJobId(id: string): string {
  return id.replace(/^k-/, '').replace(/%3A/g, ':').replace(/%25/g, '%');
}
