/** The orientation pre-check on real Polish scans (tesseract-polish samples) turned every way. */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { corpusDir } from '../../test/helpers/paths.js';
import type { GreyImage } from './ocr-engine.js';
import { precheckOrientation } from './orientation.js';

const scan = (n: number) => path.join(corpusDir, fs.readdirSync(corpusDir).find((f) => f.startsWith(`tesspol_sample_pl-part${n}-`) && f.endsWith('.tif'))!);

async function grey(file: string, rotate = 0): Promise<GreyImage> {
  const { data, info } = await sharp(file).greyscale().rotate(rotate).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('orientation pre-check on real scans', () => {
  // Turning a page r° clockwise needs (360 − r)° clockwise to make it upright again.
  for (const n of [2, 3]) {
    it(`tells all four turns of a real Polish scan (tesseract-polish part ${n}) apart`, async () => {
      expect(await precheckOrientation(await grey(scan(n), 0))).toMatchObject({ verdict: 'upright', degrees: 0 });
      expect(await precheckOrientation(await grey(scan(n), 90))).toMatchObject({ verdict: 'turned', degrees: 270 });
      expect(await precheckOrientation(await grey(scan(n), 180))).toMatchObject({ verdict: 'turned', degrees: 180 });
      expect(await precheckOrientation(await grey(scan(n), 270))).toMatchObject({ verdict: 'turned', degrees: 90 });
    });
  }
});
