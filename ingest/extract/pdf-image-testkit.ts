/**
 * Test helpers for the embedded-image fast path (used only by *.test.ts): build one-page PDFs
 * around a given image stream, render pages with pdf.js, and compare images coarsely; the
 * fast path's picture against pdf.js's, and a PDF session's page images as upright grey pixels.
 */
import { PDFDocument, PDFName, PDFRawStream, type PDFDict } from 'pdf-lib';
import sharp, { type Sharp } from 'sharp';
import { openPdfForImages, type EmbeddedImage } from './pdf-image.js';
import type { PdfImage } from './pdf-protocol.js';
import { pdfjsOptions } from './pdfjs-options.js';

export interface SyntheticPage {
  /** Page size in points. */
  size: [number, number];
  /** Image XObjects by resource name: stream data + dictionary entries (pdf-lib literal form). */
  images: Record<string, { data: Uint8Array; dict: Record<string, unknown> }>;
  /** Page content stream, e.g. 'q 200 0 0 100 0 0 cm /Im0 Do Q'. */
  content: string;
  rotate?: number;
  cropBox?: [number, number, number, number];
  /** Extra resources (e.g. ExtGState) and page entries (e.g. Annots), pdf-lib literal form. */
  resources?: Record<string, unknown>;
  pageEntries?: Record<string, unknown>;
}

export async function makePdf(p: SyntheticPage): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage(p.size);
  const ctx = doc.context;
  const xobjects: Record<string, unknown> = {};
  for (const [name, img] of Object.entries(p.images)) {
    xobjects[name] = ctx.register(ctx.stream(img.data, { Type: 'XObject', Subtype: 'Image', ...img.dict } as never));
  }
  page.node.set(PDFName.of('Resources'), ctx.obj({ XObject: xobjects, ...(p.resources ?? {}) } as never));
  page.node.set(PDFName.of('Contents'), ctx.register(ctx.stream(p.content)));
  if (p.rotate !== undefined) page.node.set(PDFName.of('Rotate'), ctx.obj(p.rotate));
  if (p.cropBox) page.node.set(PDFName.of('CropBox'), ctx.obj(p.cropBox));
  for (const [k, v] of Object.entries(p.pageEntries ?? {})) page.node.set(PDFName.of(k), ctx.obj(v as never));
  return doc.save({ useObjectStreams: false });
}

/** The raw (still encoded) data and dictionary of the first image XObject on page 1. */
export async function firstImageStream(bytes: Uint8Array): Promise<{ data: Uint8Array; dict: PDFDict }> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const xo = doc.getPage(0).node.Resources()!.lookup(PDFName.of('XObject')) as PDFDict;
  for (const [, ref] of xo.entries()) {
    const s = doc.context.lookup(ref);
    if (s instanceof PDFRawStream) return { data: s.contents, dict: s.dict };
  }
  throw new Error('no image');
}

/** A recognisably asymmetric test picture (block top-left, bar on the right, text). */
export function testPicture(width: number, height: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect width="100%" height="100%" fill="#fff"/>` +
      `<rect x="${width * 0.05}" y="${height * 0.05}" width="${width * 0.3}" height="${height * 0.2}" fill="#000"/>` +
      `<rect x="${width * 0.85}" y="${height * 0.4}" width="${width * 0.08}" height="${height * 0.55}" fill="#444"/>` +
      `<text x="${width * 0.1}" y="${height * 0.75}" font-size="${height * 0.25}" font-family="sans-serif">PDF 7</text>` +
      `</svg>`,
  );
}


interface Factory {
  create(w: number, h: number): { canvas: unknown; context: { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray }; fillStyle: string; fillRect(x: number, y: number, w: number, h: number): void } };
}

/** Render page `pageIndex` (0-based) with pdf.js at `widthPx` pixels wide → sharp RGBA image. */
export async function renderWithPdfjs(bytes: Uint8Array, pageIndex: number, widthPx: number): Promise<Sharp> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    ...pdfjsOptions(),
  }).promise;
  try {
    const page = await doc.getPage(pageIndex + 1);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: widthPx / base.width });
    const w = Math.round(viewport.width);
    const h = Math.round(viewport.height);
    const { canvas, context } = (doc as unknown as { canvasFactory: Factory }).canvasFactory.create(w, h);
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, w, h);
    await page.render({ canvasContext: context, viewport, canvas } as never).promise;
    const px = context.getImageData(0, 0, w, h).data;
    return sharp(Buffer.from(px.buffer, px.byteOffset, px.byteLength), { raw: { width: w, height: h, channels: 4 } });
  } finally {
    await doc.destroy();
  }
}

/** Time one pdf.js render of page 1 at `dpi`, in milliseconds (canvas pixels read back). */
export async function timePdfjsRender(bytes: Uint8Array, dpi: number): Promise<number> {
  const t = performance.now();
  const base = await PDFDocument.load(bytes, { updateMetadata: false });
  const { width } = base.getPage(0).getSize();
  await renderWithPdfjs(bytes, 0, Math.round((width * dpi) / 72));
  return performance.now() - t;
}

/**
 * Mean absolute difference (0..255) between two images after both are turned to grayscale and
 * squeezed to `w` pixels wide (height from `a`). `turnB` rotates `b` clockwise first.
 */
export async function meanAbsDiff(a: Sharp, b: Sharp, turnB = 0, w = 100): Promise<number> {
  const aPng = await a.png().toBuffer();
  const meta = await sharp(aPng).metadata();
  const h = Math.max(1, Math.round((w * meta.height!) / meta.width!));
  const small = async (s: Sharp) => s.flatten({ background: '#ffffff' }).grayscale().resize(w, h, { fit: 'fill' }).raw().toBuffer();
  const bPng = await b.rotate(turnB).png().toBuffer();
  const [x, y] = await Promise.all([small(sharp(aPng)), small(sharp(bPng))]);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
}

export const FAST_PATH_LIMITS = { maxPixels: 16_000_000 };

/** The fast path's image of a page; throws when the page has none. */
export async function fastImage(bytes: Uint8Array, pageIndex = 0): Promise<EmbeddedImage> {
  const r = await (await openPdfForImages(bytes)).inspect(pageIndex, FAST_PATH_LIMITS);
  if (!('data' in r)) throw new Error(`no fast path: ${JSON.stringify(r)}`);
  return r;
}

/** The fast path's picture of a page against pdf.js's rendering of it (mean absolute difference, 0..255). */
export async function madAgainstPdfjs(bytes: Uint8Array, pageIndex = 0, renderWidth = 400, compareWidth = 100): Promise<{ mad: number; img: EmbeddedImage }> {
  const img = await fastImage(bytes, pageIndex);
  const rendered = await renderWithPdfjs(bytes, pageIndex, renderWidth);
  const mad = await meanAbsDiff(rendered, sharp(img.data, { failOn: 'none' }), img.rotate, compareWidth);
  return { mad, img };
}

/** The picture the OCR will see of a PDF session's page image: upright grey pixels. */
export async function uprightPixels(img: PdfImage): Promise<{ data: Buffer; width: number; height: number }> {
  if (img.kind === 'rejected') throw new Error(img.reason);
  const input =
    img.kind === 'raw'
      ? sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } })
      : sharp(img.data);
  const rotate = img.rotate ?? 0;
  const { data, info } = await input.rotate(rotate).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data: Buffer.from(data.filter((_, i) => i % info.channels === 0)), width: info.width, height: info.height };
}

/** Mean absolute difference of two equally sized grey pixel buffers. */
export function pixelMad(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
