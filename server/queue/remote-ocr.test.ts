import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import type { OcrEngine, OcrOutput, OsdOutput } from '../../ingest/extract/ocr-engine.js';
import { IngestError } from '../errors.js';
import { startRedis, type TestRedis } from '../../test/helpers/redis.js';
import { OCR_QUEUE, RemoteOcrEngine, parsePgm, pngToPgm, runOcrWorker, toGreyPng } from './remote-ocr.js';

/** A grey page-like PGM: white with dark "text" stripes (compresses like a scan does). */
function pagePgm(seed: number, width = 600, height = 800): Buffer {
  const px = Buffer.alloc(width * height, 255);
  for (let y = 40; y < height - 40; y += 24) {
    for (let x = 40 + (seed % 7); x < width - 40; x++) if (((x * 7 + y + seed) >> 3) % 3 !== 0) px[y * width + x] = 20 + ((x + seed) % 30);
  }
  return Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`, 'ascii'), px]);
}

/** A local engine double that records what it was given (a real one runs in the CLI integration test). */
class RecordingEngine implements OcrEngine {
  readonly id = 'wasm' as const;
  readonly calls: Buffer[] = [];
  constructor(
    readonly size = 2,
    private readonly behave: (image: Buffer) => Promise<OcrOutput> = async (img) => ({
      words: [{ text: `w${img.length}`, confidence: 91, bbox: { x0: 1, y0: 2, x1: 30, y1: 12 }, line: 0, block: 0 }],
      confidence: 91,
      skewDegrees: 0.5,
    }),
  ) {}
  async recognize(image: Buffer): Promise<OcrOutput> {
    this.calls.push(image);
    return this.behave(image);
  }
  async detectOrientation(): Promise<OsdOutput | null> {
    return { degrees: 90, confidence: 4.2 };
  }
  async close(): Promise<void> {}
}

describe('remote OCR over BullMQ (real redis-server)', () => {
  let redis: TestRedis;
  let n = 0;
  const closers: Array<() => Promise<void>> = [];
  const engine = (prefix: string, allowanceMs = 10_000) => {
    const e = new RemoteOcrEngine({ url: redis.url, prefix, slots: 4, allowanceMs: () => allowanceMs });
    closers.push(() => e.close());
    return e;
  };
  const worker = async (prefix: string, local: OcrEngine) => {
    const w = runOcrWorker({ url: redis.url, prefix, engine: local });
    closers.push(() => w.close());
    await w.ready();
    return w;
  };
  const keysOf = async (prefix: string) => {
    const r = new Redis(redis.url);
    const keys = await r.keys(`${prefix}:${OCR_QUEUE}:*`);
    r.disconnect();
    return keys;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('sends the page as a lossless grey PNG much smaller than the PGM, and the worker gets the same pixels back', async () => {
    const pgm = pagePgm(1);
    const png = await toGreyPng(pgm);
    expect(png.length).toBeLessThan(pgm.length / 3);
    const back = await pngToPgm(png);
    expect(back.equals(pgm)).toBe(true);
    expect(parsePgm(back)).toMatchObject({ width: 600, height: 800 });
  });

  it('recognises through a worker, returns the validated result, and leaves no page image in Redis', async () => {
    const prefix = `r${++n}`;
    const local = new RecordingEngine();
    await worker(prefix, local);
    const remote = engine(prefix);
    const pgm = pagePgm(2);
    const out = await remote.recognize(pgm, 5000);
    expect(out.confidence).toBe(91);
    expect(out.words[0]!.text).toBe(`w${pgm.length}`); // the worker's engine saw a PGM of the same size
    expect(local.calls[0]!.equals(pgm)).toBe(true);
    expect(await remote.detectOrientation(pgm, 5000)).toEqual({ degrees: 90, confidence: 4.2 });
    expect((await keysOf(prefix)).filter((k) => /:k-[0-9a-f]{64}/.test(k))).toEqual([]);
  });

  it('the same page asked twice at once is recognised once (deterministic job id)', async () => {
    const prefix = `r${++n}`;
    const local = new RecordingEngine(2, async (img) => {
      await new Promise((r) => setTimeout(r, 300));
      return { words: [], confidence: img.length % 100, skewDegrees: 0 };
    });
    await worker(prefix, local);
    const a = engine(prefix);
    const b = engine(prefix); // another ingest process asking for the same image
    const pgm = pagePgm(3);
    const [x, y, z] = await Promise.all([a.recognize(pgm, 5000), a.recognize(pgm, 5000), b.recognize(pgm, 5000)]);
    expect(x).toEqual(y);
    expect(y).toEqual(z);
    expect(local.calls).toHaveLength(1);
    await a.recognize(pagePgm(4), 5000);
    expect(local.calls).toHaveLength(2);
  });

  it('a page the local engine cannot read fails that page only, as ocr_failed with the reason', async () => {
    const prefix = `r${++n}`;
    const local = new RecordingEngine(1, async (img) => {
      if (img.length === pagePgm(5).length) throw new IngestError('corrupt', 'strona nieczytelna');
      return { words: [], confidence: 50, skewDegrees: 0 };
    });
    await worker(prefix, local);
    const remote = engine(prefix);
    const err = await remote.recognize(pagePgm(5), 5000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect((err as IngestError).code).toBe('ocr_failed');
    expect((err as IngestError).message).toContain('strona nieczytelna');
    expect((await remote.recognize(pagePgm(6, 300, 200), 5000)).confidence).toBe(50);
  });

  it('refuses a malformed job payload with a clear reason and keeps working', async () => {
    const prefix = `r${++n}`;
    const local = new RecordingEngine();
    const outcomes: string[] = [];
    const w = runOcrWorker({ url: redis.url, prefix, engine: local, onJob: (_id, o) => outcomes.push(o) });
    closers.push(() => w.close());
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const q = new Queue(OCR_QUEUE, { connection: conn, prefix });
    closers.push(async () => {
      await q.close();
      conn.disconnect();
    });
    const bad = await q.add('recognize', { op: 'recognize', image: 'not base64 !', timeoutMs: 5000 }, { jobId: 'bad-1' });
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 100 && !(await bad.isFailed()); i++) await new Promise((r) => setTimeout(r, 50));
    const failed = await q.getJob('bad-1');
    expect(failed?.failedReason).toMatch(/nieprawidłowe zadanie OCR \(image:/);
    expect(failed?.attemptsMade).toBe(1);
    expect(local.calls).toHaveLength(0);
    expect((await engine(prefix).recognize(pagePgm(7), 5000)).confidence).toBe(91);
    expect(outcomes).toEqual(['failed', 'completed']);
  });

  it('refuses a malformed result from a rogue worker: ocr_failed for that page, no crash', async () => {
    const prefix = `r${++n}`;
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const rogue = new Worker(OCR_QUEUE, async () => ({ words: 'all of them', confidence: 'high' }), { connection: conn, prefix });
    closers.push(async () => {
      await rogue.close();
      conn.disconnect();
    });
    const remote = engine(prefix);
    const err = await remote.recognize(pagePgm(8), 5000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect((err as IngestError).code).toBe('ocr_failed');
    expect((err as IngestError).message).toMatch(/nieprawidłowy wynik \(words:/);
  });

  it('with no OCR worker running, the page ends at its time limit with a reason that says so', async () => {
    const prefix = `r${++n}`;
    const remote = engine(prefix, 500);
    const err = await remote.recognize(pagePgm(9), 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect((err as IngestError).code).toBe('timeout');
    expect((err as IngestError).message).toContain('żaden worker OCR nie podjął strony');
    expect((err as IngestError).message).toContain('kwerenda worker --ocr');
    // The unanswered page is not left behind for a worker that starts later.
    expect((await keysOf(prefix)).filter((k) => /:k-[0-9a-f]{64}/.test(k))).toEqual([]);
  });

  it('an image that is not an image fails as corrupt before anything is queued', async () => {
    const prefix = `r${++n}`;
    const err = await engine(prefix).recognize(Buffer.from('%PDF-1.4 not an image'), 1000).catch((e: unknown) => e);
    expect((err as IngestError).code).toBe('corrupt');
  });
});
