/**
 * OCR on other machines. What scales a scanned archive is OCR (2–3 s a page; everything else takes
 * milliseconds), while the archive record must stay in one SQLite file on the data volume's host
 * (see server/search/elasticsearch/es-sync.ts). So the ingest side keeps the archive and sends each
 * page recognition as a BullMQ job on the `ocr-page` queue; stateless `kwerenda worker --ocr`
 * processes anywhere, needing only Redis, run them with their local engine and return the result.
 *
 * - Job id `<sha256 of the image bytes>:<op>`: the same page image asked twice is recognised once.
 * - Images travel as grey PNG (lossless; ~3–4× smaller than the PGM the pipeline hands over).
 * - Payload and result are checked with zod on both sides; a malformed one fails that page only.
 * - Finished jobs are removed once read: page images do not pile up in Redis.
 * - A worker killed mid-page: its lock expires and another worker takes the page (stalled recovery,
 *   same lock settings as the ingest queue), so the caller's time limit allows for one re-run.
 */
import { createHash } from 'node:crypto';
import { Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { z } from 'zod';
import { encodePgm, parsePgm, type OcrEngine, type OcrOutput, type OsdOutput } from '../../ingest/extract/ocr-engine.js';
import { IngestError } from '../errors.js';
import { BACKOFF_MS, LOCK_DURATION_MS, STALLED_INTERVAL_MS, bullJobId } from './bullmq-queue.js';

export const OCR_QUEUE = 'ocr-page';
/** Runs of one page before it fails for good (a worker crash or a transient engine error). */
export const OCR_ATTEMPTS = 3;
/**
 * Added to the page's own time limit while waiting for a remote result: queueing behind other
 * pages, stalled recovery after a worker died (~8 s) and one more run of the page.
 */
export const queueAllowanceMs = (timeoutMs: number) => timeoutMs + 60_000;

export const zOcrJob = z.object({
  op: z.enum(['recognize', 'osd']),
  /** Grey PNG, base64. */
  image: z.string().min(1).max(200_000_000).regex(/^[A-Za-z0-9+/]+={0,2}$/),
  timeoutMs: z.number().int().min(100).max(3_600_000),
});
export type OcrJob = z.infer<typeof zOcrJob>;

const zWord = z.object({
  text: z.string(),
  confidence: z.number(),
  bbox: z.object({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() }),
  line: z.number().int(),
  block: z.number().int(),
});
export const zOcrOutput = z.object({ words: z.array(zWord), confidence: z.number(), skewDegrees: z.number() });
export const zOsdOutput = z.object({ degrees: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]), confidence: z.number() }).nullable();

export { parsePgm };

/** Grey PNG of a page image (PGM or anything sharp reads), losslessly. */
export async function toGreyPng(image: Buffer): Promise<Buffer> {
  const g = parsePgm(image);
  const input = g ? sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } }) : sharp(image).greyscale();
  return input.png({ compressionLevel: 6, palette: false }).toBuffer();
}

/** The PNG back into the PGM the local engines get from the pipeline: the same pixels either way. */
export async function pngToPgm(png: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(png).greyscale().toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return encodePgm({ data, width: info.width, height: info.height });
}

/** Options of {@link RemoteOcrEngine}. */
export interface RemoteOcrOptions {
  url: string;
  /** Same prefix as the ingest queue (default "kwerenda"). */
  prefix?: string;
  /** Requests kept in flight (KWERENDA_REMOTE_OCR_SLOTS): enough to keep every OCR worker busy. */
  slots: number;
  /** Extra wait beyond the page limit; default {@link queueAllowanceMs}. */
  allowanceMs?: (timeoutMs: number) => number;
  /** Connection errors (never payloads). */
  onError?: (err: Error) => void;
}

