import { describe, expect, it } from 'vitest';
import { keywordQuery, tokenize } from './polish.js';

describe('personal numbers in a question', () => {
  it('are one token however they are written, with their digits and capitals as the value', () => {
    for (const [q, written, value] of [
      ['PESEL 850101-12345?', '850101-12345', '85010112345'],
      ['kto ma 850 101 123 45', '850 101 123 45', '85010112345'],
      ['dowód aba-300000', 'aba-300000', 'ABA300000'],
    ] as const) {
      expect(tokenize(q).filter((t) => t.kind === 'personal').map((t) => [t.text, t.value]), q).toEqual([[written, value]]);
    }
  });

  it('search every common written form of the number: glued and split as documents split it', () => {
    expect(keywordQuery('85.01.01.123.45', 'all').terms).toEqual([
      { forms: [{ text: '85010112345' }, { text: '850101 12345' }, { text: '850 101 123 45' }, { text: '85 01 01 123 45' }] },
    ]);
    expect(keywordQuery('ABA 300000', 'all').terms).toEqual([{ forms: [{ text: 'aba300000' }, { text: 'aba 300000' }] }]);
    // Stop words between the halves are dropped, so the halves meet again as one number.
    expect(keywordQuery('770707 i 11118', 'all').terms.map((t) => t.forms[0]!.text).join(' ')).toBe('770707 11118');
  });
});
