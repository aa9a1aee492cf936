/**
 * Reading a PDF piece by piece: only the byte ranges of the pages asked for are read, and a file
 * that goes away under the reader ends the request with the reason at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RangeFile } from './pdf-range-source.js';
import { WindowedDocument } from './pdf-windowed.js';
import { createSharedPdfWorker } from './pdf-shared-port.js';
import { PdfSession } from './pdf-session.js';

const PAGES = 8;
let dir: string;
let file: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kwerenda-range-'));
  file = path.join(dir, 'noise.pdf');
  // Noise does not compress: every page's image is ~1/PAGES of the file.
  const pdf = await PDFDocument.create();
  for (let i = 0; i < PAGES; i++) {
    const noise = { type: 'gaussian' as const, mean: 128, sigma: 40 + i };
    const jpeg = await sharp({ create: { width: 500, height: 700, channels: 3, background: '#808080', noise } }).jpeg({ quality: 90 }).toBuffer();
    const page = pdf.addPage([595.28, 841.89]);
    page.drawImage(await pdf.embedJpg(jpeg), { x: 0, y: 0, width: 595.28, height: 841.89 });
  }
  fs.writeFileSync(file, await pdf.save());
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('RangeFile', () => {
  it('reads exactly the range asked for, clipped at the end of the file', () => {
    const fd = fs.openSync(file, 'r');
    try {
      const bytes = fs.readFileSync(file);
      const f = new RangeFile(fd, bytes.length);
      expect(Buffer.from(f.read(1000, 1100))).toEqual(bytes.subarray(1000, 1100));
      expect(f.read(bytes.length - 10, bytes.length + 50).length).toBe(10);
      expect(f.bytesRead).toBe(110);
    } finally {
      fs.closeSync(fd);
    }
  });
});

describe('WindowedDocument', () => {
  it('reads a page without reading the rest of the file, and each byte about once over all windows', async () => {
    const fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const f = new RangeFile(fd, size);
    const worker = await createSharedPdfWorker();
    const doc = await WindowedDocument.open(f, { worker, maxImagePixels: 1e8, windowPages: 2 }, [undefined]);
    try {
      expect(doc.numPages).toBe(PAGES);
      await doc.withPage(1, (page) => page.getOperatorList());
      expect(f.bytesRead).toBeLessThan(size * 0.3);
      for (let p = 2; p <= PAGES; p++) await doc.withPage(p, (page) => page.getOperatorList());
      expect(doc.opens).toBe(PAGES / 2);
      // Every window re-reads the trailer and xref, not the pages of the others.
      expect(f.bytesRead).toBeGreaterThan(size * 0.9);
      expect(f.bytesRead).toBeLessThan(size * 1.3);
    } finally {
      await doc.destroy();
      worker.destroy();
      fs.closeSync(fd);
    }
  });

  it('a file cut short after opening fails the request with the reason, not by a time limit', async () => {
    const cut = path.join(dir, 'cut.pdf');
    fs.copyFileSync(file, cut);
    const s = await PdfSession.openFile(cut, { timeoutMs: 60_000, memoryMb: 256, passwords: [], maxImagePixels: 1e8, windowBytes: 0 });
    try {
      expect(s.mode).toBe('windowed');
      fs.truncateSync(cut, Math.floor(fs.statSync(cut).size / 3));
      const started = Date.now();
      await expect(s.image(PAGES - 1, 150, 1e8)).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/skrócił się/) });
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await s.close();
    }
  });
});
