import { describe, expect, it } from 'vitest';
import { findTerms, foldSameLength, selectPassage } from './passages.js';
import type { QueryTerm } from './types.js';

const t = (...forms: (string | [string, boolean])[]): QueryTerm => ({
  forms: forms.map((f) => (typeof f === 'string' ? { text: f } : { text: f[0], prefix: f[1] })),
});

describe('foldSameLength', () => {
  it('folds case and Polish diacritics without changing length', () => {
    const s = 'ŁÓDŹ, Żółć; DECYZJĘ';
    const f = foldSameLength(s);
    expect(f).toBe('lodz, zolc; decyzje');
    expect(f.length).toBe(s.length);
  });
  it('keeps characters whose lower case is longer', () => {
    expect(foldSameLength('İx').length).toBe(2);
  });
});

describe('findTerms', () => {
  const text = 'Decyzji o pozwoleniu na budowę nie wydano. Działka nr 45/7 w obrębie Oporów; dz. 45/70 nie.';
  it('matches whole words folded, and prefixes to the end of the word', () => {
    const hits = findTerms(text, [t('budowe'), t(['pozwolen', true])]);
    expect(hits.map((h) => text.slice(h.start, h.end))).toEqual(['pozwoleniu', 'budowę']);
  });
  it('matches an identifier phrase exactly, not inside a longer number', () => {
    const hits = findTerms(text, [t('45/7')]);
    expect(hits.map((h) => text.slice(h.start, h.end))).toEqual(['45/7']);
  });
  it('matches phrases across whitespace variants', () => {
    const hits = findTerms('pozwolenie  na\nbudowę', [t('pozwolenie na budowe')]);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ start: 0, end: 21 });
  });
  it('treats regex characters in terms literally and ignores forms without letters', () => {
    expect(findTerms('a b c', [t('(b)'), t('.*'), t('')])).toHaveLength(0);
    expect(findTerms('a (b) c', [t('(b)')]).map((h) => [h.start, h.end])).toEqual([[2, 5]]);
    expect(findTerms('x a.b y', [t('a.b')])).toHaveLength(1);
  });
  it('respects the range', () => {
    const hits = findTerms(text, [t('nie')], 40);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.start).toBeGreaterThan(40);
  });
});

describe('selectPassage', () => {
  const text =
    'Prezydent Wrocławia po rozpatrzeniu wniosku. ' +
    'Odmawia się udzielenia pozwolenia na rozbudowę budynku mieszkalnego przy ul. Leśnej 5. ' +
    'Uzasadnienie jest długie i nie ma tu nic ciekawego, tylko słowa wypełniające. '.repeat(4);

  it('picks the sentence with the most distinct terms and lists the matches inside', () => {
    const p = selectPassage(text, { start: 0, end: text.length }, [t(['odmaw', true]), t(['rozbud', true]), t('leśnej')])!;
    const quote = text.slice(p.start, p.end);
    expect(quote.startsWith('Odmawia się')).toBe(true);
    expect(quote.endsWith('Leśnej 5.')).toBe(true);
    expect(p.termsMatched).toBe(3);
    expect(p.matches.map((m) => text.slice(m.start, m.end))).toEqual(['Odmawia', 'rozbudowę', 'Leśnej']);
  });

  it('never exceeds maxChars and never cuts a word', () => {
    for (const max of [20, 40, 80, 200]) {
      const p = selectPassage(text, { start: 0, end: text.length }, [t('wypełniające')], { maxChars: max })!;
      expect(p.end - p.start).toBeLessThanOrEqual(Math.max(max, 'wypełniające'.length));
      expect(/[\p{L}]/u.test(text[p.start - 1] ?? ' ') && /[\p{L}]/u.test(text[p.start]!)).toBe(false);
      expect(/[\p{L}]/u.test(text[p.end] ?? ' ') && /[\p{L}]/u.test(text[p.end - 1]!)).toBe(false);
    }
  });

  it('stays inside the range and quotes its beginning when nothing matches', () => {
    const start = text.indexOf('Odmawia');
    const p = selectPassage(text, { start, end: start + 60 }, [t('nieobecne')])!;
    expect(p.start).toBe(start);
    expect(p.end).toBeLessThanOrEqual(start + 60);
    expect(p.termsMatched).toBe(0);
  });

  it('centres on an anchor span', () => {
    const a = text.indexOf('Leśnej 5');
    const p = selectPassage(text, { start: 0, end: text.length }, [], { anchor: { start: a, end: a + 8 } })!;
    expect(p.start).toBeLessThanOrEqual(a);
    expect(p.end).toBeGreaterThanOrEqual(a + 8);
  });

  it('returns null for an empty or blank range', () => {
    expect(selectPassage(text, { start: 5, end: 5 }, [])).toBeNull();
    expect(selectPassage('   \n ', { start: 0, end: 5 }, [])).toBeNull();
  });

  it('gives offsets whose slice is exactly the quote for odd input', () => {
    const odd = '🏠 Żółw\u0000 DECYZJA\n\n45/7 ' + 'x'.repeat(500);
    const p = selectPassage(odd, { start: 0, end: odd.length }, [t('45/7'), t('decyzja')])!;
    expect(p.start).toBeGreaterThanOrEqual(0);
    expect(p.end).toBeLessThanOrEqual(odd.length);
    expect(odd.slice(p.start, p.end)).toMatch(/45\/7|DECYZJA/);
  });

  it('keeps a passage inside one paragraph, choosing the paragraph with the most terms', () => {
    const t2 = 'Odwołanie jest zasadne.\n\n(podpis)\n\nZałączniki: kopia zaskarżonej decyzji i odwołanie od decyzji.';
    const p = selectPassage(t2, { start: 0, end: t2.length }, [t(['odwolan', true]), t(['decyzj', true])])!;
    expect(t2.slice(p.start, p.end)).toBe('Załączniki: kopia zaskarżonej decyzji i odwołanie od decyzji.');
  });

  it('skips leading junk lines and short lines when nothing matches', () => {
    const t3 = '—\n\nPREZYDENT WROCŁAWIA\nWrocław, dnia 6 października 2021 r.\nZnak: WUA-ZRB.6740.1.622.2021\nDECYZJA';
    const p = selectPassage(t3, { start: 0, end: t3.length }, [])!;
    const quote = t3.slice(p.start, p.end);
    expect(quote.startsWith('PREZYDENT WROCŁAWIA')).toBe(true);
    expect(quote.length).toBeGreaterThanOrEqual(50);
    expect(selectPassage('— \n –', { start: 0, end: 5 }, [])).toBeNull();
  });
});
