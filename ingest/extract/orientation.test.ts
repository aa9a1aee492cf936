/**
 * The orientation pre-check on Polish scans turned every way, and on pages with no text,
 * where it must answer "unsure" rather than guess; then in `ocrPage` with the real (native) engine:
 * a turned sample page is read once instead of twice, an upright page costs no extra call.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../fixtures/ground-truth.js';
import { sampleDir } from '../../test/helpers/paths.js';
import { sampleScan } from '../../test/helpers/sample-scans.js';
import { cer } from '../text/metrics.js';
import { layoutPage } from '../text/layout.js';
import { createOcrEngine, type OcrEngine } from './ocr-engine.js';
import { ocrPage, type OcrPageInput } from './ocr-page.js';
import type { GreyImage } from './ocr-engine.js';
import { precheckOrientation } from './orientation.js';

/** The page as ocrPage hands it over: grey, ~200 DPI, turned `rotate` degrees clockwise. */
async function grey(file: string | Sharp, rotate = 0): Promise<GreyImage> {
  const img = typeof file === 'string' ? sharp(file) : file;
  const { data, info } = await img.greyscale().rotate(rotate).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('orientation pre-check', () => {
  // Turning a page r° clockwise needs (360 − r)° clockwise to make it upright again.
  it('tells all four turns of a scanned Polish letter apart', async () => {
    const file = sampleScan().file;
    expect(await precheckOrientation(await grey(file, 0))).toMatchObject({ verdict: 'upright', degrees: 0 });
    expect(await precheckOrientation(await grey(file, 90))).toMatchObject({ verdict: 'turned', degrees: 270 });
    expect(await precheckOrientation(await grey(file, 180))).toMatchObject({ verdict: 'turned', degrees: 180 });
    expect(await precheckOrientation(await grey(file, 270))).toMatchObject({ verdict: 'turned', degrees: 90 });
  });

  it('reads a skewed synthetic scan as upright, and the same page upside down as turned', async () => {
    const file = path.join(sampleDir, 'UA-AB_7351_650_2010', 'odwołanie.tif');
    expect(await precheckOrientation(await grey(file, 0))).toMatchObject({ verdict: 'upright' });
    expect(await precheckOrientation(await grey(file, 180))).toMatchObject({ verdict: 'turned', degrees: 180 });
  });

  it('says "unsure" on a blank page', async () => {
    const blank = sharp({ create: { width: 1650, height: 2340, channels: 3, background: '#ffffff' } });
    expect((await precheckOrientation(await grey(blank))).verdict).toBe('unsure');
    // A scanner's grey background with dust specks is blank too.
    const dusty = sharp({ create: { width: 1650, height: 2340, channels: 3, background: '#e8e8e8', noise: { type: 'gaussian', mean: 232, sigma: 6 } } });
    expect((await precheckOrientation(await grey(dusty))).verdict).toBe('unsure');
  });

  it('says "unsure" on a photo-like page with no text lines', async () => {
    // Smooth shapes and shading, as in a photographed site plan or a picture of a building.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1650" height="2340">
      <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#555"/></linearGradient></defs>
      <rect width="1650" height="2340" fill="url(#g)"/>
      <circle cx="500" cy="700" r="380" fill="#222"/><ellipse cx="1150" cy="1600" rx="300" ry="520" fill="#444"/>
      <polygon points="200,2200 800,1300 1400,2200" fill="#333"/></svg>`;
    const photo = sharp(Buffer.from(svg)).blur(8);
    for (const r of [0, 90]) expect((await precheckOrientation(await grey(photo.clone(), r))).verdict, `${r}°`).toBe('unsure');
  });
});

describe('ocrPage with the orientation pre-check (native engine)', () => {
  let engine: OcrEngine;
  const opts = { timeoutMs: 120_000, maxPixels: 150_000_000, osd: 'auto' as const, viewerDpi: 110 };
  beforeAll(async () => {
    engine = await createOcrEngine('native', 2);
  });
  afterAll(async () => {
    await engine?.close();
  });

  /** Reads a page through an engine wrapper that counts recognitions and OSD runs. */
  async function read(input: OcrPageInput, truth: string, orientationPrecheck: boolean) {
    const calls = { recognize: 0, osd: 0 };
    const counting: OcrEngine = {
      id: engine.id,
      size: engine.size,
      recognize: (img, t) => (calls.recognize++, engine.recognize(img, t)),
      detectOrientation: (img, t) => (calls.osd++, engine.detectOrientation(img, t)),
      close: async () => undefined,
    };
    const r = await ocrPage(counting, input, { ...opts, orientationPrecheck });
    return { calls, cer: cer(truth, layoutPage(r.words).text), corrections: r.corrections };
  }

  it('reads a sample page scanned sideways once, turned first, at the same or lower CER', async () => {
    const truth = JSON.parse(fs.readFileSync(`${sampleDir}.ground-truth.json`, 'utf8')) as GroundTruth;
    const file = truth.files.find((f) => f.path.endsWith('IMG_0007.jpg'))!;
    expect(file.pages[0]!.rotation).toBe(90);
    const input = { data: path.join(sampleDir, file.path) };
    const before = await read(input, file.pages[0]!.text, false);
    const after = await read(input, file.pages[0]!.text, true);
    expect(before.calls).toEqual({ recognize: 2, osd: 1 });
    expect(after.calls).toEqual({ recognize: 1, osd: 1 });
    expect(after.corrections).toMatchObject({ precheck: { verdict: 'turned', degrees: 270 }, rotation: 270 });
    expect(after.cer).toBeLessThanOrEqual(before.cer);
    expect(after.cer).toBeLessThan(0.05);
  });

  it('costs an upright page no extra engine call and changes nothing in its text', async () => {
    const page = sampleScan('UA-AB_7351_650_2010/postanowienie_uzupełnienie.tif');
    const input = { data: page.file };
    const truth = page.text;
    const before = await read(input, truth, false);
    const after = await read(input, truth, true);
    expect(after.calls).toEqual(before.calls);
    expect(after.corrections.precheck).toEqual({ verdict: 'upright', degrees: 0 });
    expect(after.cer).toBe(before.cer);
  });
});
