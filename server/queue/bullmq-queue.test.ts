import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { IngestError } from '../errors.js';
import { startRedis, type TestRedis } from '../../test/helpers/redis.js';
import { BullMqQueue, bullJobId } from './bullmq-queue.js';

describe('the BullMQ job queue (real redis-server)', () => {
  let redis: TestRedis;
  let n = 0;
  const open: BullMqQueue[] = [];
  // A fresh key prefix per test: the same Redis, no shared state.
  const fresh = (consume = true) => {
    const q = new BullMqQueue({ url: redis.url, prefix: `t${++n}`, consume });
    open.push(q);
    return q;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((q) => q.close()));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('runs each job once, up to the concurrency asked for, and ignores a duplicate id while queued', async () => {
    const q = fresh();
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const ids = [1, 2, 3, 4, 5].map((i) => `ingest-file:${i}`);
    for (const [i, id] of ids.entries()) await q.add('ingest-file', { fileId: i + 1 }, { jobId: id, attempts: 1 });
    await q.add('ingest-file', { fileId: 1 }, { jobId: 'ingest-file:1', attempts: 1 }); // duplicate while waiting
    q.process('ingest-file', {
      run: async (job) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 50));
        done.push(job.payload.fileId);
        running--;
      },
      onFailed: () => undefined,
    }, { concurrency: 2 });
    await q.settled(ids);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });

  it('runs a finished job again when its id is added again (like the embedded queue)', async () => {
    const q = fresh();
    const seen: string[] = [];
    q.process('ingest-file', { run: async (j) => void seen.push(j.id), onFailed: () => undefined }, { concurrency: 1 });
    await q.add('ingest-file', { fileId: 3 }, { jobId: 'ingest-file:3', attempts: 1 });
    await q.settled(['ingest-file:3']);
    await q.add('ingest-file', { fileId: 3 }, { jobId: 'ingest-file:3', attempts: 1 });
    await q.settled(['ingest-file:3']);
    expect(seen).toEqual(['ingest-file:3', 'ingest-file:3']);
  });

  it('retries a transient failure with backoff, and gives up at once on a permanent one, recording it once', async () => {
    const q = fresh();
    const calls = new Map<number, number[]>();
    const failed: { fileId: number; attempt: number }[] = [];
    q.process('ingest-file', {
      run: async (job) => {
        calls.set(job.payload.fileId, [...(calls.get(job.payload.fileId) ?? []), job.attempt]);
        if (job.payload.fileId === 1 && job.attempt === 1) throw new IngestError('timeout', 'slow', false);
        if (job.payload.fileId === 2) throw new IngestError('encrypted', 'needs a password');
        if (job.payload.fileId === 3) throw new IngestError('timeout', 'always slow', false);
      },
      onFailed: (job) => void failed.push({ fileId: job.payload.fileId, attempt: job.attempt }),
    }, { concurrency: 1 });
    await q.add('ingest-file', { fileId: 1 }, { jobId: 'a', attempts: 3 });
    await q.add('ingest-file', { fileId: 2 }, { jobId: 'b', attempts: 3 });
    await q.add('ingest-file', { fileId: 3 }, { jobId: 'c', attempts: 2 });
    await q.settled(['a', 'b', 'c']);
    expect(calls.get(1)).toEqual([1, 2]);
    expect(calls.get(2)).toEqual([1]);
    expect(calls.get(3)).toEqual([1, 2]);
    expect(failed.sort((x, y) => x.fileId - y.fileId)).toEqual([
      { fileId: 2, attempt: 1 },
      { fileId: 3, attempt: 2 },
    ]);
    // What Redis holds agrees: one completed, two failed.
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const raw = new Queue('ingest-file', { connection: conn, prefix: `t${n}` });
    expect(await raw.getJobState(bullJobId('a'))).toBe('completed');
    expect(await raw.getJobState(bullJobId('b'))).toBe('failed');
    expect(await raw.getJobState(bullJobId('c'))).toBe('failed');
    await raw.close();
    await conn.quit();
  });

  it('rejects a bad payload when adding, and fails a bad one found in Redis without running it', async () => {
    const q = fresh();
    await expect(q.add('ingest-file', { fileId: -1 }, { jobId: 'x', attempts: 1 })).rejects.toThrow();
    // A payload written by something else (an older version, a hand-made job) is checked again before handling.
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const raw = new Queue('ingest-file', { connection: conn, prefix: `t${n}` });
    await raw.add('ingest-file', { fileId: 'seven' }, { jobId: bullJobId('y'), attempts: 3 });
    const ran: unknown[] = [];
    const failed: string[] = [];
    q.process('ingest-file', { run: async (j) => void ran.push(j), onFailed: (j) => void failed.push(j.id) }, { concurrency: 1 });
    await q.settled(['y']);
    expect(ran).toEqual([]);
    expect(failed).toEqual(['y']);
    expect(await raw.getJobState(bullJobId('y'))).toBe('failed');
    await raw.close();
    await conn.quit();
  });

  it('a producer-only queue adds jobs that another process\'s worker runs; close() waits for the running job', async () => {
    const prefix = `t${++n}`;
    const producer = new BullMqQueue({ url: redis.url, prefix, consume: false });
    const worker = new BullMqQueue({ url: redis.url, prefix });
    open.push(producer, worker);
    const ranInProducer: number[] = [];
    producer.process('ingest-file', { run: async (j) => void ranInProducer.push(j.payload.fileId), onFailed: () => undefined }, { concurrency: 1 });
    let finished = false;
    let started!: () => void;
    const startedP = new Promise<void>((r) => (started = r));
    worker.process('ingest-file', {
      run: async () => {
        started();
        await new Promise((r) => setTimeout(r, 300));
        finished = true;
      },
      onFailed: () => undefined,
    }, { concurrency: 1 });
    await producer.add('ingest-file', { fileId: 9 }, { jobId: 'ingest-file:9', attempts: 1 });
    await startedP;
    await worker.close();
    expect(finished).toBe(true);
    await producer.settled(['ingest-file:9']);
    expect(ranInProducer).toEqual([]);
  });

  it('encodes ids BullMQ would refuse, injectively', () => {
    expect(bullJobId('ingest-file:42')).not.toContain(':');
    expect(bullJobId('a:b')).not.toBe(bullJobId('a%3Ab'));
    expect(bullJobId('12')).not.toMatch(/^\d+$/);
  });
});
