/**
 * Careful accessors over pdf-lib's low-level object model for the embedded-image fast path.
 * Every helper resolves indirect references and returns undefined/null instead of throwing.
 */
import {
  PDFArray,
  PDFBool,
  PDFContext,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFObject,
  PDFRawStream,
  PDFRef,
  PDFString,
  decodePDFRawStream,
} from 'pdf-lib';
import { inflateBounded } from './pdf-image-codec.js';
import type { Rect } from './pdf-image-content.js';
import { currentDecodeGuard } from './pdf-decode-limit.js';

/**
 * pdf-lib's decoders (a port of pdf.js's, used by `PDFDocument.load` for object streams and here
 * for filter chains) grow their output through `DecodeStream.ensureBuffer`: every growth is
 * reported to the thread's decode guard (pdf-decode-limit.ts), as the patched pdf.js does.
 */
function guardPdfLibDecoders(): void {
  const probe = decodePDFRawStream(PDFContext.create().stream(Uint8Array.of(0x78, 0x9c), { Filter: 'FlateDecode' }));
  const proto = Object.getPrototypeOf(Object.getPrototypeOf(probe)) as {
    ensureBuffer(this: { buffer: Uint8Array }, requested: number): Uint8Array;
  };
  const ensureBuffer = proto.ensureBuffer;
  proto.ensureBuffer = function (requested) {
    if (requested > this.buffer.byteLength) currentDecodeGuard()?.(requested, requested);
    return ensureBuffer.call(this, requested);
  };
}
guardPdfLibDecoders();

/** Follow (possibly chained) indirect references. */
export function resolve(ctx: PDFContext, o: PDFObject | undefined): PDFObject | undefined {
  for (let hops = 0; o instanceof PDFRef && hops < 16; hops++) o = ctx.lookup(o);
  return o instanceof PDFRef ? undefined : o;
}

export function get(ctx: PDFContext, d: PDFDict | undefined, key: string): PDFObject | undefined {
  return d ? resolve(ctx, d.get(PDFName.of(key))) : undefined;
}

export function dictOf(o: PDFObject | undefined): PDFDict | undefined {
  if (o instanceof PDFRawStream) return o.dict;
  return o instanceof PDFDict ? o : undefined;
}

export function num(ctx: PDFContext, d: PDFDict | undefined, key: string): number | undefined {
  const v = get(ctx, d, key);
  return v instanceof PDFNumber ? v.asNumber() : undefined;
}

export function bool(ctx: PDFContext, d: PDFDict | undefined, key: string): boolean | undefined {
  const v = get(ctx, d, key);
  return v instanceof PDFBool ? v.asBoolean() : undefined;
}

export function name(o: PDFObject | undefined): string | undefined {
  return o instanceof PDFName ? o.decodeText() : undefined;
}

export function arrayItems(ctx: PDFContext, o: PDFObject | undefined): (PDFObject | undefined)[] | undefined {
  return o instanceof PDFArray ? o.asArray().map((x) => resolve(ctx, x)) : undefined;
}

export function numbers(ctx: PDFContext, o: PDFObject | undefined): number[] | undefined {
  const items = arrayItems(ctx, o);
  if (!items || !items.every((x) => x instanceof PDFNumber)) return undefined;
  return items.map((x) => (x as PDFNumber).asNumber());
}

export function rectOf(ctx: PDFContext, o: PDFObject | undefined): Rect | undefined {
  const n = numbers(ctx, resolve(ctx, o));
  if (!n || n.length !== 4 || !n.every(Number.isFinite)) return undefined;
  const [a, b, c, d] = n as [number, number, number, number];
  const r = { x0: Math.min(a, c), y0: Math.min(b, d), x1: Math.max(a, c), y1: Math.max(b, d) };
  return r.x1 > r.x0 && r.y1 > r.y0 ? r : undefined;
}

/**
 * Bytes of a string object. Decoded here rather than with pdf-lib's asBytes(), which keeps
 * whitespace inside hex strings (`<000000 ffffff>`) and drops escaped backslashes.
 */
