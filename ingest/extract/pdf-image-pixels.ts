/**
 * Flate-compressed (or uncompressed) image samples → 8-bit pixels → PNG, for the embedded-image
 * fast path. Only what a scanner produces is handled: 1/2/4/8-bit gray, 8-bit RGB and
 * Indexed over gray/RGB. Sizes are known up front, so inflating is bounded.
 */
import sharp from 'sharp';
import { inflateBounded, unpredict, type PredictorParams } from './pdf-image-codec.js';
import type { ColorInfo } from './pdf-image-objects.js';

export interface SampleSpec {
  width: number;
  height: number;
  bitsPerComponent: number;
  color: ColorInfo;
  /** 'inverted' = /Decode [1 0] on a one-component, non-indexed image. */
  decode: 'default' | 'inverted';
  /** Whether the stored data is Flate-compressed (else it is raw samples). */
  flate: boolean;
  predictor: PredictorParams;
}

/** Returns PNG bytes, or a reason why the samples cannot be converted faithfully. */
export async function samplesToPng(stored: Uint8Array, s: SampleSpec): Promise<Buffer | { reason: string }> {
  const comps = s.color.kind === 'rgb' ? 3 : s.color.kind === 'gray' || s.color.kind === 'indexed' ? 1 : 0;
  if (!comps) return { reason: `colour space ${s.color.label}` };
  const bpc = s.bitsPerComponent;
  if (![1, 2, 4, 8].includes(bpc) || (comps === 3 && bpc !== 8)) return { reason: `${bpc}-bit ${s.color.label}` };
  if (s.color.kind !== 'gray' && s.decode !== 'default') return { reason: 'non-default /Decode' };
  const p = s.predictor;
  if (p.predictor > 1 && (p.columns !== s.width || p.colors !== comps || p.bitsPerComponent !== bpc)) {
    return { reason: 'predictor parameters do not match the image' };
  }
  const rowBytes = Math.ceil((s.width * comps * bpc) / 8);
  const need = rowBytes * s.height;
  const maxOut = (rowBytes + 1) * s.height + 4096;
  const raw = s.flate ? inflateBounded(stored, maxOut) : Buffer.from(stored);
  if (!raw) return { reason: 'Flate data could not be inflated' };
  const samples = unpredict(raw, p);
  if (!samples) return { reason: `unsupported predictor ${p.predictor}` };
  if (samples.length < need) return { reason: 'image data truncated' };

  let pixels: Buffer;
  let channels: 1 | 3 = 1;
  if (comps === 3) {
    pixels = samples.subarray(0, need);
    channels = 3;
  } else {
    const lut = lookupTable(s, bpc);
    channels = lut.channels;
    pixels = unpack(samples, s.width, s.height, rowBytes, bpc, lut.table, channels);
  }
  // Without an explicit colour space sharp writes one-channel raw input as an RGB PNG.
  return sharp(pixels, { raw: { width: s.width, height: s.height, channels } })
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .png({ compressionLevel: 1, adaptiveFiltering: false })
    .toBuffer();
}

/** Sample value → output bytes (1 or 3 per pixel). */
function lookupTable(s: SampleSpec, bpc: number): { table: Uint8Array; channels: 1 | 3 } {
  const levels = 1 << bpc;
  const c = s.color;
  if (c.kind === 'indexed' && c.palette && c.hival !== undefined) {
    const n = c.base === 'rgb' ? 3 : 1;
    // Out-of-range indices are clamped to hival, as pdf.js does.
    const entry = (v: number) => c.palette!.subarray(Math.min(v, c.hival!) * n, Math.min(v, c.hival!) * n + n);
    let gray = true;
    for (let v = 0; v < levels && n === 3; v++) {
      const e = entry(v);
      if (e[0] !== e[1] || e[1] !== e[2]) gray = false;
    }
    const channels = gray ? 1 : 3;
    const table = new Uint8Array(levels * channels);
    for (let v = 0; v < levels; v++) {
      const e = entry(v);
      if (channels === 1) table[v] = e[0]!;
      else table.set(e, v * 3);
    }
    return { table, channels };
  }
  const table = new Uint8Array(levels);
  for (let v = 0; v < levels; v++) {
    const g = Math.round((v * 255) / (levels - 1));
    table[v] = s.decode === 'inverted' ? 255 - g : g;
  }
  return { table, channels: 1 };
}

function unpack(src: Buffer, w: number, h: number, rowBytes: number, bpc: number, table: Uint8Array, channels: number): Buffer {
  const out = Buffer.alloc(w * h * channels);
  const mask = (1 << bpc) - 1;
  let o = 0;
  for (let y = 0; y < h; y++) {
    const row = y * rowBytes;
    for (let x = 0; x < w; x++) {
      const bit = x * bpc;
      const v = bpc === 8 ? src[row + x]! : (src[row + (bit >> 3)]! >> (8 - bpc - (bit & 7))) & mask;
      if (channels === 1) out[o++] = table[v]!;
      else {
        out[o++] = table[v * 3]!;
        out[o++] = table[v * 3 + 1]!;
        out[o++] = table[v * 3 + 2]!;
      }
    }
  }
  return out;
}
