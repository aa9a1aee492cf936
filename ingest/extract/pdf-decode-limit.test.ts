/**
 * Decompression bombs: PDFs of a few MB whose streams inflate to GBs. The PDF worker's heap limit
 * does not cover decoded streams (ArrayBuffers), so before the decode guard such a file took the
 * process to several GB of memory and was then stored as an empty page. Each must now end as a
 * failed file with its reason, the process's memory well below the bomb's size. The worker is a
 * thread of this process: its memory is in this process's RSS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestError } from '../../server/errors.js';
import { PdfSession, type PdfSessionOptions } from './pdf-session.js';
import { bombPdf, plain, rawPdf, textOp, zeroBomb } from './pdf-bomb-testkit.js';
import { makeDecodeGuard } from './pdf-decode-limit.js';

const GB = 1024 ** 3;
const MB = 1024 ** 2;
/** 256 MB for the worker: a decoded stream may take 64 MB, the thread's buffers 256 MB. */
const BASE: PdfSessionOptions = { timeoutMs: 120_000, memoryMb: 256, passwords: [], maxImagePixels: 150_000_000 };
const WINDOWED: PdfSessionOptions = { ...BASE, windowBytes: 0 };
const TEXT = textOp('Decyzja o pozwoleniu na budowe nr 123/2019');
const IMAGE = '/Type /XObject /Subtype /Image /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode';

let dir: string;
const file = (name: string, bytes: Uint8Array): string => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, bytes);
  return f;
};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kwerenda-bomb-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `fn`, sampling this process's RSS; returns its outcome (or error) and the peak. */
async function measured<T>(fn: () => Promise<T>): Promise<{ result: T | null; error: unknown; peak: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  try {
    return { result: await fn(), error: null, peak };
  } catch (error) {
    return { result: null, error, peak };
  } finally {
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage.rss());
  }
}

/** Opens `f`, asks for page 1's text (and image, with `image`), closes. */
async function readPage(f: string, opts: PdfSessionOptions, image?: { render: boolean }) {
  const s = await PdfSession.openFile(f, opts);
  try {
    const text = await s.text(1);
    return { text, image: image ? await s.image(1, 150, opts.maxImagePixels, image.render) : null };
  } finally {
    await s.close();
  }
}

function expectRefused(error: unknown): void {
  expect(error).toBeInstanceOf(IngestError);
  expect((error as IngestError).code).toBe('corrupt');
  expect((error as IngestError).message).toMatch(/rozpak.*„bomba dekompresyjna”.*KWERENDA_PDF_WORKER_MEMORY_MB/);
}

