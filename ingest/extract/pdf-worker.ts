/**
 * PDF parsing runs in this worker thread so that a hostile file (page-tree loops, fuzzed streams,
 * huge images) can be stopped: the parent enforces a time limit per request and a heap limit, and
 * terminates the thread when either is exceeded.
 *
 * Two modes: a file is handed over as bytes (`open`: the fast path takes embedded images straight
 * from them), or, when large, read here from a descriptor a window of pages at a time
 * (`open-windowed`, pdf-windowed.ts: memory flat in file size; images decoded by pdf.js).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pdfjs } from './pdfjs.js';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/types/src/display/api.js';
import type { RawWord } from '../types.js';
import type { PdfImageSource } from './pdf-image.js';
import { pdfjsOptions } from './pdfjs-options.js';
import { createSharedPdfWorker } from './pdf-shared-port.js';
import { RangeFile } from './pdf-range-source.js';
import { WindowedDocument } from './pdf-windowed.js';
import { decodedPageImage } from './pdf-decoded-image.js';
import { decodeLimitExceeded, installDecodeLimits, type DecodeLimits } from './pdf-decode-limit.js';
import { SHORT_TEXT_CHARS, type PdfImage, type PdfReply, type PdfRequest, type PdfTextPage } from './pdf-protocol.js';


/** Largest canvas we render a page to, in pixels (the DPI is lowered to fit). */
const MAX_RENDER_PIXELS = 40_000_000;

let doc: PDFDocumentProxy | null = null;
/**
 * The document's bytes: the only copy of the file in this thread. pdf.js parses from them (through
 * a port that shares rather than copies them) and the embedded-image reader takes its streams
 * from them as views.
 */
let bytes: Uint8Array | null = null;
let pdfWorker: InstanceType<typeof pdfjs.PDFWorker> | null = null;
let images: Promise<PdfImageSource | null> | null = null;
/** Windowed mode (large files): the document read a window of pages at a time; `doc` and `bytes` stay null. */
let windowed: WindowedDocument | null = null;

function reply(msg: PdfReply, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(msg, transfer);
}

async function open(req: Extract<PdfRequest, { op: 'open' }>): Promise<PdfReply> {
  bytes = req.data;
  pdfWorker ??= await createSharedPdfWorker();
  const candidates = [undefined, ...req.passwords];
  for (const password of candidates) {
    const task = pdfjs.getDocument({
      // Not a copy: this worker hands pdf.js the bytes by reference, and pdf.js only reads them.
      data: bytes,
      worker: pdfWorker,
      password,
      ...pdfjsOptions(),
      maxImageSize: req.maxImagePixels,
      stopAtErrors: false,
    });
    try {
      doc = await task.promise;
      if (doc.numPages === 0) return { id: req.id, ok: false, code: 'empty', detail: 'PDF bez stron' };
      return { id: req.id, ok: true, pageCount: doc.numPages };
    } catch (err) {
      const e = err as { name?: string; message?: string };
      await task.destroy().catch(() => undefined);
      if (e.name === 'PasswordException') continue;
      return { id: req.id, ok: false, code: 'corrupt', detail: describe(e) };
    }
  }
  const tried = req.passwords.length ? ` (sprawdzono ${req.passwords.length} skonfigurowanych haseł)` : '';
  return { id: req.id, ok: false, code: 'encrypted', detail: `wymaga hasła${tried}` };
}

async function openWindowed(req: Extract<PdfRequest, { op: 'open-windowed' }>): Promise<PdfReply> {
  pdfWorker ??= await createSharedPdfWorker();
  const file = new RangeFile(req.fd, req.length);
  try {
    windowed = await WindowedDocument.open(
      file,
      { worker: pdfWorker, maxImagePixels: req.maxImagePixels, windowPages: req.windowPages },
      [undefined, ...req.passwords],
    );
  } catch (err) {
    const e = err as { name?: string; message?: string };
    if (e.name !== 'PasswordException') return { id: req.id, ok: false, code: 'corrupt', detail: describe(e) };
    const tried = req.passwords.length ? ` (sprawdzono ${req.passwords.length} skonfigurowanych haseł)` : '';
    return { id: req.id, ok: false, code: 'encrypted', detail: `wymaga hasła${tried}` };
  }
  if (windowed.numPages === 0) return { id: req.id, ok: false, code: 'empty', detail: 'PDF bez stron' };
  return { id: req.id, ok: true, pageCount: windowed.numPages, opens: windowed.opens };
}

/** Runs `fn` on page `n` of the open document, whichever mode it was opened in. */
async function withPage<T>(n: number, fn: (page: PDFPageProxy, doc: PDFDocumentProxy) => Promise<T>): Promise<T> {
  if (windowed) return windowed.withPage(n, fn);
  const page = await doc!.getPage(n);
  try {
    return await fn(page, doc!);
  } finally {
    page.cleanup();
  }
}

