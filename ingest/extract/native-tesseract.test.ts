/**
 * The native tesseract engine on the real binary (Debian tesseract-ocr + tesseract-ocr-pol; CI
 * installs them). Nothing is skipped: without the binary these tests fail, which is the point.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestError } from '../../server/errors.js';
import { tempDir } from '../../test/helpers/paths.js';
import { sampleScan } from '../../test/helpers/sample-scans.js';
import { cer } from '../text/metrics.js';
import { layoutPage } from '../text/layout.js';
import { createOcrEngine, type OcrEngine } from './ocr-engine.js';
import { NativeTesseract, bundledTessdata, parseOsd, parseTsv } from './native-tesseract.js';
import { ocrPage } from './ocr-page.js';

/** A scanned Polish letter of the sample archive, with the text printed on it. */
const sample = sampleScan();
const opts = { timeoutMs: 120_000, maxPixels: 150_000_000, osd: 'auto' as const, viewerDpi: 110 };

async function pgm(file: string, rotate = 0): Promise<Buffer> {
  const { data, info } = await sharp(file).greyscale().rotate(rotate).resize({ width: 1650 }).raw().toBuffer({ resolveWithObject: true });
  return Buffer.concat([Buffer.from(`P5\n${info.width} ${info.height}\n255\n`, 'ascii'), data]);
}

/** Tesseract processes this test process started that are still alive. */
function childTesseracts(): string[] {
  const r = spawnSync('ps', ['--ppid', String(process.pid), '-o', 'comm='], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((c) => c.trim() === 'tesseract');
}

async function rejection(p: Promise<unknown>): Promise<IngestError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(IngestError);
  return err as IngestError;
}

