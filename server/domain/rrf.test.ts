import { describe, expect, it } from 'vitest';
import { maxRrfScore, rrf } from './rrf.js';

describe('rrf', () => {
  it('returns nothing for no lists or empty lists', () => {
    expect(rrf([])).toEqual([]);
    expect(rrf([{ name: 'a', ids: [] }])).toEqual([]);
  });

  it('scores one list by 1 / (k + rank)', () => {
    const out = rrf([{ name: 'kw', ids: ['x', 'y', 'z'] }], 60);
    expect(out.map((f) => f.id)).toEqual(['x', 'y', 'z']);
    expect(out[0]!.score).toBeCloseTo(1 / 61, 12);
    expect(out[2]!.score).toBeCloseTo(1 / 63, 12);
    expect(out[1]!.ranks).toEqual({ kw: 2 });
  });

  it('puts an id found by two searches above ids found by one', () => {
    const out = rrf([
      { name: 'kw', ids: ['a', 'b', 'c'] },
      { name: 'vec', ids: ['d', 'c', 'e'] },
    ]);
    expect(out[0]!.id).toBe('c');
    expect(out[0]!.score).toBeCloseTo(1 / 63 + 1 / 62, 12);
    expect(out[0]!.ranks).toEqual({ kw: 3, vec: 2 });
    expect(out).toHaveLength(5);
  });

  it('ignores duplicates inside a list (the first occurrence counts)', () => {
    const out = rrf([{ name: 'kw', ids: ['a', 'a', 'b'] }]);
    expect(out.map((f) => [f.id, f.ranks.kw])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('breaks ties deterministically: best rank, then list count, then id', () => {
    // 'a' is 1st and 3rd; 'b' is 2nd and 2nd: equal sums at k = 0? 1/1+1/3 vs 1/2+1/2 differ, so use symmetric lists.
    const out = rrf([
      { name: 'x', ids: ['a', 'b'] },
      { name: 'y', ids: ['b', 'a'] },
    ]);
    expect(out[0]!.score).toBeCloseTo(out[1]!.score, 12);
    expect(out.map((f) => f.id)).toEqual(['a', 'b']);
    const single = rrf([
      { name: 'x', ids: ['q'] },
      { name: 'y', ids: ['p'] },
    ]);
    expect(single.map((f) => f.id)).toEqual(['p', 'q']);
  });

  it('is independent of the order of the lists', () => {
    const lists = [
      { name: 'a', ids: ['1', '2', '3', '4'] },
      { name: 'b', ids: ['4', '3', '9'] },
      { name: 'c', ids: ['2', '9'] },
    ];
    const one = rrf(lists).map((f) => [f.id, f.score]);
    const two = rrf([...lists].reverse()).map((f) => [f.id, f.score]);
    expect(two).toEqual(one);
  });

  it('applies list weights', () => {
    const out = rrf([
      { name: 'kw', ids: ['a'] },
      { name: 'id', ids: ['b'], weight: 2 },
    ]);
    expect(out[0]!.id).toBe('b');
    expect(out[0]!.score).toBeCloseTo(2 / 61, 12);
  });

  it('keeps the better rank when a list name repeats', () => {
    const out = rrf([
      { name: 'kw', ids: ['z', 'a'] },
      { name: 'kw', ids: ['a'] },
    ]);
    expect(out.find((f) => f.id === 'a')!.ranks).toEqual({ kw: 1 });
  });

  it('rejects a bad k or weight', () => {
    expect(() => rrf([], -1)).toThrow(RangeError);
    expect(() => rrf([], Number.NaN)).toThrow(RangeError);
    expect(() => rrf([{ name: 'a', ids: ['x'], weight: -1 }])).toThrow(RangeError);
  });

  it('never scores above maxRrfScore', () => {
    const lists = [
      { name: 'a', ids: ['1', '2'] },
      { name: 'b', ids: ['1'] },
      { name: 'c', ids: [] as string[] },
    ];
    const max = maxRrfScore(lists);
    expect(max).toBeCloseTo(2 / 61, 12);
    for (const f of rrf(lists)) expect(f.score).toBeLessThanOrEqual(max + 1e-12);
    expect(rrf(lists)[0]!.score).toBeCloseTo(max, 12);
  });

  it('handles many lists and ids', () => {
    const lists = Array.from({ length: 10 }, (_, i) => ({
      name: `l${i}`,
      ids: Array.from({ length: 100 }, (_, j) => String((j * (i + 1)) % 100)),
    }));
    const out = rrf(lists);
    expect(new Set(out.map((f) => f.id)).size).toBe(out.length);
    for (let i = 1; i < out.length; i++) expect(out[i - 1]!.score).toBeGreaterThanOrEqual(out[i]!.score);
  });
});