export function stringBytes(o: PDFObject | undefined): Uint8Array | undefined {
  if (o instanceof PDFHexString) {
    const hex = o.asString().replace(/[^0-9a-fA-F]/g, '');
    return Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
  }
  if (!(o instanceof PDFString)) return undefined;
  const s = o.asString();
  const out: number[] = [];
  const ESC: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) & 0xff;
    if (c === 13) {
      if (s.charCodeAt(i + 1) === 10) i++;
      out.push(10); // an unescaped end of line reads as LF
    } else if (c !== 92) out.push(c);
    else {
      const n = s[++i];
      if (n === undefined) break;
      if (n >= '0' && n <= '7') {
        let oct = n;
        while (oct.length < 3 && s[i + 1]! >= '0' && s[i + 1]! <= '7') oct += s[++i];
        out.push(parseInt(oct, 8) & 0xff);
      } else if (n === '\r') {
        if (s[i + 1] === '\n') i++; // line continuation
      } else if (n !== '\n') out.push(ESC[n] ?? n.charCodeAt(0) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** A stream's data after all its filters; limited to `maxOut` bytes for Flate. */
export function decodeStream(s: PDFRawStream, ctx: PDFContext, maxOut: number): Uint8Array | null {
  const filter = get(ctx, s.dict, 'Filter');
  const filters = filter === undefined ? [] : filter instanceof PDFArray ? arrayItems(ctx, filter)!.map(name) : [name(filter)];
  if (filters.length === 0) return s.contents;
  if (filters.every((f) => f === 'FlateDecode') && filters.length === 1 && !get(ctx, s.dict, 'DecodeParms')) {
    return inflateBounded(s.contents, maxOut);
  }
  try {
    const out = decodePDFRawStream(s).decode();
    return out.length <= maxOut ? out : null;
  } catch {
    return null;
  }
}

/** The page's content streams, concatenated with a separator as the spec requires. */
export function contentBytes(ctx: PDFContext, contents: PDFObject | undefined, maxOut: number): Uint8Array | null {
  const parts = contents instanceof PDFArray ? arrayItems(ctx, contents)! : [resolve(ctx, contents)];
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (const p of parts) {
    if (!(p instanceof PDFRawStream)) continue;
    const data = decodeStream(p, ctx, maxOut - total);
    if (!data) return null;
    chunks.push(data, Buffer.from('\n'));
    total += data.length + 1;
  }
  return chunks.length ? Buffer.concat(chunks) : null;
}

export type ColorKind = 'gray' | 'rgb' | 'cmyk' | 'indexed' | 'other';

export interface ColorInfo {
  kind: ColorKind;
  /** Human-readable, e.g. 'DeviceGray', 'ICCBased(N=3)', 'Indexed(DeviceRGB,1)'. */
  label: string;
  /** For Indexed: base kind and the palette (hival+1 entries of base components). */
  base?: ColorKind;
  palette?: Uint8Array;
  hival?: number;
}

/** Classify an image colour space, following names into the page's /ColorSpace resources. */
export function colorInfo(ctx: PDFContext, cs: PDFObject | undefined, resources: PDFDict | undefined, depth = 0): ColorInfo {
  cs = resolve(ctx, cs);
  const other = (label: string): ColorInfo => ({ kind: 'other', label });
  if (depth > 4 || cs === undefined) return other('none');
  const n = name(cs);
  if (n !== undefined) {
    if (n === 'DeviceGray' || n === 'G' || n === 'CalGray') return { kind: 'gray', label: n };
    if (n === 'DeviceRGB' || n === 'RGB' || n === 'CalRGB') return { kind: 'rgb', label: n };
    if (n === 'DeviceCMYK' || n === 'CMYK') return { kind: 'cmyk', label: n };
    const named = get(ctx, dictOf(get(ctx, resources, 'ColorSpace')), n);
    return named ? colorInfo(ctx, named, resources, depth + 1) : other(n);
  }
  const items = arrayItems(ctx, cs);
  const family = items ? name(items[0]) : undefined;
  if (!items || !family) return other('unknown');
  if (family === 'CalGray') return { kind: 'gray', label: family };
  if (family === 'CalRGB') return { kind: 'rgb', label: family };
  if (family === 'ICCBased') {
    const stream = items[1];
    const comps = stream instanceof PDFRawStream ? num(ctx, stream.dict, 'N') : undefined;
    const kind: ColorKind = comps === 1 ? 'gray' : comps === 3 ? 'rgb' : comps === 4 ? 'cmyk' : 'other';
    return { kind, label: `ICCBased(N=${comps ?? '?'})` };
  }
  if (family === 'Indexed' || family === 'I') {
    const base = colorInfo(ctx, items[1], resources, depth + 1);
    const hival = items[2] instanceof PDFNumber ? Math.floor(items[2].asNumber()) : -1;
    const lookup = items[3];
    const palette = lookup instanceof PDFRawStream ? decodeStream(lookup, ctx, 4 * 256) ?? undefined : stringBytes(lookup);
    const label = `Indexed(${base.label},${hival})`;
    const comps = base.kind === 'gray' ? 1 : base.kind === 'rgb' ? 3 : 0;
    if (!comps || hival < 0 || hival > 255 || !palette || palette.length < (hival + 1) * comps) return other(label);
    return { kind: 'indexed', label, base: base.kind, palette, hival };
  }
  return other(family);
}
