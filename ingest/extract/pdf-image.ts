/**
 * Fast path for scanned PDF pages: when a page is nothing but one full-page image, hand out the
 * embedded image (JPEG bytes as stored, CCITT fax data wrapped as TIFF, Flate samples as PNG)
 * instead of rendering the page with pdf.js (~0.5 s a page at 300 DPI vs a few ms).
 *
 * The image is returned only when using it is as good as rendering: exactly one image XObject
 * drawn, axis-aligned and covering the visible page, nothing else visible painted (an invisible
 * OCR text layer is fine), no masks, transparency, visible annotations or unusual decoding.
 * Everything else returns null and the caller renders. Malformed input never throws.
 */
import { ParseSpeeds, PDFDocument, PDFName, PDFParser, PDFRawStream, type PDFContext, type PDFDict, type PDFPageLeaf } from 'pdf-lib';
import sharp from 'sharp';
import { ccittToTiff, inflateBounded, probeJpeg } from './pdf-image-codec.js';
import { placement, scanContent, type Rect } from './pdf-image-content.js';
import { arrayItems, bool, colorInfo, contentBytes, dictOf, get, name, num, numbers, rectOf, resolve, type ColorInfo } from './pdf-image-objects.js';
import { samplesToPng } from './pdf-image-pixels.js';

export interface EmbeddedImage {
  format: 'jpeg' | 'tiff' | 'png';
  data: Buffer;
  width: number;
  height: number;
  bitsPerComponent: number;
  colorSpace: string;
  /**
   * Clockwise degrees to turn the image so it looks like the rendered page: the page /Rotate
   * plus any quarter turn in the image's placement matrix (usually just the page /Rotate).
   */
  rotate: 0 | 90 | 180 | 270;
  /** Image pixels per inch along the image's x / y axes on the page. */
  dpiX: number;
  dpiY: number;
}

export type PageImage = EmbeddedImage | null | { rejected: string };
/** Like PageImage, but says why there is no fast path (for logs and tests). */
export type PageImageOutcome = EmbeddedImage | { rejected: string } | { skipped: string };

export interface PdfImageSource {
  pageCount: number;
  pageImage(pageIndex: number, limits: { maxPixels: number }): Promise<PageImage>;
  inspect(pageIndex: number, limits: { maxPixels: number }): Promise<PageImageOutcome>;
}

const MAX_CONTENT_BYTES = 16 * 1024 * 1024;
const LOAD_OPTIONS = { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false } as const;

/**
 * Parse the document once; pages are inspected lazily. Stream contents stay views into `bytes`
 * (pdf-lib would copy every stream, i.e. most of a scanned file): the caller must not change
 * `bytes` while the source is in use.
 */
export async function openPdfForImages(bytes: Uint8Array): Promise<PdfImageSource> {
  let doc: PDFDocument;
  let pageCount: number;
  try {
    doc = await loadWithoutCopies(bytes);
    pageCount = doc.getPageCount();
  } catch (err) {
    const skipped = `pdf-lib could not read the document: ${message(err)}`;
    return { pageCount: 0, pageImage: async () => null, inspect: async () => ({ skipped }) };
  }
  const inspect = async (index: number, limits: { maxPixels: number }): Promise<PageImageOutcome> => {
    try {
      return await inspectPage(doc, index, limits);
    } catch (err) {
      return { skipped: `error: ${message(err)}` };
    }
  };
  return {
    pageCount,
    inspect,
    pageImage: async (index, limits) => {
      const r = await inspect(index, limits);
      return 'skipped' in r ? null : r;
    },
  };
}

/**
 * PDFDocument.load, except that stream contents are views into `bytes` rather than copies.
 * pdf-lib copies each stream with its ByteStream's `slice`; this parser's instance slices with
 * `subarray` instead. Nothing here or in pdf-lib writes into stream contents.
 */
async function loadWithoutCopies(bytes: Uint8Array): Promise<PDFDocument> {
  const parser = PDFParser.forBytesWithOptions(bytes, ParseSpeeds.Slow); // load()'s default pace
  const stream = (parser as unknown as { bytes?: { bytes?: unknown; slice?: unknown } }).bytes;
  // Should a pdf-lib release change its internals, fall back to its copying load.
  if (!stream || stream.bytes !== bytes || typeof stream.slice !== 'function') return PDFDocument.load(bytes, LOAD_OPTIONS);
  stream.slice = (start: number, end: number) => bytes.subarray(start, end);
  const context = await parser.parseDocument();
  // The constructor is private in the typings; this is what PDFDocument.load does after parsing.
  const Doc = PDFDocument as unknown as new (c: PDFContext, ignoreEncryption: boolean, updateMetadata: boolean) => PDFDocument;
  return new Doc(context, LOAD_OPTIONS.ignoreEncryption, LOAD_OPTIONS.updateMetadata);
}

