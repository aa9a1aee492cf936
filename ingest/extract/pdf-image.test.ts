import fs from 'node:fs';
import path from 'node:path';
import { PDFHexString, PDFString } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { openPdfForImages, type PageImageOutcome } from './pdf-image.js';
import { CORPUS, makePdf, testPicture } from './pdf-image-testkit.js';

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

  it('JPEG bytes are handed out exactly as stored (no re-encoding)', async () => {
    const bytes = fs.readFileSync(path.join(CORPUS, 'ocrmypdf_c02-22.pdf'));
    const img = await (await openPdfForImages(bytes)).pageImage(0, LIMITS);
    if (!img || 'rejected' in img) throw new Error('expected an image');
    expect(img.colorSpace).toBe('ICCBased(N=3)');
    expect(bytes.indexOf(img.data)).toBeGreaterThan(0);
  });

  it('garbage and truncated input give zero pages or null, never an exception', async () => {
    const scan = fs.readFileSync(path.join(CORPUS, 'pdfjs_scan-bad.pdf'));
    for (const bytes of [new Uint8Array(0), Buffer.from('%PDF-1.4\n'), scan.subarray(0, 20000), scan.subarray(5000)]) {
      const src = await openPdfForImages(bytes);
      for (let i = 0; i < src.pageCount; i++) {
        const r = await src.pageImage(i, LIMITS);
        expect(r === null || 'rejected' in r || Buffer.isBuffer(r.data)).toBe(true);
      }
    }
  });
});

