/**
 * Original files and their stand-in over HTTP. The original holds every PESEL unmasked, so it goes
 * only to roles with `documents.original` (records staff, supervisors, admins); a clerk gets a PDF of
 * the page images instead, the identifiers covered as on the viewer's images, with no text layer.
 * Every download is audited as original or masked. A download is typed by the content detected at
 * ingest, not by the uploaded name, is never sniffed, and is offered under a clean name.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fontBytes } from '../../fixtures/fonts.js';
import { PdfSession } from '../../ingest/extract/pdf-session.js';
import type { SearchRuntime } from '../../server/main.js';
import { serveArchive, type ServedArchive } from '../helpers/http-server.js';
import { forbiddenMessage } from '../../server/security/permissions.js';
import { cliPath, tempDir } from '../helpers/paths.js';
import { ocrImage } from '../helpers/ocr.js';

const PESEL = '85010112345';
// Uploaded under a name that claims HTML: a browser told "text/html" would run it as a page.
const FILE = `wniosek "${PESEL}"\u202Egpj.html`;
const LINES = ['Wniosek o pozwolenie na budowę', `Inwestor: Jan Kowalski, PESEL: ${PESEL}`, 'Dowód osobisty ABA 300000 okazano'];

/** The file name a browser takes from a Content-Disposition header (RFC 6266: `filename*` first). */
function suggestedName(disposition: string): string {
  const extended = /filename\*=UTF-8''(\S+)/.exec(disposition);
  return extended ? decodeURIComponent(extended[1]!) : /filename="([^"]*)"/.exec(disposition)?.[1] ?? '';
}