function describe(e: { name?: string; message?: string }): string {
  const m = (e.message ?? String(e)).slice(0, 200);
  if (e.name === 'InvalidPDFException') return `nieprawidłowa struktura PDF (${m})`;
  return m;
}

async function text(req: Extract<PdfRequest, { op: 'text' }>): Promise<PdfReply> {
  const layer = await withPage(req.page, (page) => textLayer(page));
  return { id: req.id, ok: true, text: layer, ...(windowed ? { opens: windowed.opens } : {}) };
}

async function textLayer(page: PDFPageProxy): Promise<PdfTextPage> {
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent({ disableNormalization: true });
  const words: RawWord[] = [];
  let chars = 0;
  let line = 0;
  for (const item of content.items) {
    if (!('str' in item) || !item.str.trim()) continue;
    chars += item.str.replace(/\s+/g, '').length;
    const place = placeRun(item, viewport.transform as number[], viewport.width, viewport.height);
    // pdf.js (as patched, patches/) gives each character's advance along the run: every word gets
    // the box of its own glyphs. Without them the run stays whole, and layout marks the words it
    // cuts from it as estimates.
    const charX = (item as { charX?: number[] }).charX;
    if (charX && charX.length === 2 * item.str.length) {
      for (const m of item.str.matchAll(/\S+/gu)) {
        const from = m.index;
        const to = from + m[0].length;
        let x0 = Infinity;
        let x1 = -Infinity;
        for (let i = from; i < to; i++) {
          x0 = Math.min(x0, charX[2 * i]!);
          x1 = Math.max(x1, charX[2 * i + 1]!);
        }
        words.push({ text: m[0], box: place(x0, Math.max(x0, x1)), confidence: 100, line });
      }
    } else {
      words.push({ text: item.str, box: place(0, item.width || item.str.length * Math.hypot(item.transform[2], item.transform[3]) * 0.5), confidence: 100, line });
    }
    // items on one visual line share an id until an end of line
    if (item.hasEOL) line++;
  }
  const result: PdfTextPage = { width: viewport.width, height: viewport.height, rotate: page.rotate, words, chars };
  // A page with only a few words of text is either a real short page or a scan with a stamp in
  // its text layer; only a scan is worth OCR. Listing the operators decodes images (~0.35 s), far
  // cheaper than OCR, so it is done only for these pages.
  if (chars > 0 && chars < SHORT_TEXT_CHARS) {
    const ops = await page.getOperatorList();
    const paints = new Set([pdfjs.OPS.paintImageXObject, pdfjs.OPS.paintInlineImageXObject, pdfjs.OPS.paintImageMaskXObject]);
    result.hasImages = ops.fnArray.some((fn) => paints.has(fn));
  }
  return result;
}


async function image(req: Extract<PdfRequest, { op: 'image' }>): Promise<{ reply: PdfReply; transfer: ArrayBuffer[] }> {
  if (windowed) {
    const w = windowed;
    return withPage(req.page, async (page, d) => {
      const decoded = req.render ? null : await decodedPageImage(page);
      if (decoded && decoded.width * decoded.height > req.maxPixels) {
        const reason = `image too large: ${decoded.width}x${decoded.height} px`;
        return { reply: { id: req.id, ok: true, image: { kind: 'rejected', reason } }, transfer: [] };
      }
      const img: PdfImage = decoded ? { kind: 'raw', ...decoded, embedded: true } : await render(page, d, req);
      const reply: PdfReply = { id: req.id, ok: true, image: img, opens: w.opens };
      return { reply, transfer: img.kind === 'raw' ? [img.data.buffer as ArrayBuffer] : [] };
    });
  }
  // The embedded-image reader parses the whole file again (pdf-lib): only worth it for the fast path.
  // Loaded on the first scanned page (pdf-lib takes ~0.15 s to load; born-digital files never need it).
  const source = req.render
    ? null
    : await (images ??= import('./pdf-image.js').then((m) => m.openPdfForImages(bytes!)).catch(() => null));
  const fast = source ? await source.pageImage(req.page - 1, { maxPixels: req.maxPixels }).catch(() => null) : null;
  if (fast && 'rejected' in fast) {
    return { reply: { id: req.id, ok: true, image: { kind: 'rejected', reason: fast.rejected } }, transfer: [] };
  }
  if (fast) {
    // The reader's buffer is the page's own copy: move it to the parent rather than copy it again
    // (unless it sits in Node's shared pool of small buffers).
    const own = fast.data.byteOffset === 0 && fast.data.byteLength === fast.data.buffer.byteLength;
    const data = own ? new Uint8Array(fast.data.buffer, 0, fast.data.byteLength) : new Uint8Array(fast.data);
    const img: PdfImage = {
      kind: 'encoded',
      format: fast.format,
      data,
      dpi: Math.round(Math.min(fast.dpiX, fast.dpiY)),
      rotate: fast.rotate,
    };
    return { reply: { id: req.id, ok: true, image: img }, transfer: [data.buffer as ArrayBuffer] };
  }
  return withPage(req.page, async (page, d) => {
    const img = await render(page, d, req);
    return { reply: { id: req.id, ok: true, image: img }, transfer: [img.data.buffer as ArrayBuffer] };
  });
}

