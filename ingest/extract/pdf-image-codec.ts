/**
 * Byte-level helpers for the embedded-image fast path: bounded inflate, PNG/TIFF predictors,
 * a JPEG header probe and a minimal single-strip TIFF wrapper for raw CCITT fax data.
 */
import { constants, inflateSync } from 'node:zlib';

/** zlib inflate that never allocates more than `maxOut` bytes; tolerates a truncated stream. */
export function inflateBounded(data: Uint8Array, maxOut: number): Buffer | null {
  try {
    return inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: Math.max(1, maxOut) });
  } catch {
    return null;
  }
}

export interface PredictorParams {
  predictor: number;
  colors: number;
  bitsPerComponent: number;
  columns: number;
}

/** Undo a PDF /Predictor (2 = TIFF, 10..15 = PNG). Returns null for unsupported combinations. */
export function unpredict(data: Buffer, p: PredictorParams): Buffer | null {
  if (p.predictor <= 1) return data;
  const bitsPerPixel = p.colors * p.bitsPerComponent;
  const rowBytes = Math.ceil((p.columns * bitsPerPixel) / 8);
  if (!(rowBytes > 0)) return null;
  if (p.predictor === 2) {
    if (p.bitsPerComponent !== 8) return null;
    const out = Buffer.from(data);
    for (let row = 0; row + rowBytes <= out.length; row += rowBytes) {
      for (let i = p.colors; i < rowBytes; i++) out[row + i] = (out[row + i]! + out[row + i - p.colors]!) & 0xff;
    }
    return out;
  }
  if (p.predictor < 10 || p.predictor > 15) return null;
  const bpp = Math.max(1, Math.ceil(bitsPerPixel / 8));
  const rows = Math.floor(data.length / (rowBytes + 1));
  const out = Buffer.alloc(rows * rowBytes);
  let prev = Buffer.alloc(rowBytes);
  for (let r = 0; r < rows; r++) {
    const src = r * (rowBytes + 1);
    const type = data[src]!;
    const cur = out.subarray(r * rowBytes, (r + 1) * rowBytes);
    data.copy(cur, 0, src + 1, src + 1 + rowBytes);
    for (let i = 0; i < rowBytes; i++) {
      const left = i >= bpp ? cur[i - bpp]! : 0;
      const up = prev[i]!;
      const upLeft = i >= bpp ? prev[i - bpp]! : 0;
      let add = 0;
      if (type === 1) add = left;
      else if (type === 2) add = up;
      else if (type === 3) add = (left + up) >> 1;
      else if (type === 4) add = paeth(left, up, upLeft);
      else if (type !== 0) return null;
      cur[i] = (cur[i]! + add) & 0xff;
    }
    prev = cur;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export interface JpegInfo {
  width: number;
  height: number;
  components: number;
  precision: number;
  /** SOF marker: 0xc0 baseline, 0xc1 extended, 0xc2 progressive, ... */
  sof: number;
  /** Adobe APP14 transform flag, when present. */
  adobeTransform: number | null;
  /** EXIF orientation tag, when present. */
  exifOrientation: number | null;
}

/** Walk JPEG markers up to the frame header. Null if the bytes are not a usable JPEG. */
export function probeJpeg(b: Uint8Array): JpegInfo | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  const u16 = (o: number) => (b[o]! << 8) | b[o + 1]!;
  let adobeTransform: number | null = null;
  let exifOrientation: number | null = null;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const len = u16(i + 2);
    if (len < 2 || i + 2 + len > b.length) return null;
    const seg = i + 4;
    if (marker === 0xee && len >= 14 && Buffer.from(b.subarray(seg, seg + 5)).toString('latin1') === 'Adobe') {
      adobeTransform = b[seg + 11]!;
    } else if (marker === 0xe1 && Buffer.from(b.subarray(seg, seg + 6)).toString('latin1') === 'Exif\0\0') {
      exifOrientation = exifOrientationOf(b.subarray(seg + 6, i + 2 + len));
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (len < 8) return null;
      const precision = b[seg]!;
      const height = u16(seg + 1);
      const width = u16(seg + 3);
      const components = b[seg + 5]!;
      return { width, height, components, precision, sof: marker, adobeTransform, exifOrientation };
    } else if (marker === 0xda || marker === 0xd9) {
      return null; // scan or end before any frame header
    }
    i += 2 + len;
  }
  return null;
}