describe('a PDF whose streams inflate to GBs', () => {
  it('fails as corrupt with the reason when a content stream inflates to 2 GB, in both reading modes', async () => {
    // 2 MB on disk.
    const f = file('content.pdf', bombPdf([{ contents: [plain(TEXT), zeroBomb(2 * GB)] }]));
    expect(fs.statSync(f).size).toBeLessThan(3 * MB);
    for (const opts of [BASE, WINDOWED]) {
      const { error, peak } = await measured(() => readPage(f, opts));
      expectRefused(error);
      expect(peak).toBeLessThan(1 * GB);
    }
  });

  it('fails when many streams, each under the limit, together exceed the worker memory', async () => {
    // Eight 48 MB streams on one page: each passes the 64 MB cap, together they are 384 MB.
    const f = file('many.pdf', bombPdf([{ contents: [plain(TEXT), ...Array.from({ length: 8 }, () => zeroBomb(48 * MB))] }]));
    const { error, peak } = await measured(() => readPage(f, BASE));
    expectRefused(error);
    expect((error as IngestError).message).toContain('256 MB pamięci');
    expect(peak).toBeLessThan(1 * GB);
  });

  it('fails when the bomb is a nested chain of filters (a few KB on disk)', async () => {
    const inner = zeroBomb(1 * GB);
    const zlib = await import('node:zlib');
    const f = file(
      'double.pdf',
      rawPdf([
        { dict: '/Type /Catalog /Pages 2 0 R' },
        { dict: '/Type /Pages /Count 1 /Kids [3 0 R]' },
        { dict: '/Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R' },
        { dict: '/Filter [/FlateDecode /FlateDecode]', stream: zlib.deflateSync(inner) },
      ]),
    );
    expect(fs.statSync(f).size).toBeLessThan(64 * 1024);
    const { error, peak } = await measured(() => readPage(f, BASE));
    expectRefused(error);
    expect(peak).toBeLessThan(1 * GB);
  });

  it('reads a scanned page whose image stream runs on for 2 GB past its pixels: only the pixels are inflated', async () => {
    // A 1000×1000 grey image needs 1 MB; its stream holds 2 GB of zeros.
    const page = { contents: [plain('q 595 0 0 842 0 0 cm /Im0 Do Q')], images: { Im0: { dict: `${IMAGE} /Width 1000 /Height 1000`, stream: zeroBomb(2 * GB) } } };
    const f = file('image.pdf', bombPdf([page]));
    const { result, error, peak } = await measured(() => readPage(f, WINDOWED, { render: false }));
    expect(error).toBeNull();
    expect(result!.image).toMatchObject({ kind: 'raw', width: 1000, height: 1000 });
    expect(peak).toBeLessThan(1 * GB);
  });

  it('fails when an object stream bomb is met by the embedded-image reader (pdf-lib) on a scanned page', async () => {
    const f = file(
      'objstm.pdf',
      rawPdf([
        { dict: '/Type /Catalog /Pages 2 0 R' },
        { dict: '/Type /Pages /Count 1 /Kids [4 0 R]' },
        { dict: '/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8', stream: new Uint8Array(64).fill(128) },
        { dict: '/Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /XObject << /Im0 3 0 R >> >>' },
        { dict: '', stream: plain('q 595 0 0 842 0 0 cm /Im0 Do Q') },
        // Referenced by nothing: pdf.js never reads it, pdf-lib parses every object in the file.
        { dict: '/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode', stream: zeroBomb(1 * GB) },
      ]),
    );
    const { error, peak } = await measured(() => readPage(f, BASE, { render: false }));
    expectRefused(error);
    expect(peak).toBeLessThan(1 * GB);
  });

  it('refuses to render for the viewer a page whose annotation appearance inflates to 2 GB', async () => {
    // The text layer never reads annotation appearances: such a file may sit in the archive already.
    const annot = rawPdf([
      { dict: '/Type /Catalog /Pages 2 0 R' },
      { dict: '/Type /Pages /Count 1 /Kids [3 0 R]' },
      {
        dict:
          '/Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> >> ' +
          '/Annots [<< /Type /Annot /Subtype /Square /Rect [50 50 300 300] /AP << /N 5 0 R >> >>]',
      },
      { dict: '', stream: plain(TEXT) },
      { dict: '/Type /XObject /Subtype /Form /BBox [0 0 250 250] /Filter /FlateDecode', stream: zeroBomb(2 * GB) },
      { dict: '/Type /Font /Subtype /Type1 /BaseFont /Helvetica' },
    ]);
    const f = file('annot.pdf', annot);
    const s = await PdfSession.openFile(f, BASE);
    try {
      expect((await s.text(1)).chars).toBeGreaterThan(20);
      const { error, peak } = await measured(() => s.image(1, 150, BASE.maxImagePixels, true));
      expectRefused(error);
      expect(peak).toBeLessThan(1 * GB);
    } finally {
      await s.close();
    }
  });

  it('reads an ordinary PDF with the guard in place', async () => {
    const f = file('ok.pdf', bombPdf([{ contents: [plain(TEXT)] }]));
    const { text } = await readPage(f, BASE);
    expect(text.chars).toBeGreaterThan(20);
  });
});

describe('the decode guard', () => {
  it('measures the thread only every few MB, and refuses everything once it has refused', () => {
    let measures = 0;
    const guard = makeDecodeGuard({ streamBytes: 100 * MB, threadBytes: 200 * MB }, () => (measures++, 150 * MB));
    for (let i = 1; i <= 16; i++) guard(i * MB, MB);
    expect(measures).toBe(2);
    expect(() => guard(60 * MB, 60 * MB)).toThrow(/200 MB pamięci/);
    expect(() => guard(1, 1)).toThrow(/200 MB pamięci/);
  });
});