async function inspectPage(doc: PDFDocument, index: number, limits: { maxPixels: number }): Promise<PageImageOutcome> {
  if (!Number.isInteger(index) || index < 0 || index >= doc.getPageCount()) return { skipped: 'no such page' };
  if (doc.isEncrypted) return { skipped: 'encrypted document' };
  const ctx = doc.context;
  const node = doc.getPage(index).node;
  const box = pageBox(ctx, node);
  if (!box) return { skipped: 'no usable MediaBox' };
  const annots = annotationProblem(ctx, node);
  if (annots) return { skipped: annots };
  const content = contentBytes(ctx, node.get(PDFName.of('Contents')), MAX_CONTENT_BYTES);
  if (!content) return { skipped: 'no content stream' };
  const scan = scanContent(content);
  const resources = dictOf(resolve(ctx, node.Resources()));
  const xobjects = dictOf(get(ctx, resources, 'XObject'));
  const drawn = scan.draws.map((draw) => ({ draw, obj: get(ctx, xobjects, draw.name) }));
  // Refuse oversized images before anything else, whether or not the page qualifies.
  for (const { obj } of drawn) {
    if (!(obj instanceof PDFRawStream) || name(get(ctx, obj.dict, 'Subtype')) !== 'Image') continue;
    const w = num(ctx, obj.dict, 'Width') ?? 0;
    const h = num(ctx, obj.dict, 'Height') ?? 0;
    if (w * h > limits.maxPixels) return { rejected: `image too large: ${w}x${h} px` };
  }
  if (scan.reason) return { skipped: scan.reason };
  if (drawn.length !== 1) return { skipped: drawn.length ? `page draws ${drawn.length} XObjects` : 'page draws no image' };
  const { draw, obj } = drawn[0]!;
  if (!(obj instanceof PDFRawStream)) return { skipped: `XObject ${draw.name} missing` };
  const subtype = name(get(ctx, obj.dict, 'Subtype'));
  if (subtype !== 'Image') return { skipped: subtype === 'Form' ? 'image inside a Form XObject' : `XObject subtype ${subtype}` };
  const gs = extGStateProblem(ctx, resources, scan.extGStates);
  if (gs) return { skipped: gs };

  const d = obj.dict;
  const width = num(ctx, d, 'Width') ?? 0;
  const height = num(ctx, d, 'Height') ?? 0;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) return { skipped: 'bad image size' };
  if (bool(ctx, d, 'ImageMask')) return { skipped: 'image mask' };
  if (get(ctx, d, 'SMask') || get(ctx, d, 'Mask')) return { skipped: 'image has /SMask or /Mask' };
  if (get(ctx, d, 'OC')) return { skipped: 'image is optional content' };
  const place = placement(draw, width, height, box);
  if ('reason' in place) return { skipped: place.reason };

  const filterObj = get(ctx, d, 'Filter');
  const filters = (filterObj === undefined ? [] : (arrayItems(ctx, filterObj) ?? [filterObj])).map(name);
  const parmsObj = get(ctx, d, 'DecodeParms') ?? get(ctx, d, 'DP');
  const parms = (arrayItems(ctx, parmsObj) ?? [parmsObj]).map((p) => dictOf(p));
  const last = filters.length ? filters[filters.length - 1] : 'none';
  const lastParms = parms[filters.length - 1];
  if (filters.length > 2 || (filters.length === 2 && (filters[0] !== 'FlateDecode' || last === 'FlateDecode' || parms[0]))) {
    return { skipped: `filter chain ${filters.join('+')}` };
  }
  const bpc = num(ctx, d, 'BitsPerComponent') ?? (last === 'CCITTFaxDecode' ? 1 : 0);
  const color = colorInfo(ctx, get(ctx, d, 'ColorSpace'), resources);
  const decode = decodeKind(numbers(ctx, get(ctx, d, 'Decode')), color, bpc);
  if (decode === 'other') return { skipped: 'non-default /Decode' };
  const base = { width, height, bitsPerComponent: bpc, colorSpace: color.label, rotate: rotation(ctx, node, place.turn), dpiX: place.dpiX, dpiY: place.dpiY };

  let data: Uint8Array | null = obj.contents;
  if (filters.length === 2) {
    const bound = last === 'DCTDecode' ? width * height * 4 + 65536 : Math.ceil(width / 8) * height * 4 + 65536;
    data = inflateBounded(data, bound);
    if (!data) return { skipped: 'Flate data could not be inflated' };
  }
  if (last === 'DCTDecode') {
    const comps = color.kind === 'gray' ? 1 : color.kind === 'rgb' ? 3 : 0;
    if (!comps) return { skipped: `JPEG in colour space ${color.label}` };
    if (decode !== 'default') return { skipped: 'non-default /Decode' };
    const info = probeJpeg(data);
    if (!info) return { skipped: 'unreadable JPEG header' };
    if (info.components !== comps || info.precision !== 8 || ![0xc0, 0xc1, 0xc2].includes(info.sof)) {
      return { skipped: `JPEG with ${info.components} components, ${info.precision}-bit, SOF ${info.sof.toString(16)}` };
    }
    if (info.width !== width || info.height !== height) return { skipped: 'JPEG size differs from the image dictionary' };
    if (info.exifOrientation !== null && info.exifOrientation !== 1) return { skipped: 'JPEG has an EXIF orientation' };
    if (comps === 3 && get(ctx, lastParms, 'ColorTransform') !== undefined) return { skipped: 'JPEG /ColorTransform' };
    return { format: 'jpeg', data: Buffer.from(data), ...base, bitsPerComponent: 8 }; // a copy: safe to transfer
  }
  if (last === 'CCITTFaxDecode') return ccittImage(ctx, data, lastParms, color, decode, base);
  if (last === 'FlateDecode' || last === 'none') {
    const predictor = {
      predictor: num(ctx, lastParms, 'Predictor') ?? 1,
      colors: num(ctx, lastParms, 'Colors') ?? 1,
      bitsPerComponent: num(ctx, lastParms, 'BitsPerComponent') ?? 8,
      columns: num(ctx, lastParms, 'Columns') ?? 1,
    };
    const spec = { width, height, bitsPerComponent: bpc, color, decode, flate: last === 'FlateDecode', predictor };
    const png = await samplesToPng(data, spec);
    return Buffer.isBuffer(png) ? { format: 'png', data: png, ...base } : { skipped: png.reason };
  }
  return { skipped: `filter ${filters.join('+')}` };
}