function exifOrientationOf(t: Uint8Array): number | null {
  if (t.length < 8) return null;
  const le = t[0] === 0x49;
  const view = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const ifd = view.getUint32(4, le);
  if (ifd + 2 > t.length) return null;
  const n = view.getUint16(ifd, le);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > t.length) return null;
    if (view.getUint16(e, le) === 0x0112) return view.getUint16(e + 8, le);
  }
  return null;
}

export interface CcittTiffParams {
  width: number;
  height: number;
  /** PDF /K: < 0 Group 4, 0 Group 3 1-D, > 0 Group 3 2-D. */
  k: number;
  encodedByteAlign: boolean;
  endOfLine: boolean;
  /** TIFF PhotometricInterpretation: 0 = WhiteIsZero (black runs shown black), 1 = BlackIsZero. */
  photometric: 0 | 1;
  dpiX: number;
  dpiY: number;
}

/**
 * Wrap a raw CCITT stream in a little-endian single-strip TIFF. Returns null for variants TIFF
 * cannot express (byte-aligned Group 4 or byte-aligned 2-D Group 3 without EOLs).
 */
export function ccittToTiff(data: Uint8Array, p: CcittTiffParams): Buffer | null {
  let compression: number;
  let t4: number | null = null;
  if (p.k < 0) {
    if (p.encodedByteAlign) return null;
    compression = 4;
  } else if (p.encodedByteAlign && !p.endOfLine) {
    if (p.k > 0) return null;
    compression = 2; // Modified Huffman, every row byte-aligned, no EOLs
  } else {
    compression = 3;
    t4 = (p.k > 0 ? 1 : 0) | (p.encodedByteAlign ? 4 : 0);
  }
  const entries: [tag: number, type: number, value: number][] = [
    [256, 4, p.width],
    [257, 4, p.height],
    [258, 3, 1],
    [259, 3, compression],
    [262, 3, p.photometric],
    [266, 3, 1], // FillOrder: MSB first, as in PDF
    [273, 4, 0], // StripOffsets, patched below
    [277, 3, 1],
    [278, 4, p.height],
    [279, 4, data.length],
    [282, 5, 0], // XResolution -> rational, patched below
    [283, 5, 0],
    [296, 3, 2], // inches
  ];
  if (t4 !== null) entries.push([292, 4, t4]);
  entries.sort((a, b) => a[0] - b[0]);
  const ifdSize = 2 + entries.length * 12 + 4;
  const rationals = 8 + ifdSize;
  const dataOffset = rationals + 16;
  const out = Buffer.alloc(dataOffset + data.length);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, value], idx) => {
    const e = 10 + idx * 12;
    out.writeUInt16LE(tag, e);
    out.writeUInt16LE(type, e + 2);
    out.writeUInt32LE(1, e + 4);
    if (tag === 273) value = dataOffset;
    if (tag === 282) value = rationals;
    if (tag === 283) value = rationals + 8;
    if (type === 3) out.writeUInt16LE(value, e + 8);
    else out.writeUInt32LE(value, e + 8);
  });
  const res = (dpi: number) => Math.min(0xffffffff, Math.max(1, Math.round((Number.isFinite(dpi) ? dpi : 72) * 100)));
  out.writeUInt32LE(res(p.dpiX), rationals);
  out.writeUInt32LE(100, rationals + 4);
  out.writeUInt32LE(res(p.dpiY), rationals + 8);
  out.writeUInt32LE(100, rationals + 12);
  out.set(data, dataOffset);
  return out;
}
