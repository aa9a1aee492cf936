import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { GroundTruth, GtFile } from '../../fixtures/ground-truth.js';
import { calibrateTolerance, formatCalibration, passages } from './calibrate.js';

const page = (text: string) => ({ page: 1, text }) as GtFile['pages'][number];
const file = (sha256: string, docType: GtFile['docType'], text: string) => ({ sha256, docType, pages: [page(text)] }) as GtFile;

const decision = 'Na podstawie art. 28 ustawy Prawo budowlane zatwierdzam projekt budowlany i udzielam pozwolenia na budowę';
const notice = 'Zawiadamiam strony o wszczęciu postępowania administracyjnego w sprawie zatwierdzenia projektu';
const gt = { files: [file('a', 'decyzja', decision), file('b', 'zawiadomienie', notice)] } as unknown as GroundTruth;

function archiveWith(chunks: { sha: string; text: string }[]): Database.Database {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE documents (id INTEGER PRIMARY KEY, sha256 TEXT, status TEXT);
           CREATE TABLE chunks (id INTEGER PRIMARY KEY, document_id INTEGER, page INTEGER, text TEXT);`);
  db.prepare("INSERT INTO documents VALUES (1, 'a', 'ready'), (2, 'b', 'ready'), (3, 'zzz', 'ready')").run();
  const ids: Record<string, number> = { a: 1, b: 2, zzz: 3 };
  for (const c of chunks) db.prepare('INSERT INTO chunks(document_id, page, text) VALUES (?, 1, ?)').run(ids[c.sha], c.text);
  return db;
}

describe('passages', () => {
  it('gives the whole chunk and windows cut at spaces', () => {
    const ps = passages(decision, 40);
    expect(ps[0]).toBe(decision);
    expect(ps.length).toBe(3);
    for (const p of ps.slice(1)) {
      expect(decision).toContain(p);
      expect(p.length).toBeLessThanOrEqual(40);
      expect(p.startsWith(' ') || p.endsWith(' ')).toBe(false);
    }
  });
});

describe('calibrateTolerance', () => {
  it('separates OCR-noisy passages of their own page from the same passages on another page', () => {
    // OCR noise: l→I and ę→e in the decision; a chunk of a file outside the ground truth is ignored.
    const noisy = decision.replace('pozwolenia', 'pozwoIenia').replace('budowę', 'budowe');
    const db = archiveWith([{ sha: 'a', text: noisy }, { sha: 'b', text: notice }, { sha: 'zzz', text: 'obcy dokument' }]);
    const c = calibrateTolerance(db, gt, { windowChars: 40, tolerances: [0, 0.1] });
    expect(c.genuine.n).toBe(6); // 3 passages per chunk, 2 chunks
    expect(c.genuine.max).toBeLessThan(0.1);
    expect(c.wrongPage.min).toBeGreaterThan(0.3);
    expect(c.accept).toEqual([
      { tolerance: 0, genuine: expect.closeTo(4 / 6, 10), wrongPage: 0 },
      { tolerance: 0.1, genuine: 1, wrongPage: 0 },
    ]);
    expect(formatCalibration(c)).toContain('| 0.1 | 100.0 % | 0.0 % |');
    db.close();
  });
});
