import { describe, expect, it } from 'vitest';
import { boxesFor, verifyCitation, verifyCitations, type StoredPageText } from './citations.js';
import type { CitationCandidate, StoredWord } from './types.js';

const text = 'DECYZJA NR 881/2019\nZatwierdzam projekt i udzielam pozwolenia na budowę dla działki nr 45/7, obręb Oporów.';
// One word entry per whitespace-separated word, on two lines.
function wordsOf(t: string): StoredWord[] {
  const out: StoredWord[] = [];
  let x = 0.05;
  let line = 0;
  for (const m of t.matchAll(/\S+|\n/g)) {
    if (m[0] === '\n') {
      line++;
      x = 0.05;
      continue;
    }
    const w = m[0].length * 0.01;
    out.push([m.index, m.index + m[0].length, x, 0.1 + line * 0.03, x + w, 0.12 + line * 0.03, 90]);
    x += w + 0.01;
  }
  return out;
}
const page: StoredPageText = { text, words: wordsOf(text) };
const cand = (start: number, end: number, quote = text.slice(start, end)): CitationCandidate => ({
  documentId: '1',
  page: 1,
  start,
  end,
  quote,
});

describe('verifyCitation', () => {
  it('accepts an exact quote and attaches its word boxes', () => {
    const start = text.indexOf('działki nr 45/7');
    const r = verifyCitation(cand(start, start + 'działki nr 45/7'.length), page);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.citation.quote).toBe('działki nr 45/7');
    expect(r.citation.boxes).toHaveLength(1); // three adjacent words on one line merge into one box
    expect(r.citation.boxes![0]!.x1).toBeGreaterThan(r.citation.boxes![0]!.x0);
  });

  it('gives one box per line for a quote across a line break', () => {
    const r = verifyCitation(cand(8, 30), page);
    expect(r.ok && r.citation.boxes!.length).toBe(2);
  });

  it.each([
    ['a quote that differs by one character', () => cand(0, 7, 'DECYZJE')],
    ['a quote with folded diacritics', () => cand(text.indexOf('budowę'), text.indexOf('budowę') + 6, 'budowe')],
    ['a quote from a different place', () => cand(0, 7, text.slice(8, 15))],
    ['an invented quote', () => cand(0, 23, 'art. 999 Prawa budowlan')],
  ])('rejects %s', (_name, make) => {
    expect(verifyCitation(make(), page)).toEqual({ ok: false, reason: 'quote_mismatch' });
  });

  it.each([
    [-1, 5],
    [5, 5],
    [6, 5],
    [0, text.length + 1],
    [0.5, 4],
    [Number.NaN, 4],
    [0, Infinity],
  ])('rejects offsets %s..%s', (start, end) => {
    expect(verifyCitation({ documentId: '1', page: 1, start, end, quote: 'x' }, page)).toEqual({
      ok: false,
      reason: 'bad_offsets',
    });
  });

  it('rejects a missing page, an empty or whitespace quote, and a non-string quote', () => {
    expect(verifyCitation(cand(0, 7), null)).toEqual({ ok: false, reason: 'page_missing' });
    expect(verifyCitation(cand(0, 7), undefined)).toEqual({ ok: false, reason: 'page_missing' });
    const nl = text.indexOf('\n');
    expect(verifyCitation(cand(nl, nl + 1), page)).toEqual({ ok: false, reason: 'empty_quote' });
    expect(verifyCitation({ ...cand(0, 7), quote: 42 as unknown as string }, page)).toEqual({
      ok: false,
      reason: 'empty_quote',
    });
  });

  it('rejects a quote that splits a surrogate pair', () => {
    const t = 'Plan 🏠 domu';
    const p = { text: t, words: [] };
    const i = t.indexOf('🏠');
    expect(verifyCitation({ documentId: '1', page: 1, start: 0, end: i + 1, quote: t.slice(0, i + 1) }, p)).toEqual({
      ok: false,
      reason: 'split_character',
    });
    expect(verifyCitation({ documentId: '1', page: 1, start: 0, end: i + 2, quote: t.slice(0, i + 2) }, p).ok).toBe(true);
  });
});

describe('verifyCitations', () => {
  it('keeps order, drops failures with reasons and duplicates', () => {
    const pages = new Map([['1:1', page]]);
    const out = verifyCitations(
      [cand(0, 7), { ...cand(0, 7), page: 2 }, cand(0, 7, 'DECYZJE'), cand(0, 7), cand(8, 10)],
      (d, p) => pages.get(`${d}:${p}`),
    );
    expect(out.citations.map((c) => c.quote)).toEqual(['DECYZJA', 'NR']);
    expect(out.rejected.map((r) => r.reason)).toEqual(['page_missing', 'quote_mismatch']);
  });
});

describe('boxesFor', () => {
  it('skips malformed word entries instead of failing', () => {
    const words = [[0, 3, 0.1, 0.1, 0.2, 0.2, 90], [4, 7], [8, 9, Number.NaN, 0, 1, 1, 0]] as unknown as StoredWord[];
    expect(boxesFor(words, 0, 10)).toEqual([{ x0: 0.1, y0: 0.1, x1: 0.2, y1: 0.2 }]);
  });
});