describe('original files only for documents.original; a masked PDF for everyone else', () => {
  const dirs: string[] = [];
  let rt: SearchRuntime;
  let served: ServedArchive;
  let base: string;
  let docId: string;
  let sha: string;
  let pages: number;
  const tokens: Record<string, string> = {};
  const get = (who: string, p: string) => fetch(`${base}/api/documents/${docId}${p}`, { headers: { authorization: `Bearer ${tokens[who]}` } });
  const downloads = () =>
    (rt.db.prepare("SELECT actor_name AS who, target, details FROM audit_events WHERE action = 'file.download' ORDER BY seq").all() as { who: string; target: string; details: string }[])
      .map((r) => ({ who: r.who, target: r.target, ...(JSON.parse(r.details) as object) }));

  beforeAll(async () => {
    const input = tempDir('original-input');
    const data = tempDir('original-data');
    dirs.push(input, data);
    const pdf = await PDFDocument.create();
    pdf.registerFontkit(fontkit);
    const font = await pdf.embedFont(fontBytes('sans-r'), { subset: true });
    for (let p = 0; p < 2; p++) {
      const page = pdf.addPage([595, 842]);
      LINES.forEach((line, i) => page.drawText(`${line}${p ? ' (kopia)' : ''}`, { x: 50, y: 770 - i * 24, size: 11, font, color: rgb(0, 0, 0) }));
    }
    fs.writeFileSync(path.join(input, FILE), await pdf.save());
    const ingest = spawnSync(process.execPath, [cliPath, 'ingest', input, '--data', data], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, KWERENDA_PROGRESS: 'none' } });
    expect(ingest.status, ingest.stderr).toBe(0);
    served = await serveArchive(data);
    rt = served.rt;
    for (const [name, role] of [['anna', 'clerk'], ['rafal', 'records'], ['sonia', 'supervisor'], ['adam', 'admin']] as const) tokens[name] = rt.users.add(name, role).token;
    const doc = rt.db.prepare("SELECT id, sha256, page_count FROM documents WHERE status = 'ready'").get() as { id: number; sha256: string; page_count: number };
    [docId, sha, pages] = [String(doc.id), doc.sha256, doc.page_count];
    base = served.base;
  }, 300_000);

  afterAll(async () => {
    await served?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('refuses the original to a clerk (403 with the Polish reason)', async () => {
    const res = await get('anna', '/file');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'forbidden', message: forbiddenMessage('documents.original') } });
  });

  it('gives records staff, supervisors and admins the original: typed by its content, not sniffed, an attachment under a clean name', async () => {
    for (const who of ['rafal', 'sonia', 'adam']) {
      const res = await get(who, '/file');
      expect(res.status, who).toBe(200);
      expect(res.headers.get('content-type'), who).toBe('application/pdf');
      expect(res.headers.get('x-content-type-options'), who).toBe('nosniff');
      const disposition = res.headers.get('content-disposition') ?? '';
      expect(disposition, who).toMatch(/^attachment; filename="[^"\\]*"(; filename\*=UTF-8''\S+)?$/);
      const name = suggestedName(disposition);
      expect(name, who).toMatch(/\.pdf$/);
      expect(name, who).not.toMatch(/[\u202E"]|\.html/);
      if (who === 'sonia') expect(name).toBe(`wniosek _${PESEL}_gpj.pdf`);
      else expect(name, who).toBe(`wniosek _${'•'.repeat(11)}_gpj.pdf`);
      expect(createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex'), who).toBe(sha);
    }
  });

  it('gives a clerk a PDF of the page images: no text layer, the PESEL unreadable, the rest readable', async () => {
    const res = await get('anna', '/file/masked');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(suggestedName(res.headers.get('content-disposition') ?? '')).toBe(`wniosek _${'•'.repeat(11)}_gpj.pdf`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(bytes).toString('latin1')).not.toContain(PESEL);
    const session = await PdfSession.open(bytes, { timeoutMs: 30_000, memoryMb: 512, passwords: [], maxImagePixels: 100_000_000 });
    try {
      expect(session.pageCount).toBe(pages);
      const layer = await session.text(1);
      expect(layer.chars).toBe(0);
      const img = await session.image(1, 150, 100_000_000, true);
      if (img.kind !== 'raw') throw new Error(`unexpected image: ${img.kind}`);
      const png = await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: img.channels } }).png().toBuffer();
      const text = await ocrImage(png);
      expect(text).toContain('Inwestor: Jan Kowalski, PESEL:');
      expect(text).toContain('okazano');
      expect(text).not.toMatch(/\d{2,}/);
      expect(text).not.toContain('ABA');
    } finally {
      await session.close();
    }
  });

  it('the supervisor\'s masked copy shows the numbers (who may see identifiers sees them there too)', async () => {
    const res = await get('sonia', '/file/masked');
    expect(res.status).toBe(200);
    const session = await PdfSession.open(new Uint8Array(await res.arrayBuffer()), { timeoutMs: 30_000, memoryMb: 512, passwords: [], maxImagePixels: 100_000_000 });
    try {
      const img = await session.image(1, 150, 100_000_000, true);
      if (img.kind !== 'raw') throw new Error(`unexpected image: ${img.kind}`);
      const png = await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: img.channels } }).png().toBuffer();
      expect(await ocrImage(png)).toContain(PESEL);
    } finally {
      await session.close();
    }
  });

  it('audits each download: who, which document, original or masked', () => {
    expect(downloads()).toEqual([
      { who: 'rafal', target: docId, variant: 'original' },
      { who: 'sonia', target: docId, variant: 'original' },
      { who: 'adam', target: docId, variant: 'original' },
      { who: 'anna', target: docId, variant: 'masked', identifiersCovered: true },
      { who: 'sonia', target: docId, variant: 'masked', identifiersCovered: false },
    ]);
  });

  it('a document the caller may not read is a 404 on both, and nothing is audited', async () => {
    const before = downloads().length;
    for (const p of ['/file', '/file/masked']) {
      const res = await fetch(`${base}/api/documents/999999${p}`, { headers: { authorization: `Bearer ${tokens.sonia}` } });
      expect(res.status).toBe(404);
    }
    expect(downloads().length).toBe(before);
  });
});
