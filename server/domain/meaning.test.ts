import { describe, expect, it } from 'vitest';
import type { ChunkHit } from './types.js';
import { meaningOf, MIN_HITS } from './meaning.js';

const hits = (scores: number[], doc = (i: number) => `d${i}`): ChunkHit[] =>
  scores.map((score, i) => ({ chunkId: `c${i}`, documentId: doc(i), page: 1, start: 0, end: 10, score }));

/** 30 nearest chunks of a question, spread around `mean`, and one that stands `lead` above them. */
function list(mean: number, spread: number, lead: number): number[] {
  const rest = Array.from({ length: 30 }, (_, i) => mean + spread * Math.sin(i * 1.7));
  return [mean + lead, ...rest];
}

describe('how far a document stands out by meaning', () => {
  it('reads the same from crowded real-model similarities and from spread-out hashing ones', () => {
    // e5: everything 0.80–0.84; hashing: 0.05–0.45. Same shape, different scale and offset.
    const real = meaningOf(hits(list(0.82, 0.01, 0.05)));
    const hashing = meaningOf(hits(list(0.25, 0.1, 0.5)));
    expect(real.get('d0')).toBeCloseTo(hashing.get('d0')!, 5);
    expect(real.get('d0')).toBeGreaterThan(0.9);
    // Elasticsearch reports cosine as (1 + cos) / 2: the reading does not change.
    const es = meaningOf(hits(list(0.82, 0.01, 0.05).map((s) => (1 + s) / 2)));
    expect(es.get('d0')).toBeCloseTo(real.get('d0')!, 5);
  });

  it('gives nothing to a document no better than the question\'s usual neighbours', () => {
    const m = meaningOf(hits(list(0.82, 0.01, 0.05)));
    const ordinary = [...m.entries()].filter(([d]) => d !== 'd0').map(([, v]) => v);
    expect(Math.min(...ordinary)).toBe(0);
    expect(Math.max(...ordinary)).toBeLessThan(0.3);
  });

  it('reads against the archive at large when its background is known, whatever the hits around it', () => {
    // Over 4 spreads above the archive: full meaning, though the other hits crowd just below it.
    const m = meaningOf(hits([0.885, 0.884, 0.883]), { mean: 0.82, spread: 0.015 });
    expect(m.get('d0')).toBe(1);
    // One spread above the archive: nothing.
    expect(meaningOf(hits([0.834]), { mean: 0.82, spread: 0.015 }).get('d0')).toBe(0);
  });

  it('takes a document\'s best chunk', () => {
    const m = meaningOf(hits(list(0.82, 0.01, 0.05), (i) => (i === 0 || i === 5 ? 'same' : `d${i}`)));
    expect(m.get('same')).toBeGreaterThan(0.9);
  });

  it('says nothing from too few hits or from identical similarities', () => {
    expect(meaningOf(hits(list(0.8, 0.01, 0.05).slice(0, MIN_HITS - 1))).size).toBe(0);
    expect(meaningOf(hits(Array.from({ length: 20 }, () => 0.8))).size).toBe(0);
  });
});