/** The OcrEngine that sends each recognition to `kwerenda worker --ocr` processes over Redis. */
export class RemoteOcrEngine implements OcrEngine {
  readonly id = 'remote' as const;
  readonly size: number;
  private readonly redis: Redis;
  private readonly eventsRedis: Redis;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly inflight = new Map<string, Promise<unknown>>();
  private running = 0;
  private readonly waiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly opts: RemoteOcrOptions) {
    this.size = opts.slots;
    const report = (e: Error) => !this.closed && opts.onError?.(e);
    this.redis = new Redis(opts.url, { maxRetriesPerRequest: null });
    this.eventsRedis = new Redis(opts.url, { maxRetriesPerRequest: null });
    this.redis.on('error', report);
    this.eventsRedis.on('error', report);
    const prefix = opts.prefix ?? 'kwerenda';
    this.queue = new Queue(OCR_QUEUE, { connection: this.redis, prefix });
    this.events = new QueueEvents(OCR_QUEUE, { connection: this.eventsRedis, prefix });
    this.queue.on('error', report);
    this.events.on('error', report);
  }

  async recognize(image: Buffer, timeoutMs: number): Promise<OcrOutput> {
    return zOcrOutput.parse(await this.request('recognize', image, timeoutMs));
  }

  async detectOrientation(image: Buffer, timeoutMs: number): Promise<OsdOutput | null> {
    return zOsdOutput.parse(await this.request('osd', image, timeoutMs));
  }

  private request(op: OcrJob['op'], image: Buffer, timeoutMs: number): Promise<unknown> {
    const id = `${createHash('sha256').update(image).digest('hex')}:${op}`;
    // The same page asked twice here shares one job (and one result read).
    let p = this.inflight.get(id);
    if (!p) {
      p = this.withSlot(() => this.send(id, op, image, timeoutMs)).finally(() => this.inflight.delete(id));
      this.inflight.set(id, p);
    }
    return p;
  }

  private async withSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((r) => this.waiters.push(r));
    if (this.closed) throw new IngestError('interrupted', 'zdalny OCR został zamknięty', false);
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiters.shift()?.();
    }
  }

  private async send(id: string, op: OcrJob['op'], image: Buffer, timeoutMs: number): Promise<unknown> {
    let png: Buffer;
    try {
      png = await toGreyPng(image);
    } catch {
      throw new IngestError('corrupt', 'dane strony nie są obrazem (PGM, PNG, JPEG, TIFF)');
    }
    const payload = zOcrJob.parse({ op, image: png.toString('base64'), timeoutMs });
    const jobId = bullJobId(id);
    const existing = await this.queue.getJob(jobId);
    // A page that failed earlier is asked again; a finished result not yet read is reused (the add is then ignored).
    if (existing && (await existing.isFailed())) await existing.remove().catch(() => undefined);
    const job = await this.queue.add(op, payload, {
      jobId,
      attempts: OCR_ATTEMPTS,
      backoff: { type: 'exponential', delay: BACKOFF_MS },
      // Page images must not pile up in Redis: the reader deletes the job; these are the backstop.
      removeOnComplete: { age: 600, count: 100 },
      removeOnFail: { age: 3600, count: 100 },
    });
    const limitMs = timeoutMs + (this.opts.allowanceMs ?? queueAllowanceMs)(timeoutMs);
    try {
      const result: unknown = await job.waitUntilFinished(this.events, limitMs);
      return parseResult(op, result);
    } catch (err) {
      if (err instanceof IngestError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      if (/timed out before finishing/.test(message)) {
        const state = await this.queue.getJobState(jobId).catch(() => 'unknown');
        await job.remove().catch(() => undefined); // an active job is locked: its worker's result then expires
        const why =
          state === 'waiting' || state === 'prioritized' || state === 'delayed'
            ? `żaden worker OCR nie podjął strony w ciągu ${Math.round(limitMs / 1000)} s (czy działa \`kwerenda worker --ocr\` z tym samym REDIS_URL?)`
            : `zdalne rozpoznawanie trwało dłużej niż ${Math.round(limitMs / 1000)} s`;
        throw new IngestError('timeout', why, false);
      }
      throw new IngestError('ocr_failed', `zdalny OCR: ${message.slice(0, 300)}`, false);
    } finally {
      await this.queue.remove(jobId).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiters.splice(0).forEach((w) => w());
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    await Promise.allSettled([this.redis.quit(), this.eventsRedis.quit()]);
  }
}

function parseResult(op: OcrJob['op'], result: unknown): unknown {
  const parsed = op === 'recognize' ? zOcrOutput.safeParse(result) : zOsdOutput.safeParse(result);
  if (!parsed.success) {
    throw new IngestError('ocr_failed', `worker OCR zwrócił nieprawidłowy wynik (${parsed.error.issues[0]?.path.join('.') || 'wynik'}: ${parsed.error.issues[0]?.message})`, false);
  }
  return parsed.data;
}

/** Options of {@link runOcrWorker}. */
export interface OcrWorkerOptions {
  url: string;
  prefix?: string;
  /** The local engine (native tesseract or tesseract.js); its size is the worker's concurrency. */
  engine: OcrEngine;
  onError?: (err: Error) => void;
  /** Each finished job, for the operator's log: id and outcome, never page content. */
  onJob?: (id: string, outcome: 'completed' | 'retry' | 'failed', attempt: number) => void;
}

/** Runs `ocr-page` jobs with a local engine until closed (waits for the running pages). */
export function runOcrWorker(opts: OcrWorkerOptions): { ready(): Promise<void>; close(): Promise<void> } {
  const redis = new Redis(opts.url, { maxRetriesPerRequest: null });
  let closed = false;
  const report = (e: Error) => !closed && opts.onError?.(e);
  redis.on('error', report);
  const worker = new Worker(
    OCR_QUEUE,
    async (job: Job) => {
      const attempt = job.attemptsMade + 1;
      const outcome = (o: 'completed' | 'retry' | 'failed') => opts.onJob?.(String(job.id), o, attempt);
      const parsed = zOcrJob.safeParse(job.data);
      if (!parsed.success) {
        outcome('failed');
        throw new UnrecoverableError(`nieprawidłowe zadanie OCR (${parsed.error.issues[0]?.path.join('.') || 'dane'}: ${parsed.error.issues[0]?.message})`);
      }
      try {
        const pgm = await pngToPgm(Buffer.from(parsed.data.image, 'base64'));
        const { op, timeoutMs } = parsed.data;
        const result = op === 'recognize' ? await opts.engine.recognize(pgm, timeoutMs) : await opts.engine.detectOrientation(pgm, timeoutMs);
        outcome('completed');
        return result;
      } catch (err) {
        const permanent = err instanceof IngestError ? err.permanent : /unsupported image|Input buffer/i.test(String(err));
        const final = permanent || attempt >= (job.opts.attempts ?? 1);
        outcome(final ? 'failed' : 'retry');
        const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
        throw permanent ? new UnrecoverableError(message) : new Error(message);
      }
    },
    {
      connection: redis,
      prefix: opts.prefix ?? 'kwerenda',
      concurrency: opts.engine.size,
      lockDuration: LOCK_DURATION_MS,
      stalledInterval: STALLED_INTERVAL_MS,
      maxStalledCount: 1,
    },
  );
  worker.on('error', report);
  return {
    ready: async () => {
      await worker.waitUntilReady();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await worker.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
