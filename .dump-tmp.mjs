import { PDFDocument, PDFName, PDFDict, PDFRawStream, PDFArray, PDFRef, decodePDFRawStream } from 'pdf-lib';
import fs from 'node:fs';
const f = process.argv[2];
const doc = await PDFDocument.load(fs.readFileSync(f), { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
console.log('pages', doc.getPageCount(), 'enc', doc.isEncrypted);
const n = Math.min(doc.getPageCount(), +(process.argv[3]||3));
for (let i=0;i<n;i++){
  const node = doc.getPage(i).node;
  console.log('--- page', i, 'MediaBox', String(node.MediaBox()), 'CropBox', String(node.CropBox?.()), 'Rotate', String(node.Rotate()));
  const res = node.Resources();
  const xo = res?.lookup(PDFName.of('XObject'));
  if (xo instanceof PDFDict) for (const [k,v] of xo.entries()) {
    const o = doc.context.lookup(v);
    console.log('  XO', k.toString(), o instanceof PDFRawStream ? o.dict.toString().replace(/\s+/g,' ').slice(0,600) : String(o).slice(0,200));
  }
  const c = node.Contents();
  const streams = c instanceof PDFArray ? c.asArray().map(r=>doc.context.lookup(r)) : [c];
  for (const s of streams) if (s instanceof PDFRawStream) { const t = Buffer.from(decodePDFRawStream(s).decode()).toString('latin1'); console.log('  CS', JSON.stringify(t.slice(0,300)), t.length); }
}