describe('openPdfForImages on synthetic pages', () => {
  const jpegGray = () => sharp(testPicture(400, 200)).flatten().toColourspace('b-w').jpeg().toBuffer();
  const jpegDict = { Width: 400, Height: 200, BitsPerComponent: 8, ColorSpace: 'DeviceGray', Filter: 'DCTDecode' };
  const page = async (content: string, extra: Partial<Parameters<typeof makePdf>[0]> = {}, dict: Record<string, unknown> = {}) => {
    const bytes = await makePdf({ size: [200, 100], images: { Im0: { data: await jpegGray(), dict: { ...jpegDict, ...dict } } }, content, ...extra });
    return (await openPdfForImages(bytes)).inspect(0, LIMITS);
  };
  const FULL = 'q 200 0 0 100 0 0 cm /Im0 Do Q';

  it('plain full-page JPEG: 144 dpi, rotate from /Rotate', async () => {
    expect(await page(FULL)).toMatchObject({ format: 'jpeg', width: 400, height: 200, dpiX: 144, dpiY: 144, rotate: 0 });
    expect(await page(FULL, { rotate: 270 })).toMatchObject({ format: 'jpeg', rotate: 270 });
    expect(await page(FULL, { rotate: -90 })).toMatchObject({ format: 'jpeg', rotate: 270 });
  });

  it('nested cm and a page-sized clip are fine; a smaller clip is not', async () => {
    expect(await page('q 0.1 0 0 0.1 0 0 cm q 2000 0 0 1000 0 0 cm /Im0 Do Q Q')).toMatchObject({ format: 'jpeg' });
    expect(await page(`q 0 0 200 99 re W n ${FULL} Q`)).toMatchObject({ format: 'jpeg' });
    expect(await page(`q 0 0 100 100 re W n ${FULL} Q`)).toEqual({ skipped: 'image is clipped' });
  });

  it('CropBox: the image must cover the visible area', async () => {
    expect(await page(FULL, { cropBox: [0, 0, 200, 99] })).toMatchObject({ format: 'jpeg' });
    expect(await page(FULL, { cropBox: [0, 0, 100, 100] })).toEqual({ skipped: 'image does not cover the page' });
  });

  it('quarter turns in the matrix are folded into rotate; mirrors and partial cover are refused', async () => {
    const turned = await makePdf({ size: [200, 400], images: { Im0: { data: await jpegGray(), dict: jpegDict } }, content: 'q 0 -400 200 0 0 400 cm /Im0 Do Q' });
    expect(await (await openPdfForImages(turned)).inspect(0, LIMITS)).toMatchObject({ rotate: 90, dpiX: 72, dpiY: 72 });
    expect(await page('q -200 0 0 -100 200 100 cm /Im0 Do Q', { rotate: 90 })).toMatchObject({ rotate: 270 });
    expect(await page('q -200 0 0 100 200 0 cm /Im0 Do Q')).toEqual({ skipped: 'image is mirrored' });
    expect(await page('q 100 0 0 100 0 0 cm /Im0 Do Q')).toEqual({ skipped: 'image does not cover the page' });
    expect(await page('q 200 5 0 100 0 0 cm /Im0 Do Q')).toMatchObject({ skipped: expect.stringMatching(/skewed/) });
  });

  it('invisible text (3 Tr) is fine; visible text, vector paint, inline images are not', async () => {
    const text = (tr: number) => `${FULL} BT /F1 12 Tf ${tr} Tr 10 10 Td (Decyzja \\(kopia\\)) Tj [(a) 5 (b)] TJ ET`;
    expect(await page(text(3))).toMatchObject({ format: 'jpeg' });
    expect(await page(text(0))).toEqual({ skipped: 'page shows visible text' });
    expect(await page(`${FULL} 0 0 10 10 re f`)).toEqual({ skipped: 'page paints vector graphics (f)' });
    expect(await page(`${FULL} BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI`)).toEqual({ skipped: 'page has an inline image' });
    expect(await page(`${FULL} ${FULL}`)).toEqual({ skipped: 'page draws 2 XObjects' });
    expect(await page('% comment only\n')).toEqual({ skipped: 'page draws no image' });
  });

  it('masks, /Decode, CMYK, transparency and annotations send the page to the renderer', async () => {
    expect(await page(FULL, {}, { Decode: [1, 0] })).toEqual({ skipped: 'non-default /Decode' });
    expect(await page(FULL, {}, { Decode: [0, 1] })).toMatchObject({ format: 'jpeg' });
    expect(await page(FULL, {}, { ImageMask: true })).toEqual({ skipped: 'image mask' });
    expect(await page(FULL, {}, { Mask: [0, 10] })).toEqual({ skipped: 'image has /SMask or /Mask' });
    const gs = { ExtGState: { G0: { Type: 'ExtGState', ca: 0.5 } } };
    expect(await page(`/G0 gs ${FULL}`, { resources: gs })).toEqual({ skipped: 'transparency in the graphics state' });
    const stamp = { Annots: [{ Type: 'Annot', Subtype: 'Stamp', Rect: [0, 0, 50, 50], AP: { N: 'X' } }] };
    expect(await page(FULL, { pageEntries: stamp })).toMatchObject({ skipped: expect.stringMatching(/annotation/) });
    const cmyk = await sharp(testPicture(400, 200)).toColourspace('cmyk').jpeg().toBuffer();
    const bytes = await makePdf({ size: [200, 100], images: { Im0: { data: cmyk, dict: { ...jpegDict, ColorSpace: 'DeviceCMYK' } } }, content: FULL });
    expect(await (await openPdfForImages(bytes)).inspect(0, LIMITS)).toMatchObject({ skipped: expect.stringMatching(/DeviceCMYK/) });
  });

  it('a huge image is rejected before any decoding, even on a page that would be rendered anyway', async () => {
    const huge = { Width: 50000, Height: 50000 };
    expect(await page(FULL, {}, huge)).toEqual({ rejected: 'image too large: 50000x50000 px' });
    expect(await page(`${FULL} BT 10 10 Td (x) Tj ET`, {}, huge)).toEqual({ rejected: 'image too large: 50000x50000 px' });
  });

  it('Flate: 1-bit gray with PNG predictor, and Indexed palettes from hex and escaped literal strings', async () => {
    const { deflateSync } = await import('node:zlib');
    // 16x2 image, 1 bit: row 0 = 0xF0 0x0F, row 1 = 0xAA 0x55; PNG filter 'Sub' on row 1.
    const rows = Buffer.from([0, 0xf0, 0x0f, 1, 0xaa, (0x55 - 0xaa) & 0xff]);
    const dict = { Width: 16, Height: 2, BitsPerComponent: 1, Filter: 'FlateDecode', DecodeParms: { Predictor: 15, Colors: 1, BitsPerComponent: 1, Columns: 16 } };
    const one = async (cs: unknown) => {
      const bytes = await makePdf({ size: [16, 2], images: { Im0: { data: deflateSync(rows), dict: { ...dict, ColorSpace: cs } } }, content: 'q 16 0 0 2 0 0 cm /Im0 Do Q' });
      const r = await (await openPdfForImages(bytes)).pageImage(0, LIMITS);
      if (!r || 'rejected' in r) throw new Error('expected an image');
      const { channels } = await sharp(r.data).metadata();
      const data = await (channels === 1 ? sharp(r.data).extractChannel(0) : sharp(r.data)).raw().toBuffer();
      return { channels, data };
    };
    const gray = await one('DeviceGray');
    expect(gray.channels).toBe(1);
    expect([...gray.data.subarray(0, 16)]).toEqual([255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255]);
    expect([...gray.data.subarray(16, 20)]).toEqual([255, 0, 255, 0]);
    const hex = await one(['Indexed', 'DeviceRGB', 1, PDFHexString.of('ff0000 00 00 ff')]);
    expect(hex.channels).toBe(3);
    expect([...hex.data.subarray(0, 3)]).toEqual([0, 0, 255]);
    expect([...hex.data.subarray(4 * 3, 4 * 3 + 3)]).toEqual([255, 0, 0]);
    // Palette bytes 0x5C '\' 0x28 '(' 0x0D, then 0x29 ')' 0x0A 0x07 written with escapes.
    const lit = await one(['Indexed', 'DeviceRGB', 1, PDFString.of('\\\\\\(\\r\\)\\n\\007')]);
    expect([...lit.data.subarray(0, 3)]).toEqual([0x29, 0x0a, 0x07]);
    expect([...lit.data.subarray(4 * 3, 4 * 3 + 3)]).toEqual([0x5c, 0x28, 0x0d]);
  });
});
