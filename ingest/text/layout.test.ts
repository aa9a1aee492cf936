import { describe, expect, it } from 'vitest';
import type { RawWord } from '../types.js';
import { layoutPage } from './layout.js';
import { buildWords, offsetProblems, prng, shuffle, stack, wrap } from './testkit.js';

const DECISION =
  'Na podstawie art. 28 ustawy z dnia 7 lipca 1994 r. – Prawo budowlane (Dz. U. z 2019 r. ' +
  'poz. 1186 ze zm.) oraz art. 104 ustawy z dnia 14 czerwca 1960 r. Kodeks postępowania ' +
  'administracyjnego, po rozpatrzeniu wniosku z dnia 14 marca 2019 r. złożonego przez Jana ' +
  'Kowalskiego, zamieszkałego we Wrocławiu przy ul. Ślężnej 12, zatwierdzam projekt budowlany ' +
  'i udzielam pozwolenia na budowę budynku mieszkalnego jednorodzinnego na działce nr 45/7, ' +
  'AM-12, obręb Krzyki, w granicach terenu objętego decyzją o warunkach zabudowy.';

function expectValid(text: string, words: ReturnType<typeof layoutPage>['words']) {
  expect(offsetProblems(text, words)).toEqual([]);
}

describe('layoutPage: basics', () => {
  it('handles empty and blank input', () => {
    expect(layoutPage([])).toEqual({ text: '', words: [] });
    const blank: RawWord[] = [
      { text: '  ', box: { x0: 0.1, y0: 0.1, x1: 0.2, y1: 0.12 }, confidence: 90, line: 0 },
      { text: '\u200B', box: { x0: 0.3, y0: 0.1, x1: 0.4, y1: 0.12 }, confidence: 90, line: 0 },
    ];
    expect(layoutPage(blank)).toEqual({ text: '', words: [] });
  });

  it('orders shuffled words of one line left to right', () => {
    const words = buildWords([{ text: 'Prezydent Miasta Wrocławia', x0: 0.1, y0: 0.1 }]);
    const out = layoutPage(shuffle(words, prng(1)));
    expect(out.text).toBe('Prezydent Miasta Wrocławia');
    expect(out.words.map((w) => out.text.slice(w.start, w.end))).toEqual(['Prezydent', 'Miasta', 'Wrocławia']);
    expect(out.words[1]!.box).toEqual(words[1]!.box);
    expect(out.words[1]!.confidence).toBe(90);
  });

  for (const ids of ['line', 'word', 'run'] as const) {
    it(`orders shuffled lines top to bottom (ids: ${ids})`, () => {
      const lines = wrap(DECISION, 70);
      const words = buildWords(stack(lines, 0.1, 0.1), { ids });
      const out = layoutPage(shuffle(words, prng(2)));
      expect(out.text).toBe(lines.join('\n'));
      expectValid(out.text, out.words);
    });
  }

  it('groups text-layer runs on a line despite small vertical jitter', () => {
    const words = buildWords(stack(['Decyzja nr 123/2019', 'o pozwoleniu na budowę'], 0.1, 0.1), { ids: 'word' });
    words.forEach((w, i) => {
      const d = (i % 3) * 0.002;
      w.box = { ...w.box, y0: w.box.y0 + d, y1: w.box.y1 + d };
    });
    expect(layoutPage(shuffle(words, prng(3))).text).toBe('Decyzja nr 123/2019\no pozwoleniu na budowę');
  });

  it('keeps OCR lines of a slightly skewed scan by their line ids', () => {
    const lines = wrap(DECISION, 60).slice(0, 5);
    const words = buildWords(stack(lines, 0.1, 0.1, 0.018));
    for (const w of words) {
      const drift = (w.box.x0 - 0.1) * 0.02; // ~0.5 mm per 2.5 cm
      w.box = { ...w.box, y0: w.box.y0 + drift, y1: w.box.y1 + drift };
    }
    expect(layoutPage(shuffle(words, prng(4))).text).toBe(lines.join('\n'));
  });

  it('splits text runs on whitespace and divides the box by character count', () => {
    const raw: RawWord[] = [
      { text: 'ul.  Ślężna\t12', box: { x0: 0.1, y0: 0.2, x1: 0.24, y1: 0.22 }, confidence: 100, line: 0 },
    ];
    const out = layoutPage(raw);
    expect(out.text).toBe('ul. Ślężna 12');
    expect(out.words).toHaveLength(3);
    const [a, b, c] = out.words;
    expect(a!.box.x0).toBeCloseTo(0.1);
    expect(a!.box.x1).toBeCloseTo(0.1 + 0.14 * (3 / 14));
    expect(b!.box.x0).toBeCloseTo(0.1 + 0.14 * (5 / 14));
    expect(c!.box.x1).toBeCloseTo(0.24);
    expect(b!.box.y0).toBe(0.2);
  });

  it('normalises to NFC, expands ligatures and drops invisible characters', () => {
    const raw: RawWord[] = [
      { text: 'budowe\u0328', box: { x0: 0.1, y0: 0.1, x1: 0.2, y1: 0.12 }, confidence: 90, line: 0 },
      { text: '\uFB01rma\u200B', box: { x0: 0.22, y0: 0.1, x1: 0.3, y1: 0.12 }, confidence: 90, line: 0 },
      { text: '\uFEFF', box: { x0: 0.32, y0: 0.1, x1: 0.34, y1: 0.12 }, confidence: 90, line: 0 },
    ];
    const out = layoutPage(raw);
    expect(out.text).toBe('budowę firma');
    expect(out.words).toHaveLength(2);
    expectValid(out.text, out.words);
  });

  it('drops a duplicate run drawn on top of itself (fake bold)', () => {
    const words = buildWords([{ text: 'DECYZJA', x0: 0.4, y0: 0.1 }], { ids: 'word' });
    const dup = { ...words[0]!, box: { ...words[0]!.box, x0: words[0]!.box.x0 + 0.001, x1: words[0]!.box.x1 + 0.001 } };
    expect(layoutPage([words[0]!, dup]).text).toBe('DECYZJA');
  });

  it('never throws on NaN, reversed or zero-size boxes', () => {
    const raw: RawWord[] = [
      { text: 'a', box: { x0: NaN, y0: NaN, x1: NaN, y1: NaN }, confidence: NaN, line: NaN },
      { text: 'b', box: { x0: 0.5, y0: 0.5, x1: 0.5, y1: 0.5 }, confidence: 50, line: 1 },
      { text: 'c', box: { x0: 0.9, y0: 0.6, x1: 0.8, y1: 0.58 }, confidence: 50, line: 2 },
      { text: 'd', box: { x0: Infinity, y0: -3, x1: 7, y1: 0.4 }, confidence: 50, line: 3 },
      { text: 'e', box: undefined as never, confidence: 50, line: 4 },
    ];
    const out = layoutPage(raw);
    expect(out.words).toHaveLength(5);
    expectValid(out.text, out.words);
    for (const w of out.words) {
      expect(w.box.x0).toBeLessThanOrEqual(w.box.x1);
      expect(w.box.y0).toBeGreaterThanOrEqual(0);
      expect(w.box.y1).toBeLessThanOrEqual(1);
    }
  });
});

