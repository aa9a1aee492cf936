import fs from 'node:fs';
import { TesseractPool } from '../ingest/extract/tesseract-pool.js';
import { ocrPage } from '../ingest/extract/ocr-page.js';
import { layoutPage } from '../ingest/text/layout.js';
import { cer } from '../ingest/text/metrics.js';
const pool = new TesseractPool(1);
for (const arg of process.argv.slice(2)) {
  const [f, gt] = arg.split(':');
  const t = Date.now();
  const r = await ocrPage(pool, { data: fs.readFileSync(f!) }, { timeoutMs: 60000, maxPixels: 150e6, osd: 'auto', viewerDpi: 110 });
  const laid = layoutPage(r.words);
  const c = gt ? cer(fs.readFileSync(gt, 'utf8'), laid.text) : NaN;
  console.log(f!.split('/').pop(), (Date.now()-t)/1000, 's conf', r.confidence, 'words', r.words.length, 'CER', (c*100).toFixed(2)+'%', JSON.stringify(r.corrections));
}
await pool.close();
