import { describe, expect, it } from 'vitest';
import type { RawWord } from '../types.js';
import { layoutPage } from './layout.js';
import { buildWords, offsetProblems, prng, shuffle, stack, VOCAB, type LineSpec } from './testkit.js';

const ODD = ['', ' ', '\t', 'a b', 'ul.\u00A0Długa', 'x\u00AD', '\u00AD', 'bu\u00ADdo\u00ADwa', 'e\u0328', '\u200B', '😀z', 'ﬁ', '-', '¬', '–', 'a\nb', 'Ż-'];

function pick<T>(xs: readonly T[], rnd: () => number): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

function randomNumber(rnd: () => number): number {
  const r = rnd();
  if (r < 0.03) return NaN;
  if (r < 0.04) return Infinity;
  if (r < 0.05) return -0.2;
  return rnd();
}

/** Chaotic input: random texts and boxes, broken numbers, random ids. */
function chaos(rnd: () => number): RawWord[] {
  const n = Math.floor(rnd() * 300);
  return Array.from({ length: n }, () => {
    const x0 = randomNumber(rnd);
    const y0 = randomNumber(rnd);
    const zero = rnd() < 0.1;
    return {
      text: rnd() < 0.3 ? pick(ODD, rnd) : pick(VOCAB, rnd),
      box: { x0, y0, x1: zero ? x0 : x0 + rnd() * 0.1, y1: zero ? y0 : y0 + rnd() * 0.03 },
      confidence: rnd() * 100,
      line: rnd() < 0.05 ? NaN : Math.floor(rnd() * 20),
      ...(rnd() < 0.5 ? { block: Math.floor(rnd() * 3) } : {}),
    };
  });
}

/** Plausible page: one or two columns of lines with random vocabulary and hyphenations. */
function structured(rnd: () => number): { words: RawWord[]; tokens: number } {
  const cols = rnd() < 0.5 ? 1 : 2;
  const specs: LineSpec[] = [];
  const nLines = 3 + Math.floor(rnd() * 40);
  for (let c = 0; c < cols; c++) {
    const texts = Array.from({ length: nLines }, () => {
      const k = 1 + Math.floor(rnd() * (cols === 1 ? 10 : 5));
      const ws = Array.from({ length: k }, () => pick(VOCAB, rnd));
      if (rnd() < 0.2) ws.push(pick(['budow-', 'nieru\u00AD', 'dzia¬', '54-', 'Skłodowskiej-'], rnd));
      return ws.join(' ');
    });
    const x0 = cols === 1 ? 0.05 : c === 0 ? 0.05 : 0.53;
    specs.push(...stack(texts, x0, 0.05, 0.02));
  }
  const ids = pick(['line', 'word', 'run'] as const, rnd);
  const words = buildWords(specs, { ids, charW: cols === 1 ? 0.006 : 0.003 });
  const tokens = specs.reduce((s, l) => s + l.text.split(' ').length, 0);
  return { words, tokens };
}

function checkInvariants(out: ReturnType<typeof layoutPage>) {
  expect(offsetProblems(out.text, out.words)).toEqual([]);
  expect(out.text).toBe(out.text.trim());
  expect(out.text).not.toMatch(/ {2}|\n{3}| \n|\n /);
  expect(out.text).toBe(out.text.normalize('NFC'));
  const glued = out.words.map((w) => out.text.slice(w.start, w.end)).join('');
  expect(out.text.replace(/\s+/g, '')).toBe(glued);
  const badBoxes = out.words.filter(
    ({ box: b }) => !(b.x0 >= 0 && b.x0 <= b.x1 && b.x1 <= 1 && b.y0 >= 0 && b.y0 <= b.y1 && b.y1 <= 1),
  );
  expect(badBoxes).toEqual([]);
}

describe('layoutPage: properties over random input', () => {
  it('keeps offset invariants on chaotic input', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const rnd = prng(seed);
      const out = layoutPage(chaos(rnd));
      checkInvariants(out);
    }
  });

  it('is independent of input order and keeps every word on plausible pages', () => {
    for (let seed = 1000; seed < 1100; seed++) {
      const rnd = prng(seed);
      const { words, tokens } = structured(rnd);
      const a = layoutPage(shuffle(words, rnd));
      const b = layoutPage(shuffle(words, rnd));
      checkInvariants(a);
      expect(b.text).toBe(a.text);
      expect(a.words).toHaveLength(tokens);
    }
  });
});
