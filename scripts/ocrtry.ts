import { TesseractPool } from '../ingest/extract/tesseract-pool.js';
import { ocrPage } from '../ingest/extract/ocr-page.js';
import fs from 'node:fs';
const pool = new TesseractPool(1);
for (const f of process.argv.slice(2)) {
  const t = Date.now();
  const r = await ocrPage(pool, { data: fs.readFileSync(f) }, { timeoutMs: 60000, maxPixels: 150e6, osd: 'auto', viewerDpi: 110 });
  console.log(f, (Date.now()-t)/1000, 's', r.confidence, r.words.length, JSON.stringify(r.corrections), r.viewerImage.length, r.words.slice(0,12).map(w=>w.text).join(' '));
}
await pool.close();
