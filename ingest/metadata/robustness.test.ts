import { describe, expect, it } from 'vitest';
import { checkProvenance } from './testkit.js';
import type { MetaValue } from '../types.js';
import { extractMetadata, findDates, findParcels, findSignatures, fold } from './index.js';

type Page = { page: number; text: string };

describe('robustness', () => {
  it('never throws on odd input', () => {
    const bad: unknown[] = [
      undefined,
      null,
      42,
      'text',
      [null],
      [{}],
      [{ page: 'x', text: 5 }],
      [{ page: 1, text: '' }],
      [{ page: NaN, text: 'DECYZJA' }],
    ];
    for (const pages of bad) {
      expect(() => extractMetadata(pages as Page[])).not.toThrow();
      expect(() => extractMetadata(pages as Page[], { folderNames: [null, 5] as unknown as string[], caseOverride: 7 as unknown as string })).not.toThrow();
    }
    expect(extractMetadata([{ page: 1, text: '' }])).toEqual([]);
  });

  it('copes with random unicode, lone surrogates and control characters', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = 'aąbcćdeęfghijklłmnńoóprsśtuwyzźżAĄBCĆDEĘŁŃÓŚŹŻ0123456789 .,/-_:;()\n\t|§„”–\u00a0';
    for (let k = 0; k < 30; k++) {
      let s = '';
      for (let i = 0; i < 3000; i++) {
        const r = rnd(10);
        s += r < 7 ? alphabet[rnd(alphabet.length)] : String.fromCharCode(rnd(0x10000));
      }
      const pages = [{ page: 1, text: s }];
      const values = extractMetadata(pages, { folderNames: [s.slice(0, 200)] });
      checkProvenance(pages, values);
    }
  });

  it('handles 1 MB of text (random and repetitive) without blowing up', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = 'abcdeilnorsz ABDEIOSZ0123456789.,/-:\n';
    const chars: string[] = [];
    for (let i = 0; i < 1_000_000; i++) chars.push(alphabet[rnd(alphabet.length)] ?? ' ');
    const random = chars.join('');
    const pages = [{ page: 1, text: random }];
    checkProvenance(pages, extractMetadata(pages));

    const hostile = [
      'działka nr ' + '1, '.repeat(200_000),
      'ul. ' + 'Kwiatowa '.repeat(100_000),
      'Inwestor: ' + 'Jan '.repeat(200_000),
      'AB.' + '6740.'.repeat(200_000),
      'AB-'.repeat(300_000),
      ' '.repeat(1_000_000),
      '1.'.repeat(500_000),
      'D E C Y Z J A '.repeat(70_000),
      'obręb '.repeat(150_000),
      '14 marca 2019 '.repeat(70_000),
      'działka nr 45/7, AM-12, obręb Oporów, '.repeat(25_000),
      'Inwestor: Jan Kowalski i Anna Nowak, '.repeat(25_000),
      'Inwestor: ' + 'ABC '.repeat(250_000),
      'DECYZJA\n'.repeat(120_000),
      'A'.repeat(1_000_000),
      'dz. nr 1 '.repeat(100_000),
    ];
    for (const text of hostile) {
      const p = [{ page: 1, text }];
      checkProvenance(p, extractMetadata(p));
    }
  });

  it('fold keeps the length of any string', () => {
    const s = 'ĄĆĘŁŃÓŚŹŻ İ ß \ud800 x\udfff 😀 ǅ';
    expect(fold(s)).toHaveLength(s.length);
    expect(fold('Zażółć GĘŚLĄ jaźń')).toBe('zazolc gesla jazn');
  });

  it('finders are reusable on plain strings', () => {
    expect(findSignatures('sprawa WUA-ZRB.6740.1.123.2019').map((s) => s.value)).toEqual(['WUA-ZRB.6740.1.123.2019']);
    expect(findDates('z 14.03.2019').map((d) => d.value)).toEqual(['2019-03-14']);
    expect(findParcels('dz. 45/7').map((p) => p.value)).toEqual(['45/7']);
  });
});
