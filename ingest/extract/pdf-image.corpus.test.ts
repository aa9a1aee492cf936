/** The embedded-image fast path on every PDF of the real third-party corpus. */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { corpusDir as CORPUS } from '../../test/helpers/paths.js';
import { openPdfForImages, type PageImageOutcome } from './pdf-image.js';

const LIMITS = { maxPixels: 16_000_000 };

async function outcomes(file: string): Promise<PageImageOutcome[]> {
  const src = await openPdfForImages(fs.readFileSync(path.join(CORPUS, file)));
  const out: PageImageOutcome[] = [];
  for (let i = 0; i < src.pageCount; i++) out.push(await src.inspect(i, LIMITS));
  return out;
}

/** Compact description: 'jpeg 2550x3300', 'rejected: …' or 'skipped: …'. */
function brief(o: PageImageOutcome): string {
  if ('data' in o) return `${o.format} ${o.width}x${o.height}`;
  return 'rejected' in o ? `rejected: ${o.rejected}` : `skipped: ${o.skipped}`;
}

const CORPUS_EXPECTED: Record<string, (string | RegExp)[]> = {
  'ocrmypdf_ccitt.pdf': ['tiff 2550x3300'],
  'ocrmypdf_epson.pdf': ['tiff 2480x3507'],
  'ocrmypdf_kcs.pdf': ['tiff 1914x930'],
  'pdfjs_scan-bad.pdf': ['jpeg 2550x3300'], // [Flate, DCT] chain, invisible text layer
  'ocrmypdf_c02-22.pdf': ['jpeg 800x981'],
  'ocrmypdf_graph_ocred.pdf': ['jpeg 958x400'],
  'ocrmypdf_2400dpi.pdf': ['png 4000x2864'],
  'ocrmypdf_3small.pdf': ['png 640x682', 'png 400x50', 'png 4000x2864'],
  'ocrmypdf_multipage.pdf': ['jpeg 800x981', 'rejected: image too large: 9000x9000 px', 'png 958x400', 'jpeg 958x400', 'png 612x792', /SMask/],
  'ocrmypdf_jbig2.pdf': [/JBIG2Decode/],
  'ocrmypdf_jbig2_baddevicen.pdf': [/JBIG2Decode/],
  'ocrmypdf_cardinal.pdf': [/JBIG2Decode/, /JBIG2Decode/, /JBIG2Decode/, /JBIG2Decode/],
  'ocrmypdf_lichtenstein.pdf': [/JPXDecode/],
  'ocrmypdf_skew.pdf': [/skewed/],
  'ocrmypdf_rotated_skew.pdf': [/skewed/],
  'ocrmypdf_aspect.pdf': [/SMask/],
  'ocrmypdf_hugemono.pdf': ['rejected: image too large: 35000x35000 px'],
  'ocrmypdf_enormous.pdf': ['rejected: image too large: 9000x9000 px'],
  'pdfjs_large_jpeg_downscale.pdf': ['rejected: image too large: 40000x512 px'],
  'ocrmypdf_tagged.pdf': [/visible text/, /visible text/],
  'ocrmypdf_negzero.pdf': [/visible text/], // also: the image sits in a Form XObject
  'ocrmypdf_overlay.pdf': [/4 XObjects/],
  'ocrmypdf_no_contents.pdf': [/no content/],
  'qpdf_bad-xref.pdf': [/visible text/],
  'pypdf_libreoffice-writer-password.pdf': [/encrypted/],
  'pdfjs_bug1980958.pdf': [/no content/],
  'qpdf_empty.pdf': [],
  // pdf-lib cannot open these at all: zero pages, no exception.
  'ocrmypdf_invalid.pdf': [],
  'pdfjs_bug1250079.pdf': [],
  'qpdf_deep-pages.pdf': [],
  'qpdf_fuzz_69977a.pdf': [],
  'pypdf_source-odt-renamed.pdf': [],
};

describe('openPdfForImages on the real corpus', () => {
  for (const [file, want] of Object.entries(CORPUS_EXPECTED)) {
    it(file, async () => {
      const got = (await outcomes(file)).map(brief);
      expect(got.length).toBe(want.length);
      want.forEach((w, i) => (typeof w === 'string' ? expect(got[i]).toBe(w) : expect(got[i]).toMatch(w)));
    });
  }

  it('never throws and returns only null / image / rejected on every corpus PDF', async () => {
    for (const file of fs.readdirSync(CORPUS).filter((f) => f.endsWith('.pdf'))) {
      const src = await openPdfForImages(fs.readFileSync(path.join(CORPUS, file)));
      for (let i = 0; i < Math.min(src.pageCount, 5); i++) {
        const r = await src.pageImage(i, LIMITS);
        expect(r === null || 'rejected' in r || Buffer.isBuffer(r.data), file).toBe(true);
      }
      expect(await src.pageImage(src.pageCount + 3, LIMITS)).toBeNull();
    }
  });

  it('CCITT G4 page: TIFF that sharp decodes to the page, 300 dpi, black text on white', async () => {
    const src = await openPdfForImages(fs.readFileSync(path.join(CORPUS, 'ocrmypdf_ccitt.pdf')));
    const img = await src.pageImage(0, LIMITS);
    if (!img || 'rejected' in img) throw new Error('expected an image');
    expect(img).toMatchObject({ format: 'tiff', bitsPerComponent: 1, colorSpace: 'DeviceGray', rotate: 0 });
    expect(img.dpiX).toBeCloseTo(300, 1);
    const { data, info } = await sharp(img.data).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([2550, 3300]);
    const dark = data.reduce((n, v) => n + (v < 128 ? 1 : 0), 0) / data.length;
    expect(dark).toBeGreaterThan(0.02); // there is text…
    expect(dark).toBeLessThan(0.3); // …on white paper (an inverted page would be ~0.9 dark)
    const meta = await sharp(img.data).metadata();
    expect(meta.density).toBe(300);
  });

});
