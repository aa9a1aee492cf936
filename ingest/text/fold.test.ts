import { describe, expect, it } from 'vitest';
import { foldForCompare, foldForIndex } from './fold.js';
import { prng } from './testkit.js';

describe('foldForIndex', () => {
  it('maps ł/Ł to l/L and nothing else', () => {
    expect(foldForIndex('Łódź, ul. Złota 5, Wrocław – źdźbło żółć')).toBe('Lódź, ul. Zlota 5, Wroclaw – źdźblo żólć');
    expect(foldForIndex('Łódź')).toBe('Lódź');
    expect(foldForIndex('gęślą jaźń ĄĆĘŃÓŚŹŻ')).toBe('gęślą jaźń ĄĆĘŃÓŚŹŻ');
    expect(foldForIndex('')).toBe('');
  });

  it('preserves UTF-16 length and every offset on random text', () => {
    const alphabet = ['ł', 'Ł', 'a', 'ą', ' ', '\n', '😀', 'e\u0301', 'İ', 'ß', 'Σ'];
    for (let seed = 1; seed <= 100; seed++) {
      const rnd = prng(seed);
      let s = '';
      for (let i = 0; i < 200; i++) s += alphabet[Math.floor(rnd() * alphabet.length)]!;
      const f = foldForIndex(s);
      expect(f.length).toBe(s.length);
      for (let i = 0; i < s.length; i++) {
        if (s[i] !== f[i]) expect(s[i]! + f[i]!).toMatch(/^(łl|ŁL)$/);
      }
    }
  });
});

describe('foldForCompare', () => {
  it('lowercases, strips Polish diacritics and collapses whitespace', () => {
    expect(foldForCompare('  ZAŻÓŁĆ  gęślą\n\tJAŹŃ  ')).toBe('zazolc gesla jazn');
    expect(foldForCompare('Ąą Ćć Ęę Łł Ńń Óó Śś Źź Żż')).toBe('aa cc ee ll nn oo ss zz zz');
  });

  it('treats decomposed and composed input alike', () => {
    expect(foldForCompare('wniosek o pozwolenie na budowe\u0328')).toBe(foldForCompare('wniosek o pozwolenie na budowę'));
  });
});
