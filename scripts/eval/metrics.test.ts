import { describe, expect, it } from 'vitest';
import {
  citationDistanceRatio, citationValid, judgedRanking, mean, mrrAt, ndcgAt, noAnswerStrict, noAnswerSuccess, notFoundMatches,
  percentile, recallAt, scoreRanking, substringDistance, unmetMatches,
} from './metrics.js';

const set = (...xs: string[]) => new Set(xs);

describe('ranking metrics (hand-computed)', () => {
  const rel = set('a', 'b', 'c');

  it('recall@k divides by min(|relevant|, k)', () => {
    expect(recallAt(['x', 'a', 'y', 'b'], rel, 10)).toBeCloseTo(2 / 3, 10);
    expect(recallAt(['x', 'a', 'y', 'b'], rel, 2)).toBe(0.5); // one hit over min(3, 2)
    const twelve = Array.from({ length: 12 }, (_, i) => `r${i}`);
    expect(recallAt(twelve, new Set(twelve), 10)).toBe(1); // 10 of 12 found is all that fits
    expect(recallAt([], rel, 10)).toBe(0);
  });

  it('MRR@k is the reciprocal rank of the first relevant within k', () => {
    expect(mrrAt(['x', 'y', 'a', 'b'], rel, 10)).toBeCloseTo(1 / 3, 10);
    expect(mrrAt(['a'], rel, 10)).toBe(1);
    expect(mrrAt(['x', 'y', 'a'], rel, 2)).toBe(0);
    expect(mrrAt(['x', 'y'], rel, 10)).toBe(0);
  });

  it('nDCG@k with binary gains', () => {
    // DCG = 1/log2(3) + 1/log2(5) = 0.630930 + 0.430677; IDCG = 1 + 0.630930 + 0.5
    expect(ndcgAt(['x', 'a', 'y', 'b'], rel, 10)).toBeCloseTo(1.061606 / 2.130930, 5);
    expect(ndcgAt(['a', 'b', 'c'], rel, 10)).toBeCloseTo(1, 10);
    expect(ndcgAt(['c', 'b', 'a', 'x'], rel, 10)).toBeCloseTo(1, 10);
    // Ideal for k = 1 is one relevant at rank 1.
    expect(ndcgAt(['x', 'a'], rel, 1)).toBe(0);
    expect(ndcgAt(['a', 'x'], rel, 1)).toBe(1);
    expect(ndcgAt(['x', 'y', 'z'], rel, 10)).toBe(0);
  });

  it('refuses to score a question without relevant documents or with a bad k', () => {
    expect(() => recallAt(['a'], set(), 10)).toThrow(/relevant/);
    expect(() => ndcgAt(['a'], rel, 0)).toThrow(/k must be/);
  });

  it('removes repeats and neutral documents before cutting at k', () => {
    expect(judgedRanking(['n', 'a', 'a', 'x', 'n', 'b'], ['n'])).toEqual(['a', 'x', 'b']);
    // The neutral file at rank 1 neither counts as a miss nor pushes "a" below the cut.
    const s = scoreRanking(['n', 'x', 'a'], ['a'], ['n'], 2);
    expect(s).toEqual({ recall: 1, mrr: 0.5, ndcg: expect.closeTo(1 / Math.log2(3), 10) });
    // Without the neutral list the same ranking misses at k = 2.
    expect(scoreRanking(['n', 'x', 'a'], ['a'], [], 2)).toEqual({ recall: 0, mrr: 0, ndcg: 0 });
    // A repeated relevant file is counted once.
    expect(scoreRanking(['a', 'a', 'a'], ['a', 'b'], [], 10).recall).toBe(0.5);
  });
});

