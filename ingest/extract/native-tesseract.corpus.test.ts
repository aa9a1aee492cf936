/**
 * The native tesseract engine on the real Polish scans of the corpus (tesseract-polish samples,
 * with ground truth): accuracy with the bundled and the system model.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusDir } from '../../test/helpers/paths.js';
import { cer } from '../text/metrics.js';
import { layoutPage } from '../text/layout.js';
import { createOcrEngine, type OcrEngine } from './ocr-engine.js';
import { ocrPage } from './ocr-page.js';

const scan = (n: number) => path.join(corpusDir, fs.readdirSync(corpusDir).find((f) => f.startsWith(`tesspol_sample_pl-part${n}-`) && f.endsWith('.tif'))!);
const truth = (n: number) => fs.readFileSync(path.join(corpusDir, `tesspol_sample_pl-part${n}.gt.txt`), 'utf8');
const opts = { timeoutMs: 120_000, maxPixels: 150_000_000, osd: 'auto' as const, viewerDpi: 110 };

describe('native tesseract engine on the real Polish scans', () => {
  let engine: OcrEngine;
  beforeAll(async () => {
    engine = await createOcrEngine('native', 2);
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('reads the real Polish scans as accurately as the tesseract.js path, and records the engine', async () => {
    // Measured with the same best_int model as tesseract.js: 0.48 %, 0.17 %, 0.67 % (tesseract.js:
    // 0.48 %, 0.17 %, 0.70 %). The bound leaves room for noise, not for a regression.
    for (const n of [1, 2, 3]) {
      const r = await ocrPage(engine, { data: scan(n) }, opts);
      expect(r.corrections.engine).toBe('native');
      expect(r.confidence, `part${n}`).toBeGreaterThan(85);
      expect(cer(truth(n), layoutPage(r.words).text), `part${n}`).toBeLessThan(0.012);
      for (const w of r.words) {
        expect(w.box.x0 >= 0 && w.box.x0 < w.box.x1 && w.box.x1 <= 1 && w.box.y0 >= 0 && w.box.y0 < w.box.y1 && w.box.y1 <= 1).toBe(true);
      }
    }
  });

  it('reads them with the installation’s own Polish model when asked (KWERENDA_OCR_MODEL=system), and records it', async () => {
    // Debian's pol is the tessdata_fast build: measured 0.62 %, 0.23 %, 0.60 % on these scans.
    const system = await createOcrEngine('native', 1, { model: 'system' });
    try {
      for (const n of [1, 2, 3]) {
        const r = await ocrPage(system, { data: scan(n) }, opts);
        expect(r.corrections).toMatchObject({ engine: 'native', model: 'system' });
        expect(cer(truth(n), layoutPage(r.words).text), `part${n}`).toBeLessThan(0.012);
      }
    } finally {
      await system.close();
    }
    const bundled = await ocrPage(engine, { data: scan(1) }, opts);
    expect(bundled.corrections.model).toBeUndefined();
  });
});
