/**
 * The page image of a scanned page as pdf.js decodes it, for the windowed mode (pdf-windowed.ts),
 * where the embedded-image reader (pdf-image.ts, pdf-lib) cannot run: it parses the whole file.
 *
 * Same rule as that reader: only a page that is nothing but one opaque, axis-aligned image
 * covering the visible page qualifies; anything else returns null and the caller renders. pdf.js
 * hands out decoded samples (`page.objs`), so the cost is its decoder (~0.35 s for a 200-DPI A4
 * JPEG) instead of a render at 300 DPI plus the same decode.
 */
import type { PDFPageProxy } from 'pdfjs-dist/types/src/display/api.js';
import { pdfjs } from './pdfjs.js';
import { multiply, placement, IDENTITY, type Matrix } from './pdf-image-content.js';

/** Decoded pixels: 1 (grey) or 3 (RGB) channels, turned clockwise by `rotate` to look like the page. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
  dpi: number;
  rotate: number;
}

interface PdfjsImage {
  width: number;
  height: number;
  kind: number;
  data?: Uint8Array | Uint8ClampedArray;
}

const OPS = pdfjs.OPS;
/** Operators that paint nothing by themselves. */
const NEUTRAL = new Set<number>([OPS.dependency, OPS.save, OPS.restore, OPS.transform, OPS.setGState, OPS.setRenderingIntent]);

export async function decodedPageImage(page: PDFPageProxy): Promise<DecodedImage | null> {
  const ops = await page.getOperatorList();
  let ctm: Matrix = IDENTITY;
  const stack: Matrix[] = [];
  let draw: { name: string; ctm: Matrix } | null = null;
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i]!;
    const args = ops.argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? IDENTITY;
    else if (fn === OPS.transform) ctm = multiply(args as Matrix, ctm);
    else if (fn === OPS.setGState) {
      // Transparency or a blend mode would change what the page looks like.
      const entries = (args?.[0] ?? []) as [string, unknown][];
      if (entries.some(([k, v]) => (k === 'CA' || k === 'ca') && v !== 1) || entries.some(([k]) => k === 'SMask' || k === 'BM')) return null;
    } else if (fn === OPS.paintImageXObject && !draw) draw = { name: String(args![0]), ctm };
    else if (!NEUTRAL.has(fn)) return null;
  }
  if (!draw) return null;
  const { name } = draw;
  const store = name.startsWith('g_') ? page.commonObjs : page.objs;
  // Some decoders (CCITT, JBIG2) deliver the object after the operator list: wait for it (a decode
  // that never ends is stopped by the request's time limit).
  const img = await new Promise<PdfjsImage>((resolve) => store.get(name, resolve as (o: unknown) => void));
  if (!img?.data || img.width < 1 || img.height < 1) return null;
  const [x0, y0, x1, y1] = page.view as [number, number, number, number];
  const placed = placement({ ...draw, clip: null }, img.width, img.height, { x0, y0, x1, y1 });
  if ('reason' in placed) return null;
  const pixels = toGreyOrRgb(img);
  if (!pixels) return null;
  return {
    ...pixels,
    width: img.width,
    height: img.height,
    dpi: Math.round(Math.min(placed.dpiX, placed.dpiY)),
    rotate: (((page.rotate + placed.turn) % 360) + 360) % 360,
  };
}

/** pdf.js's decoded forms: packed 1-bit grey (1 = white), RGB, RGBA (left to rendering: alpha). */
function toGreyOrRgb(img: PdfjsImage): { data: Uint8Array; channels: 1 | 3 } | null {
  const src = img.data!;
  if (img.kind === pdfjs.ImageKind.RGB_24BPP && src.length >= img.width * img.height * 3) {
    const rgb = src.subarray(0, img.width * img.height * 3);
    // Scans are mostly grey stored as RGB by pdf.js: one channel is a third of the buffer for OCR.
    if (isGrey(rgb)) {
      const grey = new Uint8Array(img.width * img.height);
      for (let i = 0, j = 0; i < grey.length; i++, j += 3) grey[i] = rgb[j]!;
      return { data: grey, channels: 1 };
    }
    return { data: new Uint8Array(rgb), channels: 3 };
  }
  if (img.kind === pdfjs.ImageKind.GRAYSCALE_1BPP) {
    const rowBytes = (img.width + 7) >> 3;
    if (src.length < rowBytes * img.height) return null;
    const grey = new Uint8Array(img.width * img.height);
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        grey[y * img.width + x] = src[y * rowBytes + (x >> 3)]! & (0x80 >> (x & 7)) ? 255 : 0;
      }
    }
    return { data: grey, channels: 1 };
  }
  return null;
}

function isGrey(rgb: Uint8Array | Uint8ClampedArray): boolean {
  for (let j = 0; j < rgb.length; j += 3) if (rgb[j] !== rgb[j + 1] || rgb[j] !== rgb[j + 2]) return false;
  return true;
}
