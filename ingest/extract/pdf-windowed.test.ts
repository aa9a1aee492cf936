/**
 * Large PDFs read a window of pages at a time (threshold lowered to 0 here) must give the OCR the
 * same input as the whole-file mode: the same text layer, the same page pixels the same way up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts, degrees } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfSession, type PdfSessionOptions } from './pdf-session.js';
import { pixelMad, uprightPixels } from './pdf-image-testkit.js';

const BASE: PdfSessionOptions = { timeoutMs: 60_000, memoryMb: 512, passwords: [], maxImagePixels: 100_000_000 };
const WINDOWED: PdfSessionOptions = { ...BASE, windowBytes: 0, windowPages: 2 };
const sample = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'sample', 'UA-AB_7351_650_2010');

let dir: string;
let scan: string;

/** Seven pages: six distinct scans (one turned by /Rotate, one high-contrast) and a text page. */
async function makeScanPdf(file: string): Promise<void> {
  const pdf = await PDFDocument.create();
  const tiffs = ['odwołanie.tif', 'postanowienie_uzupełnienie.tif'].map((f) => path.join(sample, f));
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < 7; i++) {
    const page = pdf.addPage([595.28, 841.89]);
    if (i === 4) {
      page.drawText('Decyzja nr 123/2019 w sprawie pozwolenia na budowe', { x: 50, y: 700, size: 14, font });
      continue;
    }
    let img = sharp(tiffs[i % 2]!, { page: 0 }).resize(900).greyscale();
    if (i === 3) img = img.threshold(128);
    const jpeg = await img.jpeg({ quality: 60 + i * 5 }).toBuffer();
    page.drawImage(await pdf.embedJpg(jpeg), { x: 0, y: 0, width: 595.28, height: 841.89 });
    if (i === 2) page.setRotation(degrees(90));
  }
  fs.writeFileSync(file, await pdf.save());
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kwerenda-windowed-'));
  scan = path.join(dir, 'scan.pdf');
  await makeScanPdf(scan);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('PDF read a window of pages at a time', () => {
  it('is used above the threshold and gives every page the same text and pixels as the whole-file mode', async () => {
    const whole = await PdfSession.openFile(scan, BASE);
    const windowed = await PdfSession.openFile(scan, WINDOWED);
    try {
      expect(whole.mode).toBe('whole');
      expect(windowed.mode).toBe('windowed');
      expect(windowed.pageCount).toBe(7);
      for (let p = 1; p <= 7; p++) {
        const [a, b] = [await whole.text(p), await windowed.text(p)];
        expect(b).toEqual(a);
        if (a.chars > 0) continue;
        const [ia, ib] = [await whole.image(p, 300, BASE.maxImagePixels), await windowed.image(p, 300, BASE.maxImagePixels)];
        expect(ia.kind).toBe('encoded'); // the embedded JPEG as stored
        expect(ib.kind === 'raw' && ib.embedded).toBe(true); // decoded by pdf.js, not rendered
        const [pa, pb] = [await uprightPixels(ia), await uprightPixels(ib)];
        expect([pb.width, pb.height, pb.data.length]).toEqual([pa.width, pa.height, pa.data.length]);
        // Two JPEG decoders (libjpeg-turbo, pdf.js) differ by rounding only; another page or a turn differs by tens.
        expect(pixelMad(pa.data, pb.data)).toBeLessThan(1.5);
        if (ib.kind === 'raw') expect(ib.dpi).toBe(ia.kind === 'encoded' ? ia.dpi : -1);
      }
      // Seven pages in windows of two: the document was opened four times, earlier windows released.
      expect(windowed.windowOpens).toBe(4);
    } finally {
      await whole.close();
      await windowed.close();
    }
  });

  it('turned pages are told apart (the comparison above can fail)', async () => {
    const s = await PdfSession.openFile(scan, WINDOWED);
    try {
      const [p1, p3] = [await uprightPixels(await s.image(1, 300, BASE.maxImagePixels)), await uprightPixels(await s.image(3, 300, BASE.maxImagePixels))];
      expect(p3.width).toBeGreaterThan(p3.height); // /Rotate 90 on a portrait scan
      expect(p1.width).toBeLessThan(p1.height);
    } finally {
      await s.close();
    }
  });

  it('still renders when asked to, and reopens an earlier window for a late retry', async () => {
    const s = await PdfSession.openFile(scan, WINDOWED);
    try {
      await s.text(7);
      const img = await s.image(1, 100, BASE.maxImagePixels, true);
      expect(img.kind === 'raw' && img.channels).toBe(4);
      expect(img.kind === 'raw' && img.embedded).toBeFalsy();
      expect(img.kind === 'raw' && Math.abs(img.width - (595.28 / 72) * 100)).toBeLessThan(2);
    } finally {
      await s.close();
    }
  });
});
