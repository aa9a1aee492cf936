import { describe, expect, it } from 'vitest';
import { cer, levenshtein, normaliseForMetrics, wer } from './metrics.js';
import { prng } from './testkit.js';

/** Reference implementation: full DP. */
function naive<T>(a: readonly T[], b: readonly T[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

describe('levenshtein', () => {
  it('matches known distances', () => {
    expect(levenshtein([...'kitten'], [...'sitting'])).toBe(3);
    expect(levenshtein([], [...'abc'])).toBe(3);
    expect(levenshtein([...'abc'], [])).toBe(3);
    expect(levenshtein([...'budowlany'], [...'budowlany'])).toBe(0);
  });

  it('agrees with the naive DP on random sequences across block sizes', () => {
    const rnd = prng(42);
    const lengths = [1, 2, 31, 32, 33, 63, 64, 65, 100, 130];
    for (let t = 0; t < 300; t++) {
      const sigma = 1 + Math.floor(rnd() * 6);
      const gen = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * sigma));
      const n = lengths[Math.floor(rnd() * lengths.length)]!;
      const m = rnd() < 0.5 ? n : Math.floor(rnd() * 150);
      const a = gen(n);
      // Often a mutated copy, so that distances are small as in OCR comparisons.
      const b = rnd() < 0.5 ? gen(m) : a.map((x) => (rnd() < 0.1 ? (x + 1) % sigma : x)).filter(() => rnd() > 0.05);
      expect(levenshtein(a, b)).toBe(naive(a, b));
    }
  });
});

describe('cer / wer', () => {
  const REF = 'Na podstawie art. 28 ustawy z dnia 7 lipca 1994 r. – Prawo budowlane';

  it('normalises whitespace and Unicode before comparing', () => {
    expect(normaliseForMetrics('  a\n\t b  ')).toBe('a b');
    expect(cer(REF, `  ${REF.replace(/ /g, '\n ')}  `)).toBe(0);
    expect(cer('budowę', 'budowe\u0328')).toBe(0);
    expect(wer(REF, REF)).toBe(0);
  });

  it('computes typical OCR errors', () => {
    const hyp = 'Na podstawie art. 28 ustawy z dnia 7 Iipca 1994 r. - Prawo budow1ane';
    // Three substitutions: l->I, – -> -, l->1.
    expect(cer(REF, hyp)).toBeCloseTo(3 / REF.length, 10);
    // Three of 14 reference words are wrong.
    expect(wer(REF, hyp)).toBeCloseTo(3 / 14, 10);
    expect(wer('wniosek o pozwolenie', 'wniosek pozwolenie na')).toBeCloseTo(2 / 3, 10);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(cer('a😀b', 'ab')).toBeCloseTo(1 / 3, 10);
  });

  it('handles empty strings', () => {
    expect(cer('', '')).toBe(0);
    expect(cer('', 'x')).toBe(1);
    expect(cer('abc', '')).toBe(1);
    expect(wer('  ', ' ')).toBe(0);
    expect(wer('a b', '')).toBe(1);
  });

  it('is fast on 10k-character pages', () => {
    const rnd = prng(7);
    const letters = 'aąbcćdeęfghijklłmnńoóprsśtuwyzźż     ';
    const ref = Array.from({ length: 10_000 }, () => letters[Math.floor(rnd() * letters.length)]).join('');
    const hyp = [...ref].map((c) => (rnd() < 0.05 ? 'x' : c)).join('');
    const t0 = performance.now();
    const v = cer(ref, hyp);
    expect(v).toBeGreaterThan(0);
    expect(v).toBeLessThan(0.1);
    const unrelated = Array.from({ length: 10_000 }, () => letters[Math.floor(rnd() * letters.length)]).join('');
    expect(cer(ref, unrelated)).toBeGreaterThan(0.3);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