/** Renders the page to RGBA pixels at the requested DPI (lowered to fit MAX_RENDER_PIXELS). */
async function render(page: PDFPageProxy, d: PDFDocumentProxy, req: { dpi: number }): Promise<Extract<PdfImage, { kind: 'raw' }>> {
  const base = page.getViewport({ scale: 1 });
  let scale = req.dpi / 72;
  const area = base.width * base.height * scale * scale;
  if (area > MAX_RENDER_PIXELS) scale *= Math.sqrt(MAX_RENDER_PIXELS / area);
  const viewport = page.getViewport({ scale });
  const w = Math.max(1, Math.floor(viewport.width));
  const h = Math.max(1, Math.floor(viewport.height));
  const factory = (d as unknown as { canvasFactory: CanvasFactory }).canvasFactory;
  const { canvas, context } = factory.create(w, h);
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, w, h);
  await page.render({ canvasContext: context, viewport, canvas } as never).promise;
  const pixels = context.getImageData(0, 0, w, h).data;
  const data = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength).slice();
  factory.destroy({ canvas, context });
  return { kind: 'raw', data, width: w, height: h, channels: 4, dpi: Math.round(scale * 72) };
}

interface CanvasFactory {
  create(w: number, h: number): { canvas: unknown; context: CanvasContext };
  destroy(c: { canvas: unknown; context: CanvasContext }): void;
}
interface CanvasContext {
  fillStyle: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}

installDecodeLimits((workerData as { decodeLimits: DecodeLimits }).decodeLimits);

/**
 * Once a stream has been refused for its decoded size, every reply says so: pdf.js
 * may have skipped that stream and carried on, and a document read without it must not be stored.
 */
function answer(msg: PdfReply, transfer: ArrayBuffer[] = []): void {
  const refused = decodeLimitExceeded();
  if (!refused) return reply(msg, transfer);
  reply({ id: msg.id, ok: false, code: 'corrupt', detail: refused });
}

parentPort!.on('message', (req: PdfRequest) => {
  void (async () => {
    try {
      switch (req.op) {
        case 'open':
          return answer(await open(req));
        case 'open-windowed':
          return answer(await openWindowed(req));
        case 'text':
          return answer(await text(req));
        case 'image': {
          const r = await image(req);
          return answer(r.reply, r.transfer);
        }
        case 'close':
          await doc?.destroy().catch(() => undefined);
          doc = null;
          await windowed?.destroy();
          windowed = null;
          pdfWorker?.destroy();
          pdfWorker = null;
          return reply({ id: req.id, ok: true });
      }
    } catch (err) {
      const e = (windowed?.failure() ?? err) as { message?: string; name?: string };
      answer({ id: req.id, ok: false, code: 'corrupt', detail: describe(e) });
    }
  })();
});

/**
 * The box (normalised to the viewport, top-left origin) of the stretch from `from` to `to` along a
 * text run, in the run's own width units: from a little below the baseline to the ascent.
 */
function placeRun(
  item: { transform: unknown },
  view: number[],
  viewWidth: number,
  viewHeight: number,
): (from: number, to: number) => { x0: number; y0: number; x1: number; y1: number } {
  const [a, b, c, d, e, f] = item.transform as number[];
  const dirLen = Math.hypot(a!, b!) || 1;
  const upLen = Math.hypot(c!, d!) || 1;
  const ascent = upLen * 0.85;
  const descent = upLen * 0.2;
  const [dx, dy] = [a! / dirLen, b! / dirLen];
  const [vx, vy] = [c! / upLen, d! / upLen];
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return (from, to) => {
    const corners: Array<[number, number]> = [];
    for (const along of [from, to]) {
      for (const up of [-descent, ascent]) corners.push([e! + dx * along + vx * up, f! + dy * along + vy * up]);
    }
    const pts = corners.map((p) => applyTransform(p, view));
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    return {
      x0: clamp(Math.min(...xs) / viewWidth),
      y0: clamp(Math.min(...ys) / viewHeight),
      x1: clamp(Math.max(...xs) / viewWidth),
      y1: clamp(Math.max(...ys) / viewHeight),
    };
  };
}

function applyTransform(p: [number, number], m: number[]): [number, number] {
  return [p[0] * m[0]! + p[1] * m[2]! + m[4]!, p[0] * m[1]! + p[1] * m[3]! + m[5]!];
}
