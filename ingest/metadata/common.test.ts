import { describe, expect, it } from 'vitest';
import { fold } from './common.js';

describe('fold (what every metadata extractor matches on)', () => {
  it('lower-cases and strips Polish diacritics, ł included', () => {
    expect(fold('ZAŻÓŁĆ GĘŚLĄ JAŹŃ — Łódź, ul. Świętokrzyska')).toBe('zazolc gesla jazn — lodz, ul. swietokrzyska');
  });

  it('keeps every offset: same length, even with a byte-order mark, emoji or a lone surrogate', () => {
    for (const s of ['\uFEFFDecyzja nr 1', 'Znak: WUA 📄 6740', 'x\uD800y', '', 'İstanbul']) {
      const f = fold(s);
      expect(f.length).toBe(s.length);
      expect(f.indexOf('decyzja') === -1 || s.toLowerCase().indexOf('decyzja') === f.indexOf('decyzja')).toBe(true);
    }
    expect(fold('\uFEFFDecyzja').slice(1)).toBe('decyzja');
    expect(fold('📄')).toBe('📄');
  });
});
