import fs from 'node:fs';
import path from 'node:path';
import { PDFHexString, PDFString } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { openPdfForImages } from './pdf-image.js';
import { sampleDir } from '../../test/helpers/paths.js';
import { makePdf, testPicture } from './pdf-image-testkit.js';

const LIMITS = { maxPixels: 16_000_000 };
/** A scanned PDF of the sample archive: two JPEG pages, one upside down. */
const SAMPLE_SCAN = path.join(sampleDir, 'WUA-ZRB.6740.1.786.2019', 'skan_decyzja.pdf');

describe('openPdfForImages on a scanned sample PDF (JPEG pages)', () => {
  it('JPEG bytes are handed out exactly as stored (no re-encoding)', async () => {
    const bytes = fs.readFileSync(SAMPLE_SCAN);
    const img = await (await openPdfForImages(bytes)).pageImage(0, LIMITS);
    if (!img || 'rejected' in img) throw new Error('expected an image');
    expect(img.format).toBe('jpeg');
    expect(bytes.indexOf(img.data)).toBeGreaterThan(0);
  });

  it('garbage and truncated input give zero pages or null, never an exception', async () => {
    const scan = fs.readFileSync(SAMPLE_SCAN);
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
