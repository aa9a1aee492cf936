// Compares an ingested archive with the fixture ground truth: per-page CER and metadata.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { cer } from '../ingest/text/metrics.js';
const [dataDir, truthFile] = process.argv.slice(2);
const gt = JSON.parse(fs.readFileSync(truthFile!, 'utf8'));
const db = new Database(path.join(dataDir!, 'kwerenda.db'), { readonly: true });
for (const f of gt.files) {
  const d = db.prepare('SELECT * FROM documents WHERE sha256 = ?').get(f.sha256) as any;
  if (!d) { console.log('MISSING', f.path); continue; }
  const pages = db.prepare('SELECT page, text, source, corrections FROM pages WHERE document_id = ? ORDER BY page').all(d.id) as any[];
  const cers = pages.map((p) => ((cer(f.pages[p.page - 1].text, p.text) * 100).toFixed(2) + (p.source === 'ocr' ? '*' : '') + (f.pages[p.page-1].rotation ? `r${f.pages[p.page-1].rotation}/${JSON.parse(p.corrections).rotation ?? 0}` : '')));
  console.log(f.path.padEnd(58), 'CER', cers.join(' '), '|', f.caseSignature === d.case_number ? 'case ok' : `case ${d.case_number} != ${f.caseSignature}`, '|', f.docType, '~', d.doc_type, '|', f.date === d.doc_date ? 'date ok' : `date ${d.doc_date} != ${f.date}`);
}
