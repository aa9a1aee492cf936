import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../fixtures/ground-truth.js';
import { chunkPages } from '../../ingest/text/chunk.js';
import { CleanBm25, orQuery } from './bm25-clean.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const gt = JSON.parse(fs.readFileSync(path.join(root, 'fixtures', 'sample.ground-truth.json'), 'utf8')) as GroundTruth;
const pathOf = (sha: string) => gt.files.find((f) => f.sha256 === sha)!.path;

describe('orQuery', () => {
  it('quotes every word, folds ł, drops punctuation-only words and repeats', () => {
    expect(orQuery('działka 45/7 – obręb Łęg "x" 45/7')).toBe('"dzialka" OR "45/7" OR "obręb" OR "Lęg" OR """x"""');
  });
  it('is null for a question without words', () => {
    expect(orQuery(' – … ')).toBeNull();
  });
});

describe('BM25 over the clean ground-truth text', () => {
  const index = new CleanBm25(gt);
  afterAll(() => index.close());

  it('chunks pages exactly like the product', () => {
    const expected = gt.files.reduce((n, f) => n + chunkPages(f.pages).length, 0);
    expect(index.chunkCount).toBe(expected);
  });

  it('finds a signature written with other separators (the tokenizer splits on . - /)', () => {
    const r = index.query('wua-zrb 6743.1.2043.2016');
    expect(pathOf(r.results[0]!.sha256)).toBe('WUA-ZRB.6743.1.2043.2016/sprzeciw.pdf');
  });

  it('matches ł and other diacritics either way', () => {
    const typed = index.query('Przedsiebiorstwo Budowlane Sleza').results.map((x) => x.sha256);
    const exact = index.query('Przedsiębiorstwo Budowlane Ślęża').results.map((x) => x.sha256);
    expect(typed).toEqual(exact);
    expect(pathOf(typed[0]!).startsWith('UA-AB_7351_650_2010/')).toBe(true);
  });

  it('returns each document once, at most `limit`, cited by a chunk of its own page', () => {
    const r = index.query('decyzja pozwolenie budowa Wrocław', 5);
    expect(r.results).toHaveLength(5);
    expect(new Set(r.results.map((x) => x.sha256)).size).toBe(5);
    for (const x of r.results) {
      const f = gt.files.find((g) => g.sha256 === x.sha256)!;
      const c = x.citations[0]!;
      expect(f.pages.find((p) => p.page === c.page)!.text).toContain(c.quote);
    }
  });

  it('answers nothing when no word occurs anywhere', () => {
    expect(index.query('Hieronim Kwiatkowski').results).toEqual([]);
    expect(index.query('').results).toEqual([]);
  });
});
