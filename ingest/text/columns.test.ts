import { describe, expect, it } from 'vitest';
import { layoutPage } from './layout.js';
import { buildWords, offsetProblems, prng, shuffle, stack, wrap, type LineSpec } from './testkit.js';

const LEFT_TEXT =
  'Na podstawie art. 28 ustawy z dnia 7 lipca 1994 r. – Prawo budowlane (Dz. U. z 2019 r. ' +
  'poz. 1186 ze zm.) zatwierdzam projekt budowlany i udzielam pozwolenia na budowę budynku ' +
  'mieszkalnego jednorodzinnego na działce nr 45/7, obręb Krzyki, przy ul. Ślężnej 12 we ' +
  'Wrocławiu, dla inwestora Jana Kowalskiego, z zachowaniem warunków określonych w decyzji.';
const RIGHT_TEXT =
  'Uzasadnienie. Wnioskiem z dnia 14 marca 2019 r. inwestor wystąpił o wydanie pozwolenia na ' +
  'budowę. Organ sprawdził kompletność projektu budowlanego oraz zgodność z ustaleniami ' +
  'miejscowego planu zagospodarowania przestrzennego. Strony zostały zawiadomione o wszczęciu ' +
  'postępowania i nie wniosły uwag. Wobec powyższego orzeczono jak w sentencji.';

const HEADER = 'URZĄD MIEJSKI WROCŁAWIA – WYDZIAŁ ARCHITEKTURY I BUDOWNICTWA';
const FOOTER = 'Strona 1 z 2';

/** A two-column page: full-width header, two 38-char columns, centred page number. */
function twoColumnPage() {
  const left = wrap(LEFT_TEXT, 38);
  const right = wrap(RIGHT_TEXT, 38);
  const specs: LineSpec[] = [
    { text: HEADER, x0: 0.1, y0: 0.05 },
    ...stack(left, 0.1, 0.1),
    ...stack(right, 0.55, 0.1),
    { text: FOOTER, x0: 0.452, y0: 0.9 },
  ];
  const expected = [HEADER, left.join('\n'), right.join('\n'), FOOTER].join('\n\n');
  return { specs, expected };
}