type Base = Omit<EmbeddedImage, 'format' | 'data'>;

async function ccittImage(
  ctx: PDFContext,
  data: Uint8Array,
  parms: PDFDict | undefined,
  color: ColorInfo,
  decode: 'default' | 'inverted',
  base: Base,
): Promise<PageImageOutcome> {
  if (base.bitsPerComponent !== 1) return { skipped: `CCITT with ${base.bitsPerComponent} bits` };
  // Shade of a decoded 0 bit and a decoded 1 bit as painted on the page (true = white).
  let white: [boolean, boolean];
  if (color.kind === 'gray') white = decode === 'inverted' ? [true, false] : [false, true];
  else if (color.kind === 'indexed' && color.palette && color.hival === 1) {
    const n = color.base === 'rgb' ? 3 : 1;
    const shade = (i: number) => Array.from(color.palette!.subarray(i * n, i * n + n));
    const [s0, s1] = [shade(0), shade(1)];
    const isBW = (s: number[]) => s.every((v) => v === 0) || s.every((v) => v === 255);
    if (!isBW(s0) || !isBW(s1) || s0[0] === s1[0]) return { skipped: `CCITT in ${color.label}` };
    white = [s0[0] === 255, s1[0] === 255];
  } else return { skipped: `CCITT in colour space ${color.label}` };
  const k = num(ctx, parms, 'K') ?? 0;
  const columns = num(ctx, parms, 'Columns') ?? 1728;
  const rows = num(ctx, parms, 'Rows') ?? 0;
  if (columns !== base.width || (rows > 0 && rows !== base.height)) return { skipped: 'CCITT /Columns or /Rows differ from the image size' };
  // The fax decoder emits black runs as 1 bits when /BlackIs1 is true, else as 0 bits.
  const blackRunsShowWhite = white[bool(ctx, parms, 'BlackIs1') ? 1 : 0];
  const tiff = ccittToTiff(data, {
    width: base.width,
    height: base.height,
    k,
    encodedByteAlign: bool(ctx, parms, 'EncodedByteAlign') ?? false,
    endOfLine: bool(ctx, parms, 'EndOfLine') ?? false,
    photometric: blackRunsShowWhite ? 1 : 0,
    dpiX: base.dpiX,
    dpiY: base.dpiY,
  });
  if (!tiff) return { skipped: 'CCITT variant TIFF cannot express' };
  if (k < 0) return { format: 'tiff', data: tiff, ...base };
  // libtiff decodes Group 3 data without EOL codes only with a warning, which sharp treats as an
  // error by default; hand out a clean PNG instead (Group 3 is rare in scanned PDFs).
  try {
    const png = await sharp(tiff, { failOn: 'none' }).toColourspace('b-w').png({ compressionLevel: 1 }).toBuffer();
    return { format: 'png', data: png, ...base };
  } catch (err) {
    return { skipped: `Group 3 data did not decode: ${message(err)}` };
  }
}

