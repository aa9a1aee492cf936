/**
 * The fast path against pdf.js on the real corpus's scans (CCITT, JBIG2-free 1-bit, JPEG, Flate
 * pages) and its CCITT encodings (polarity: /BlackIs1, /Decode; a G3 fax strip without EOLs).
 * Both pictures are squeezed to grayscale and compared by mean absolute difference (0..255).
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { openPdfForImages, type EmbeddedImage } from './pdf-image.js';
import { corpusDir as CORPUS } from '../../test/helpers/paths.js';
import { FAST_PATH_LIMITS as LIMITS, firstImageStream, madAgainstPdfjs, makePdf, timePdfjsRender } from './pdf-image-testkit.js';
const MAX_MAD = 6; // observed 0.0–3.6 on the corpus; an inverted or turned page gives 40–200

describe('fast path vs pdf.js rendering: real corpus pages', () => {
  const pages: [string, number, EmbeddedImage['format']][] = [
    ['ocrmypdf_ccitt.pdf', 0, 'tiff'],
    ['ocrmypdf_epson.pdf', 0, 'tiff'],
    ['ocrmypdf_kcs.pdf', 0, 'tiff'],
    ['pdfjs_scan-bad.pdf', 0, 'jpeg'],
    ['ocrmypdf_c02-22.pdf', 0, 'jpeg'],
    ['ocrmypdf_graph_ocred.pdf', 0, 'jpeg'],
    ['ocrmypdf_2400dpi.pdf', 0, 'png'],
    ['ocrmypdf_3small.pdf', 0, 'png'],
    ['ocrmypdf_3small.pdf', 2, 'png'],
    ['ocrmypdf_multipage.pdf', 2, 'png'],
    ['ocrmypdf_multipage.pdf', 4, 'png'],
  ];
  for (const [file, index, format] of pages) {
    it(`${file} page ${index + 1} (${format})`, async () => {
      const { mad, img } = await madAgainstPdfjs(fs.readFileSync(path.join(CORPUS, file)), index);
      expect(img.format).toBe(format);
      expect(mad).toBeLessThan(MAX_MAD);
    });
  }
});

describe('fast path vs pdf.js rendering: CCITT polarity', () => {
  const ccitt = async () => firstImageStream(fs.readFileSync(path.join(CORPUS, 'ocrmypdf_ccitt.pdf')));
  const ccittPage = async (parms: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const { data } = await ccitt();
    const dict = { Width: 2550, Height: 3300, BitsPerComponent: 1, ColorSpace: 'DeviceGray', Filter: 'CCITTFaxDecode', DecodeParms: { K: -1, Columns: 2550, Rows: 3300, ...parms }, ...extra };
    return makePdf({ size: [612, 792], images: { Im0: { data, dict } }, content: 'q 612 0 0 792 0 0 cm /Im0 Do Q' });
  };
  const darkShare = async (img: EmbeddedImage) => {
    const { data } = await sharp(img.data).resize(200).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    return data.reduce((n, v) => n + (v < 128 ? 1 : 0), 0) / data.length;
  };

  it('CCITT /BlackIs1 true (as in the corpus file) and false (default) both match pdf.js', async () => {
    const normal = await madAgainstPdfjs(await ccittPage({ BlackIs1: true }));
    expect(normal.mad).toBeLessThan(MAX_MAD);
    expect(await darkShare(normal.img)).toBeLessThan(0.3);
    // Same data with the default BlackIs1 false: pdf.js shows a negative, so must we.
    const negative = await madAgainstPdfjs(await ccittPage({}));
    expect(negative.mad).toBeLessThan(MAX_MAD);
    expect(await darkShare(negative.img)).toBeGreaterThan(0.7);
    // /Decode [1 0] flips it back.
    const flipped = await madAgainstPdfjs(await ccittPage({}, { Decode: [1, 0] }));
    expect(flipped.mad).toBeLessThan(MAX_MAD);
    expect(await darkShare(flipped.img)).toBeLessThan(0.3);
  });

  it('CCITT Group 3 1-D without EOLs (real fax strip from libtiff tests) matches pdf.js', async () => {
    const tif = fs.readFileSync(path.join(CORPUS, 'libtiff_testfax3_bug54_1dnoEOL.tif'));
    // Strip 29 of 63 (37 rows of text); StripOffsets/StripByteCounts arrays are at 39364/39112.
    const data = tif.subarray(tif.readUInt32LE(39364 + 29 * 4), tif.readUInt32LE(39364 + 29 * 4) + tif.readUInt32LE(39112 + 29 * 4));
    const dict = { Width: 1728, Height: 37, BitsPerComponent: 1, ColorSpace: 'DeviceGray', Filter: 'CCITTFaxDecode', DecodeParms: { K: 0, Columns: 1728, Rows: 37 } };
    const bytes = await makePdf({ size: [622.08, 13.32], images: { Im0: { data, dict } }, content: 'q 622.08 0 0 13.32 0 0 cm /Im0 Do Q' });
    const { mad, img } = await madAgainstPdfjs(bytes, 0, 1728, 864); // 864x18 px: text still visible
    expect(img.format).toBe('png');
    expect(mad).toBeLessThan(MAX_MAD);
    const dark = await darkShare(img);
    expect(dark).toBeGreaterThan(0.03); // a line of black text…
    expect(dark).toBeLessThan(0.5); // …on white
  });
});

describe('timing: fast path vs pdf.js render at 300 DPI', () => {
  for (const file of ['ocrmypdf_ccitt.pdf', 'pdfjs_scan-bad.pdf']) {
    it(file, async () => {
      const bytes = fs.readFileSync(path.join(CORPUS, file));
      let t = performance.now();
      const src = await openPdfForImages(bytes);
      const open = performance.now() - t;
      t = performance.now();
      const runs = 5;
      for (let i = 0; i < runs; i++) expect(await src.pageImage(0, LIMITS)).not.toBeNull();
      const fast = (performance.now() - t) / runs;
      await timePdfjsRender(bytes, 300); // warm-up (fonts, wasm, JIT)
      const render = Math.min(await timePdfjsRender(bytes, 300), await timePdfjsRender(bytes, 300));
      // A figure for the record, not a timed assertion (speed is measured by npm run bench).
      console.log(`${file}: open ${open.toFixed(1)} ms, fast path ${fast.toFixed(1)} ms/page, pdf.js 300 DPI ${render.toFixed(0)} ms/page`);
    });
  }
});
