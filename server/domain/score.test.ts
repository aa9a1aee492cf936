import { describe, expect, it } from 'vitest';
import { confidenceOf, documentScore, type ScoreInput } from './score.js';

const none = { matched: 0, total: 0 };
const noConditions = { yes: 0, no: 0, unknown: 0 };
const input = (over: Partial<ScoreInput>): ScoreInput => ({
  identifiers: none,
  conditions: noConditions,
  words: none,
  fusion: 0,
  ...over,
});

describe('documentScore', () => {
  it('is 1 for a document matching everything asked, whatever the number of searches', () => {
    expect(documentScore(input({ identifiers: { matched: 1, total: 1 }, words: { matched: 3, total: 3 }, fusion: 1 }))).toBe(1);
    expect(documentScore(input({ words: { matched: 5, total: 5 }, fusion: 1 }))).toBe(1);
  });

  it('stays in [0, 1] for any input, including nonsense', () => {
    const odd = [Number.NaN, -1, 7, Infinity];
    for (const f of odd) {
      const s = documentScore(input({ words: { matched: f, total: 2 }, fusion: f }));
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
  });

  it('ranks a document naming the identifier above one that only shares words', () => {
    const named = documentScore(input({ identifiers: { matched: 1, total: 1 }, words: { matched: 1, total: 3 }, fusion: 0.3 }));
    const wordy = documentScore(input({ identifiers: { matched: 0, total: 1 }, words: { matched: 3, total: 3 }, fusion: 1 }));
    expect(named).toBeGreaterThan(wordy);
  });

  it('caps documents found by rank alone at 0.5', () => {
    expect(documentScore(input({ fusion: 1 }))).toBe(0.5);
    expect(documentScore(input({ fusion: 0.2 }))).toBe(0.1);
  });

  it('is monotonic in each coverage', () => {
    let prev = -1;
    for (let m = 0; m <= 4; m++) {
      const s = documentScore(input({ conditions: { yes: m, no: 4 - m, unknown: 0 }, words: { matched: 1, total: 2 }, fusion: 0.5 }));
      expect(s).toBeGreaterThan(prev);
      prev = s;
    }
  });

  it('puts a document that does not show a condition between one that meets it and one that contradicts it', () => {
    const of = (conditions: ScoreInput['conditions']) => documentScore(input({ conditions, words: { matched: 1, total: 1 }, fusion: 0.5 }));
    const met = of({ yes: 2, no: 0, unknown: 0 });
    const silent = of({ yes: 1, no: 0, unknown: 1 });
    const contradicted = of({ yes: 1, no: 1, unknown: 0 });
    expect(met).toBeGreaterThan(silent);
    expect(silent).toBeGreaterThan(contradicted);
  });

  it('does not let a near miss score like an answer: one contradicted condition of four costs more than a quarter', () => {
    const words = { matched: 3, total: 3 };
    const answer = documentScore(input({ conditions: { yes: 4, no: 0, unknown: 0 }, words, fusion: 1 }));
    const nearMiss = documentScore(input({ conditions: { yes: 3, no: 1, unknown: 0 }, words, fusion: 1 }));
    expect(answer).toBe(1);
    // An average would give 0.875 (one condition of four, a quarter of the weight); the near miss reads as one.
    expect(nearMiss).toBeLessThan(0.6);
    expect(confidenceOf(nearMiss, input({ conditions: { yes: 3, no: 1, unknown: 0 }, words, fusion: 1 }))).toBe('low');
  });

  it('keeps a document naming the asked investor above another investor\'s document of the asked type', () => {
    const named = documentScore(input({ identifiers: { matched: 1, total: 1 }, conditions: { yes: 0, no: 1, unknown: 0 }, words: { matched: 1, total: 2 }, fusion: 0.6 }));
    const otherParty = documentScore(input({ identifiers: { matched: 0, total: 1 }, conditions: { yes: 1, no: 0, unknown: 0 }, words: { matched: 2, total: 2 }, fusion: 1 }));
    expect(named).toBeGreaterThan(otherParty);
  });
});

describe('confidenceOf', () => {
  it('maps score bands', () => {
    const i = input({ words: { matched: 1, total: 1 } });
    expect(confidenceOf(0.9, i)).toBe('high');
    expect(confidenceOf(0.75, i)).toBe('high');
    expect(confidenceOf(0.5, i)).toBe('medium');
    expect(confidenceOf(0.2, i)).toBe('low');
  });
  it('is low when the question names identifiers and the document names none of them', () => {
    expect(confidenceOf(0.99, input({ identifiers: { matched: 0, total: 2 } }))).toBe('low');
    expect(confidenceOf(0.99, input({ identifiers: { matched: 1, total: 2 } }))).toBe('high');
  });
  it('is low when the document contradicts a condition (another year, another type), whatever its score', () => {
    expect(confidenceOf(0.99, input({ conditions: { yes: 2, no: 1, unknown: 0 } }))).toBe('low');
  });
  it('is high only when every condition is shown to be met', () => {
    expect(confidenceOf(0.9, input({ conditions: { yes: 2, no: 0, unknown: 0 } }))).toBe('high');
    expect(confidenceOf(0.9, input({ conditions: { yes: 1, no: 0, unknown: 1 } }))).toBe('medium');
  });
});

describe('meaning', () => {
  const paraphrase = input({ words: { matched: 1, total: 5 }, fusion: 0.8, meaning: 1 });
  it('counts for the topic when the document says it in other words', () => {
    expect(documentScore(paraphrase)).toBeGreaterThan(documentScore({ ...paraphrase, meaning: undefined }) + 0.3);
    // Never below what the words alone show.
    expect(documentScore({ ...paraphrase, words: { matched: 5, total: 5 }, meaning: 0 })).toBe(documentScore({ ...paraphrase, words: { matched: 5, total: 5 }, meaning: undefined }));
  });
  it('lifts a result to a medium match at most', () => {
    expect(confidenceOf(documentScore({ ...paraphrase, meaning: undefined }), { ...paraphrase, meaning: undefined })).toBe('low');
    expect(documentScore(paraphrase)).toBeGreaterThanOrEqual(0.75);
    expect(confidenceOf(documentScore(paraphrase), paraphrase)).toBe('medium');
  });
  it('never rescues a document that contradicts the question', () => {
    const other = { ...paraphrase, conditions: { yes: 0, no: 1, unknown: 0 } };
    expect(confidenceOf(documentScore(other), other)).toBe('low');
  });
});
