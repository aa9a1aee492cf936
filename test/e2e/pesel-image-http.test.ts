/**
 * A PESEL and an identity-card number must not be legible on the page image a clerk is served, the
 * way a reviewer checks it: a born-digital PDF in an ordinary layout (a proportional font, label and
 * number in one text run) is ingested with `kwerenda ingest`, the page image is fetched over HTTP as
 * a clerk, and the served image is read with tesseract. No digits of the PESEL and no letters of the
 * card number can be read; the words around them still can. Word boxes cut from a run in
 * proportion to its characters put the cover a few characters beside the number.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fontBytes } from '../../fixtures/fonts.js';
import type { SearchRuntime } from '../../server/main.js';
import { serveArchive, type ServedArchive } from '../helpers/http-server.js';
import { cliPath, tempDir } from '../helpers/paths.js';
import { ocrImage } from '../helpers/ocr.js';

const PESEL = '85010112345';
// Ordinary lines, label and number in one text run: cut in proportion to its characters, the run
// puts the start of the cover 5–13 pt (up to two digits) right of where the number starts.
const LINES = [
  'Wniosek o wydanie pozwolenia na budowę garażu',
  'imię i nazwisko: Jan Kowalski, numer PESEL: 85010112345',
  'legitymujący się dowodem osobistym nr ABA 300000 wydanym przez Prezydenta Miasta',
  'Inwestor: Jan Kowalski, PESEL 85010112345, legitymujący się dowodem osobistym ABA 300000,',
  'Dowód osobisty ABA 300000 okazano w Biurze Obsługi Mieszkańców',
];

/** Any two or more digits of the PESEL in a row, as OCR may read them (letters O/o for zeros excepted). */
const peselDigits = (ocr: string) => (ocr.match(/\d{2,}/g) ?? []).filter((run) => PESEL.includes(run));

/**
 * What OCR read right after `label` on each line holding it: up to the next ordinary word (four or
 * more lower-case letters) or the end of the line.
 */
function following(text: string, label: string): string[] {
  return text.split('\n').flatMap((line) => {
    const at = line.indexOf(label);
    if (at < 0) return [];
    const rest = line.slice(at + label.length);
    const next = rest.search(/\s\p{Ll}{4,}/u);
    return [next < 0 ? rest : rest.slice(0, next)];
  });
}

/** Nothing of either number after its label, on any line: the cover read as whatever, but no digit or card letter. */
function expectNothingLegible(text: string): void {
  expect(peselDigits(text), text).toEqual([]);
  const afterPesel = following(text, 'PESEL');
  const afterCard = following(text, 'osobist');
  expect(afterPesel.length, text).toBe(2);
  expect(afterCard.length, text).toBe(3);
  for (const s of afterPesel) expect(s, text).not.toMatch(/\d/);
  for (const s of afterCard) expect(s.replace(/^\S*/, ''), text).not.toMatch(/[AB\d]/);
}

describe('a clerk\'s page image of a born-digital PDF: identifiers unreadable, the rest readable', () => {
  const dirs: string[] = [];
  let rt: SearchRuntime;
  let served: ServedArchive;
  let base: string;
  let docId: string;
  const tokens: Record<string, string> = {};
  const ocrAs = async (who: string): Promise<string> => {
    const res = await fetch(`${base}/api/documents/${docId}/pages/1/image`, { headers: { authorization: `Bearer ${tokens[who]}` } });
    expect(res.status).toBe(200);
    return ocrImage(Buffer.from(await res.arrayBuffer()));
  };

  beforeAll(async () => {
    const input = tempDir('pesel-image-input');
    const data = tempDir('pesel-image-data');
    dirs.push(input, data);
    const pdf = await PDFDocument.create();
    pdf.registerFontkit(fontkit);
    const font = await pdf.embedFont(fontBytes('sans-r'), { subset: true });
    const page = pdf.addPage([595, 842]);
    LINES.forEach((line, i) => page.drawText(line, { x: 50, y: 770 - i * 24, size: 11, font, color: rgb(0, 0, 0) }));
    fs.writeFileSync(path.join(input, 'wniosek.pdf'), await pdf.save());
    const ingest = spawnSync(process.execPath, [cliPath, 'ingest', input, '--data', data], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, KWERENDA_PROGRESS: 'none' } });
    expect(ingest.status, ingest.stderr).toBe(0);
    served = await serveArchive(data);
    rt = served.rt;
    tokens.clerk = rt.users.add('anna', 'clerk').token;
    tokens.supervisor = rt.users.add('sonia', 'supervisor').token;
    docId = String((rt.db.prepare("SELECT id FROM documents WHERE status = 'ready'").get() as { id: number }).id);
    base = served.base;
  }, 300_000);

  afterAll(async () => {
    await served?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('the supervisor\'s image shows the numbers (OCR reads them)', async () => {
    const text = await ocrAs('supervisor');
    expect(text.split(PESEL).length - 1).toBe(2);
    expect(text.split('ABA 300000').length - 1).toBe(3);
  });

  it('the clerk\'s image shows no digit of the PESEL and no letter of the card number; the words around them stay', async () => {
    const text = await ocrAs('clerk');
    expectNothingLegible(text);
    for (const word of ['nazwisko:', 'Kowalski,', 'PESEL:', 'Inwestor:', 'osobistym', 'wydanym', 'legitymujący', 'okazano', 'Mieszkańców']) {
      expect(text, word).toContain(word);
    }
  });

  it('stored word boxes are not trusted for a text-layer page (pages ingested before glyph advances)', async () => {
    // Shift every stored box a few characters to the right, as the proportional cut of old ingests did.
    const row = rt.db.prepare('SELECT words FROM pages WHERE document_id = ? AND page = 1').get(Number(docId)) as { words: string };
    const shifted = (JSON.parse(row.words) as number[][]).map(([s, e, x0, y0, x1, y1, c]) => [s, e, x0! + 0.03, y0, x1! + 0.03, y1, c]);
    rt.db.prepare('UPDATE pages SET words = ? WHERE document_id = ? AND page = 1').run(JSON.stringify(shifted), Number(docId));
    try {
      const text = await ocrAs('clerk');
      expectNothingLegible(text);
      expect(text).toContain('nazwisko:');
    } finally {
      rt.db.prepare('UPDATE pages SET words = ? WHERE document_id = ? AND page = 1').run(row.words, Number(docId));
    }
  });
});