describe('native tesseract engine', () => {
  let engine: OcrEngine;
  const dir = tempDir('native-ocr');

  beforeAll(async () => {
    engine = await createOcrEngine('native', 2);
  });
  afterAll(async () => {
    await engine?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is what "auto" picks on a machine with tesseract and Polish data', async () => {
    const auto = await createOcrEngine('auto', 1);
    try {
      expect(auto.id).toBe('native');
    } finally {
      await auto.close();
    }
  });

  it('reads a scanned Polish page within the measured error, with boxes on the page, and records the engine', async () => {
    // Measured on this sample page (synthetic scan, skewed 0.6°): 0.9 % CER.
    const r = await ocrPage(engine, { data: sample.file }, opts);
    expect(r.corrections.engine).toBe('native');
    expect(r.confidence).toBeGreaterThan(85);
    expect(cer(sample.text, layoutPage(r.words).text)).toBeLessThan(0.02);
    for (const w of r.words) {
      expect(w.box.x0 >= 0 && w.box.x0 < w.box.x1 && w.box.x1 <= 1 && w.box.y0 >= 0 && w.box.y0 < w.box.y1 && w.box.y1 <= 1).toBe(true);
    }
  });

  it('reads it with the installation’s own Polish model when asked (KWERENDA_OCR_MODEL=system), and records it', async () => {
    const system = await createOcrEngine('native', 1, { model: 'system' });
    try {
      const r = await ocrPage(system, { data: sample.file }, opts);
      expect(r.corrections).toMatchObject({ engine: 'native', model: 'system' });
      expect(cer(sample.text, layoutPage(r.words).text)).toBeLessThan(0.03);
    } finally {
      await system.close();
    }
    const bundled = await ocrPage(engine, { data: sample.file }, opts);
    expect(bundled.corrections.model).toBeUndefined();
  });

  it('turns a page scanned sideways upright (orientation detection runs natively)', async () => {
    const turned = await pgm(sample.file, 90);
    expect(await engine.detectOrientation(turned, 60_000)).toMatchObject({ degrees: 270 });
    const r = await ocrPage(engine, { data: await sharp(sample.file).rotate(90).png().toBuffer() }, opts);
    expect(r.corrections.rotation).toBe(270);
    expect(cer(sample.text, layoutPage(r.words).text)).toBeLessThan(0.02);
  });

  it('kills a recognition that overruns its time limit and stays usable', async () => {
    const page = await pgm(sample.file);
    const err = await rejection(engine.recognize(page, 200));
    expect(err.code).toBe('timeout');
    expect(err.message).toMatch(/rozpoznawanie strony trwało dłużej/);
    expect(childTesseracts()).toEqual([]);
    expect((await engine.recognize(page, 120_000)).words.length).toBeGreaterThan(100);
  });

  it('kills a child that hangs, so the page fails instead of the batch waiting forever', async () => {
    const hanging = path.join(dir, 'tesseract-hang.sh');
    fs.writeFileSync(hanging, '#!/bin/sh\nexec sleep 3600\n', { mode: 0o755 });
    const stuck = new NativeTesseract(1, { binary: hanging, osd: true });
    try {
      expect((await rejection(stuck.recognize(await pgm(sample.file), 500))).code).toBe('timeout');
      expect((await rejection(stuck.detectOrientation(await pgm(sample.file), 500))).code).toBe('timeout');
      const r = spawnSync('ps', ['--ppid', String(process.pid), '-o', 'comm='], { encoding: 'utf8' });
      expect(r.stdout.split('\n').map((c) => c.trim())).not.toContain('sleep');
    } finally {
      await stuck.close();
    }
  });

  it('fails a page that is not an image, or a broken one, with a clear reason', async () => {
    const garbage = await rejection(engine.recognize(Buffer.from('/etc/passwd\nnot an image at all\n'), 10_000));
    expect(garbage.code).toBe('corrupt');
    expect(garbage.message).toContain('nie są obrazem');
    const truncated = (await pgm(sample.file)).subarray(0, 5000);
    const broken = await rejection(engine.recognize(truncated, 10_000));
    expect(broken.code).toBe('ocr_failed');
    expect(broken.message).toMatch(/tesseract: kod wyjścia 1 \(.*pix/);
  });

  it('runs as many tesseract processes at once as the pool size, never more', async () => {
    // Each fake run registers itself and notes how many are running; the first waits (up to 10 s)
    // until a second one has run beside it.
    const runs = path.join(dir, 'runs');
    fs.mkdirSync(runs);
    const fake = path.join(dir, 'tesseract-count.sh');
    fs.writeFileSync(
      fake,
      `#!/bin/sh\ncat >/dev/null\ncd ${runs}\ntouch run.$$\nn=$(ls run.* | wc -l)\necho $n >> ../counts\n` +
        `[ $n -ge 2 ] && touch ../paired\n` +
        `i=0; while [ ! -e ../paired ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done\n` +
        `rm run.$$\nprintf 'level\\tpage_num\\n'\n`,
      { mode: 0o755 },
    );
    const pool = new NativeTesseract(2, { binary: fake, osd: true });
    try {
      const page = await pgm(sample.file);
      const outs = await Promise.all([1, 2, 3, 4].map(() => pool.recognize(page, 60_000)));
      expect(outs.map((o) => o.words.length)).toEqual([0, 0, 0, 0]);
      const counts = fs.readFileSync(path.join(dir, 'counts'), 'utf8').trim().split('\n').map(Number);
      expect(counts).toHaveLength(4);
      expect(Math.max(...counts)).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('reports a crashed child as that page\'s error', async () => {
    const crasher = path.join(dir, 'tesseract-crash.sh');
    fs.writeFileSync(crasher, '#!/bin/sh\ncat >/dev/null\nkill -SEGV $$\n', { mode: 0o755 });
    const crashing = new NativeTesseract(1, { binary: crasher, osd: true, tessdataDir: bundledTessdata() });
    try {
      const err = await rejection(crashing.recognize(await pgm(sample.file), 10_000));
      expect(err.code).toBe('ocr_failed');
      expect(err.message).toContain('przerwany sygnałem SIGSEGV');
    } finally {
      await crashing.close();
    }
  });

  it('refuses a forced native engine without the binary, and falls back to tesseract.js on auto', async () => {
    const missing = path.join(dir, 'no-such-tesseract');
    const err = await rejection(createOcrEngine('native', 1, { binary: missing }));
    expect(err.message).toMatch(/KWERENDA_OCR_ENGINE=native.*brak programu.*apt-get install tesseract-ocr tesseract-ocr-pol/);
    const logged: string[] = [];
    const fallback = await createOcrEngine('auto', 1, { binary: missing, log: (m) => logged.push(m) });
    try {
      expect(fallback.id).toBe('wasm');
      expect(logged.join('\n')).toContain('tesseract.js');
    } finally {
      await fallback.close();
    }
    // The system model needs the binary: auto falls back to the bundled model and says so.
    const withModel: string[] = [];
    const noSystem = await createOcrEngine('auto', 1, { binary: missing, model: 'system', log: (m) => withModel.push(m) });
    try {
      expect(noSystem.model).toBeUndefined();
      expect(withModel.join('\n')).toContain('dołączony best_int zamiast systemowego');
    } finally {
      await noSystem.close();
    }
  });
});

describe('tesseract TSV and OSD output', () => {
  const header = 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';
  const row = (b: number, p: number, l: number, w: number, x: number, y: number, text: string) =>
    `5\t1\t${b}\t${p}\t${l}\t${w}\t${x}\t${y}\t100\t30\t91.5\t${text}`;

  it('numbers lines across the page, skips empty words and measures the slope of the lines', () => {
    // Two lines of four words, each word 10 px lower than the one before: text falls to the right.
    const tsv = [
      header,
      '4\t1\t1\t1\t1\t0\t0\t0\t500\t60\t-1\t',
      ...[0, 1, 2, 3].map((i) => row(1, 1, 1, i + 1, i * 150, 100 + i * 10, `słowo${i}`)),
      row(1, 1, 1, 5, 700, 200, ' '),
      ...[0, 1, 2, 3].map((i) => row(2, 1, 1, i + 1, i * 150, 400 + i * 10, `wyraz${i}`)),
    ].join('\n');
    const out = parseTsv(tsv);
    expect(out.words.map((w) => w.line)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    expect(out.words.map((w) => w.block)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    expect(out.words[0]).toEqual({ text: 'słowo0', confidence: 91.5, bbox: { x0: 0, y0: 100, x1: 100, y1: 130 }, line: 1, block: 1 });
    expect(out.confidence).toBeCloseTo(91.5);
    expect(out.skewDegrees).toBeCloseTo((-Math.atan(10 / 150) * 180) / Math.PI, 3);
  });

  it('reads the clockwise turn from the OSD report, and nothing from a report without one', () => {
    const report = 'Page number: 0\nOrientation in degrees: 90\nRotate: 270\nOrientation confidence: 25.18\nScript: Latin\n';
    expect(parseOsd(report)).toEqual({ degrees: 270, confidence: 25.18 });
    expect(parseOsd('Too few characters. Skipping this page\n')).toBeNull();
  });
});