describe('layoutPage: columns', () => {
  for (const ids of ['line', 'word', 'run'] as const) {
    it(`reads a shuffled two-column page column by column (ids: ${ids})`, () => {
      const { specs, expected } = twoColumnPage();
      // Same line id on both columns' rows would be an engine bug; give each line its own id.
      const words = buildWords(specs, { ids });
      for (const seed of [1, 2, 3]) {
        const out = layoutPage(shuffle(words, prng(seed)));
        expect(out.text).toBe(expected);
        expect(offsetProblems(out.text, out.words)).toEqual([]);
      }
    });
  }

  it('detects short columns with a page number far below', () => {
    const left = wrap(LEFT_TEXT, 38).slice(0, 4);
    const right = wrap(RIGHT_TEXT, 38).slice(0, 4);
    const specs: LineSpec[] = [
      { text: HEADER, x0: 0.1, y0: 0.05 },
      ...stack(left, 0.1, 0.1),
      ...stack(right, 0.55, 0.1),
      { text: FOOTER, x0: 0.452, y0: 0.95 },
    ];
    const out = layoutPage(shuffle(buildWords(specs, { ids: 'word' }), prng(11)));
    expect(out.text).toBe([HEADER, left.join('\n'), right.join('\n'), FOOTER].join('\n\n'));
  });

  it('keeps a one-column page with a two-part signature block in row order', () => {
    const body = wrap(LEFT_TEXT + ' ' + RIGHT_TEXT, 90);
    const sign = ['Otrzymują:', '1. Jan Kowalski', '2. a/a'];
    const seal = ['z up. PREZYDENTA', 'Anna Nowak', 'Kierownik Działu'];
    const specs: LineSpec[] = [
      ...stack(body, 0.08, 0.1),
      ...stack(sign, 0.08, 0.5),
      ...stack(seal, 0.6, 0.5),
    ];
    const out = layoutPage(shuffle(buildWords(specs), prng(12)));
    expect(out.text.startsWith(body.join('\n'))).toBe(true);
    expect(out.text.endsWith('Otrzymują: z up. PREZYDENTA\n1. Jan Kowalski Anna Nowak\n2. a/a Kierownik Działu')).toBe(true);
  });

  it('keeps rows aligned across the gutter when asked for a single column', () => {
    const { specs } = twoColumnPage();
    const out = layoutPage(buildWords(specs), { columns: 'single' });
    const firstBodyLine = out.text.split('\n')[2]!;
    expect(firstBodyLine.startsWith('Na podstawie')).toBe(true);
    expect(firstBodyLine).toContain('Uzasadnienie.');
  });

  it('does not split a single-column page of justified text', () => {
    const rnd = prng(7);
    const lines = wrap(LEFT_TEXT + ' ' + RIGHT_TEXT + ' ' + LEFT_TEXT, 90);
    const specs = stack(lines, 0.08, 0.1).map((s) => ({ ...s, x0: s.x0 + rnd() * 0.004 }));
    const out = layoutPage(shuffle(buildWords(specs, { ids: 'word' }), rnd));
    expect(out.text).toBe(lines.join('\n'));
  });

  it('reads a label/value form row by row', () => {
    const rows: [string, string][] = [
      ['Inwestor:', 'Jan Kowalski, ul. Ślężna 12, 53-302 Wrocław'],
      ['Działka:', 'nr 45/7, AM-12, obręb Krzyki'],
      ['Obiekt:', 'budynek mieszkalny jednorodzinny wolnostojący'],
      ['Znak:', 'WUA-ZRB.6740.1.123.2019'],
      ['Data:', '14 marca 2019 r.'],
    ];
    const specs = rows.flatMap(([k, v], i) => [
      { text: k, x0: 0.1, y0: 0.1 + i * 0.03 },
      { text: v, x0: 0.3, y0: 0.1 + i * 0.03 },
    ]);
    const out = layoutPage(shuffle(buildWords(specs, { ids: 'word' }), prng(8)));
    expect(out.text).toBe(rows.map(([k, v]) => `${k} ${v}`).join('\n'));
  });

  it('places a left-aligned case number and right-aligned date on one header line', () => {
    const specs: LineSpec[] = [
      { text: 'WUA-ZRB.6740.1.123.2019', x0: 0.1, y0: 0.05 },
      { text: 'Wrocław, dnia 14 marca 2019 r.', x0: 0.6, y0: 0.05 },
      ...stack(wrap(LEFT_TEXT, 90), 0.1, 0.1),
    ];
    const out = layoutPage(shuffle(buildWords(specs), prng(9)));
    expect(out.text.split('\n')[0]).toBe('WUA-ZRB.6740.1.123.2019 Wrocław, dnia 14 marca 2019 r.');
  });

  it('lays out 5,000 words quickly', () => {
    const rnd = prng(10);
    const words = [];
    const text = Array.from({ length: 12000 }, (_, i) => ['budowa', 'działka', 'nr', '45/7', 'organ', 'ul.'][i % 6]).join(' ');
    const cols = wrap(text, 100);
    const left = cols.slice(0, 150);
    const right = cols.slice(150, 300);
    const opts = { ids: 'word' as const, charW: 0.004, h: 0.004 };
    words.push(...buildWords(stack(left, 0.05, 0.02, 0.006), opts));
    words.push(...buildWords(stack(right, 0.52, 0.02, 0.006), opts));
    const input = shuffle(words, rnd);
    expect(input.length).toBeGreaterThan(5000);
    const t0 = performance.now();
    const out = layoutPage(input);
    const ms = performance.now() - t0;
    expect(out.words.length).toBe(input.length);
    expect(out.text).toBe([left.join('\n'), right.join('\n')].join('\n\n'));
    expect(ms).toBeLessThan(2000);

    const rows = wrap(text, 210).slice(0, 140);
    const single = buildWords(stack(rows, 0.02, 0.02, 0.0068), { ids: 'word', charW: 0.0045, h: 0.0045 });
    expect(single.length).toBeGreaterThan(5000);
    const t1 = performance.now();
    const out2 = layoutPage(shuffle(single, rnd));
    expect(out2.text).toBe(rows.join('\n'));
    expect(performance.now() - t1).toBeLessThan(2000);
  });
});