describe('layoutPage: paragraphs', () => {
  it('separates paragraphs by a clearly larger vertical gap', () => {
    const specs = [
      ...stack(['DECYZJA nr 123/2019', 'z dnia 14 marca 2019 r.'], 0.1, 0.1),
      ...stack(['Na podstawie art. 28 ustawy', 'z dnia 7 lipca 1994 r.', '– Prawo budowlane'], 0.1, 0.17),
      ...stack(['orzekam'], 0.1, 0.26),
    ];
    const out = layoutPage(shuffle(buildWords(specs, { ids: 'word' }), prng(5)));
    expect(out.text).toBe(
      'DECYZJA nr 123/2019\nz dnia 14 marca 2019 r.\n\n' +
        'Na podstawie art. 28 ustawy\nz dnia 7 lipca 1994 r.\n– Prawo budowlane\n\norzekam',
    );
  });

  it('starts a paragraph at a block change', () => {
    const specs = stack(['Inwestor: Jan Kowalski', 'ul. Ślężna 12', 'Wrocław'], 0.1, 0.1).map((s, i) => ({
      ...s,
      block: i < 2 ? 0 : 1,
    }));
    expect(layoutPage(buildWords(specs)).text).toBe('Inwestor: Jan Kowalski\nul. Ślężna 12\n\nWrocław');
  });
});

describe('layoutPage: hyphenation', () => {
  const page = (lines: string[], y0 = 0.1) => layoutPage(shuffle(buildWords(stack(lines, 0.1, y0)), prng(6)));

  it('joins a word broken at the line end and keeps a Word per part', () => {
    const out = page(['pozwolenia na wykonanie robót budow-', 'lanego zamierzenia']);
    expect(out.text).toBe('pozwolenia na wykonanie robót budowlanego zamierzenia');
    const parts = out.words.slice(4, 6);
    expect(parts.map((w) => out.text.slice(w.start, w.end))).toEqual(['budow', 'lanego']);
    expect(parts[0]!.end).toBe(parts[1]!.start);
    expect(parts[0]!.box.y0).toBeLessThan(parts[1]!.box.y0);
    expectValid(out.text, out.words);
  });

  it('joins soft hyphens and "¬", chaining across several lines', () => {
    const out = page(['nie¬', 'ruchomo\u00AD', 'ści gruntowej']);
    expect(out.text).toBe('nieruchomości gruntowej');
    expect(out.words.map((w) => out.text.slice(w.start, w.end))).toEqual(['nie', 'ruchomo', 'ści', 'gruntowej']);
  });

  it('keeps compound hyphens before an upper-case line start', () => {
    expect(page(['ul. Marii Skłodowskiej-', 'Curie 54']).text).toBe('ul. Marii Skłodowskiej-\nCurie 54');
  });

  it('keeps a postcode broken over lines', () => {
    expect(page(['Wrocław, kod 54-', '123 Wrocław']).text).toBe('Wrocław, kod 54-\n123 Wrocław');
  });

  it('does not touch hyphens inside a line', () => {
    const out = page(['znak sprawy WUA-ZRB.6740.1.123.2019 z dnia', 'Bielsko-Biała']);
    expect(out.text).toBe('znak sprawy WUA-ZRB.6740.1.123.2019 z dnia\nBielsko-Biała');
  });

  it('does not join across a paragraph break or a lone dash', () => {
    const specs = [...stack(['projekt budow-'], 0.1, 0.1), ...stack(['lanego'], 0.1, 0.2), ...stack(['–', 'organ'], 0.1, 0.22)];
    expect(layoutPage(buildWords(specs)).text).toBe('projekt budow-\n\nlanego\n–\norgan');
  });

  it('renders an unjoined line-end soft hyphen as "-" and drops mid-line ones', () => {
    const out = page(['Skłodowskiej\u00AD', 'Curie bu\u00ADdowa\u00AD x']);
    expect(out.text).toBe('Skłodowskiej-\nCurie budowa x');
    expectValid(out.text, out.words);
  });

  it('can be switched off', () => {
    const words = buildWords(stack(['budow-', 'lanego'], 0.1, 0.1));
    expect(layoutPage(words, { joinHyphens: false }).text).toBe('budow-\nlanego');
  });
});