describe('no-answer scoring', () => {
  it('succeeds on no results, on notFound, or on only low-confidence results', () => {
    expect(noAnswerSuccess({ results: [] })).toBe(true);
    expect(noAnswerSuccess({ results: [{ confidence: 'high' }], notFound: [{ kind: 'parcel', value: '99/9' }] })).toBe(true);
    expect(noAnswerSuccess({ results: [{ confidence: 'low' }, { confidence: 'low' }] })).toBe(true);
    expect(noAnswerSuccess({ results: [{ confidence: 'low' }, { confidence: 'medium' }] })).toBe(false);
    expect(noAnswerSuccess({ results: [{}] })).toBe(false); // no confidence: counted as confident
    expect(noAnswerSuccess({ results: [{ confidence: 'low' }], notFound: [] })).toBe(true);
    expect(noAnswerSuccess({ results: [{ confidence: 'high' }], notFound: [] })).toBe(false);
  });

  it('counts "nothing meets every condition" (partial) as honest, but not strictly', () => {
    const partial = { unmet: [{ kind: 'precinct', value: 'Oporów' }] };
    const confident = [{ confidence: 'high' as const }, { confidence: 'medium' as const }];
    expect(noAnswerSuccess({ results: confident, partial })).toBe(true);
    expect(noAnswerStrict({ results: confident, partial })).toBe(false);
    expect(noAnswerSuccess({ results: confident })).toBe(false);
    expect(noAnswerSuccess({ results: confident, partial: { unmet: [] } })).toBe(true);
    // Without partial both agree.
    for (const a of [{ results: [] }, { results: [{ confidence: 'low' as const }] }, { results: confident }]) {
      expect(noAnswerStrict(a)).toBe(noAnswerSuccess(a));
    }
  });

  it('checks that partial names a condition the closest documents miss, by kind', () => {
    const exp = [{ kind: 'precinct', value: 'obręb Oporów' }, { kind: 'object', value: 'dom jednorodzinny' }];
    expect(unmetMatches({ unmet: [{ kind: 'precinct', value: 'Oporów' }] }, exp)).toBe(true);
    expect(unmetMatches({ unmet: [{ kind: 'period', value: '2002' }] }, exp)).toBe(false);
    expect(unmetMatches(undefined, exp)).toBe(false);
    // The type of document and its outcome are one condition ("odmowa").
    expect(unmetMatches({ unmet: [{ kind: 'outcome', value: 'odmowa' }] }, [{ kind: 'docType', value: 'odmowa pozwolenia na budowę' }])).toBe(true);
    expect(unmetMatches({ unmet: [{ kind: 'docType', value: 'x' }] }, [])).toBe(false);
  });

  it('checks that notFound names the expected identifiers, folded', () => {
    const exp = [{ kind: 'address', value: 'ul. Bursztynowa 7' }];
    expect(notFoundMatches([{ kind: 'address', value: 'UL.  bursztynowa 7' }], exp)).toBe(true);
    expect(notFoundMatches([{ kind: 'investor', value: 'ul. Bursztynowa 7' }], exp)).toBe(false);
    expect(notFoundMatches(undefined, exp)).toBe(false);
    expect(notFoundMatches([{ kind: 'parcel', value: '99/9' }], [])).toBe(false);
  });
});

/** Plain O(m·n) dynamic programme with a free start and end in the text. */
function naive(p: string, t: string): number {
  const a = Array.from(p);
  const b = Array.from(t);
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return Math.min(...prev);
}

describe('substringDistance', () => {
  it('finds the closest substring', () => {
    expect(substringDistance('abc', 'xxabcxx')).toBe(0);
    expect(substringDistance('abc', 'xxabxx')).toBe(1);
    expect(substringDistance('kitten', 'sitting')).toBe(2);
    expect(substringDistance('', 'abc')).toBe(0);
    expect(substringDistance('abc', '')).toBe(3);
    expect(substringDistance('ąę', 'xąęx')).toBe(0); // code points, not bytes
  });

  it('agrees with the plain dynamic programme across 32-row block boundaries', () => {
    let s = 12345;
    const rnd = (n: number) => ((s = (s * 1103515245 + 12345) >>> 0) % n);
    const alphabet = 'abcłó ';
    const word = (n: number) => Array.from({ length: n }, () => alphabet[rnd(alphabet.length)]).join('');
    for (let trial = 0; trial < 300; trial++) {
      const p = word(1 + rnd(80));
      const t = rnd(4) === 0 ? `${word(rnd(40))}${p.slice(rnd(5))}${word(rnd(40))}` : word(rnd(150));
      expect(substringDistance(p, t), `${p} | ${t}`).toBe(naive(p, t));
    }
  });
});

describe('citation validity', () => {
  const page = 'Otrzymują:\n1. Łukasz Jabłoński, ul. Rękodzielnicza 24b/22, 54-042 Wrocław\nDECYZJA o pozwoleniu na budowę';

  it('accepts a verbatim quote with case, whitespace and diacritics folded', () => {
    expect(citationDistanceRatio('łukasz  JABŁOŃSKI,\nul. rekodzielnicza', page)).toBe(0);
    expect(citationValid('Lukasz Jablonski', page, 0)).toBe(true);
  });

  it('tolerates OCR noise up to the stated edit-distance ratio', () => {
    // One substitution (l → I) in 30 folded characters.
    const quote = 'decyzja o pozwoIeniu na budowe';
    expect(citationDistanceRatio(quote, page)).toBeCloseTo(1 / 30, 10);
    expect(citationValid(quote, page, 0.1)).toBe(true);
    expect(citationValid(quote, page, 0.02)).toBe(false);
  });

  it('rejects a quote from another page and an empty quote', () => {
    expect(citationValid('odmawiam zatwierdzenia projektu budowlanego', page, 0.1)).toBe(false);
    expect(citationDistanceRatio('  ', page)).toBe(1);
    expect(citationValid('', page, 0.1)).toBe(false);
  });
});

describe('summaries', () => {
  it('nearest-rank percentiles and mean', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(mean([])).toBeNaN();
  });
});
