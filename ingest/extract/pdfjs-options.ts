/** The pdf.js document options every caller needs in Node: bundled fonts, CMaps and wasm, no eval. */
import { createRequire } from 'node:module';
import path from 'node:path';

const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const asDirUrl = (sub: string) => `${path.join(pdfjsDir, sub)}/`;

export function pdfjsOptions() {
  return {
    standardFontDataUrl: asDirUrl('standard_fonts'),
    cMapUrl: asDirUrl('cmaps'),
    cMapPacked: true,
    wasmUrl: asDirUrl('wasm'),
    isEvalSupported: false,
    verbosity: 0,
  };
}