function decodeKind(decode: number[] | undefined, color: ColorInfo, bpc: number): 'default' | 'inverted' | 'other' {
  if (!decode) return 'default';
  const hi = color.kind === 'indexed' ? (1 << bpc) - 1 : 1;
  if (decode.length >= 2 && decode.every((v, i) => v === (i % 2 ? hi : 0))) return 'default';
  if (decode.length === 2 && decode[0] === 1 && decode[1] === 0 && color.kind === 'gray') return 'inverted';
  return 'other';
}

/** Visible page area: CropBox ∩ MediaBox (pdf.js falls back to the MediaBox if empty). */
function pageBox(ctx: PDFContext, node: PDFPageLeaf): Rect | undefined {
  const media = rectOf(ctx, attempt(() => node.MediaBox()));
  const crop = rectOf(ctx, attempt(() => node.CropBox()));
  if (!media || !crop) return media;
  const r = { x0: Math.max(media.x0, crop.x0), y0: Math.max(media.y0, crop.y0), x1: Math.min(media.x1, crop.x1), y1: Math.min(media.y1, crop.y1) };
  return r.x1 > r.x0 && r.y1 > r.y0 ? r : media;
}

function rotation(ctx: PDFContext, node: PDFPageLeaf, turn: number): EmbeddedImage['rotate'] {
  const r = attempt(() => node.Rotate()?.asNumber()) ?? 0;
  const pageRotate = Number.isInteger(r) && r % 90 === 0 ? r : 0; // pdf.js ignores other values
  return ((((pageRotate + turn) % 360) + 360) % 360) as EmbeddedImage['rotate'];
}

/** Annotations with appearance streams are painted by the renderer: the image would miss them. */
function annotationProblem(ctx: PDFContext, node: PDFPageLeaf): string | null {
  for (const a of arrayItems(ctx, get(ctx, node, 'Annots')) ?? []) {
    const ad = dictOf(a);
    const sub = name(get(ctx, ad, 'Subtype'));
    if (!ad || sub === 'Link' || sub === 'Popup') continue;
    if ((num(ctx, ad, 'F') ?? 0) & (2 | 32)) continue; // Hidden / NoView
    if (get(ctx, ad, 'AP')) return `page has a visible ${sub ?? ''} annotation`;
  }
  return null;
}

function extGStateProblem(ctx: PDFContext, resources: PDFDict | undefined, names: string[]): string | null {
  const all = dictOf(get(ctx, resources, 'ExtGState'));
  for (const n of names) {
    const g = dictOf(get(ctx, all, n));
    if (!g) continue;
    const smask = get(ctx, g, 'SMask');
    if (smask && name(smask) !== 'None') return 'soft mask in the graphics state';
    if ((num(ctx, g, 'ca') ?? 1) < 1 || (num(ctx, g, 'CA') ?? 1) < 1) return 'transparency in the graphics state';
    const bmObj = get(ctx, g, 'BM');
    const bm = name(bmObj) ?? name(arrayItems(ctx, bmObj)?.[0]);
    if (bm && bm !== 'Normal' && bm !== 'Compatible') return `blend mode ${bm}`;
    for (const key of ['TR', 'TR2']) {
      const tr = get(ctx, g, key);
      if (tr && name(tr) !== 'Identity' && name(tr) !== 'Default') return 'transfer function';
    }
  }
  return null;
}

function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
