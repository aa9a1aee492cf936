/**
 * Signatures written with look-alike characters — Unicode dashes, non-breaking hyphens and spaces,
 * full-width forms, Cyrillic or Greek letters in the prefix, invisible format characters — are
 * found and compared as the signature they show, and spans still point into the original text.
 */
import { describe, expect, it } from 'vitest';
import { findFolderSignatures, findSignatures, normaliseSignature, signatureKey } from './signature.js';
import { signatureView } from './signature-view.js';

const CANON = 'WUA-ZRB.6740.1.123.2019';

const WRITTEN: [name: string, text: string][] = [
  ['hyphen U+2010', 'WUA\u2010ZRB.6740.1.123.2019'],
  ['non-breaking hyphen U+2011', 'WUA\u2011ZRB.6740.1.123.2019'],
  ['figure dash U+2012', 'WUA\u2012ZRB.6740.1.123.2019'],
  ['en dash', 'WUA\u2013ZRB.6740.1.123.2019'],
  ['em dash', 'WUA\u2014ZRB.6740.1.123.2019'],
  ['minus sign', 'WUA\u2212ZRB.6740.1.123.2019'],
  ['full-width hyphen-minus', 'WUA\uff0dZRB.6740.1.123.2019'],
  ['small hyphen-minus', 'WUA\ufe63ZRB.6740.1.123.2019'],
  ['full-width throughout', 'ＷＵＡ－ＺＲＢ．６７４０．１．１２３．２０１９'],
  ['Cyrillic А, Greek Β in the prefix', 'WU\u0410-ZR\u0392.6740.1.123.2019'],
  ['NBSP around the dash', 'WUA\u00a0-\u00a0ZRB.6740.1.123.2019'],
  ['narrow NBSP after a dot', 'WUA-ZRB.\u202f6740.1.123.2019'],
  ['zero-width space in the prefix', 'WU\u200bA-ZRB.6740.1.123.2019'],
  ['soft hyphen in the prefix', 'WUA\u00ad-ZRB.6740.1.123.2019'],
  ['combining marks (NFD) elsewhere', 'Zako\u0301wek WUA\u2010ZRB.6740.1.123.2019'],
];

describe('signatures written with look-alike characters', () => {
  it.each(WRITTEN)('%s: found in page text with its original span', (_name, written) => {
    const text = `Znak sprawy: ${written}\nWrocław, dnia 12 marca 2019 r.`;
    const hits = findSignatures(text);
    expect(hits.map((h) => h.value)).toEqual([CANON]);
    expect(text.slice(hits[0]!.start, hits[0]!.end)).toBe(written.replace(/^Zako\u0301wek /, ''));
  });

  it.each(WRITTEN)('%s: normalised to the canonical signature, the same key as the plain form', (_name, written) => {
    const typed = written.replace(/^Zako\u0301wek /, '');
    expect(normaliseSignature(typed)).toBe(CANON);
    expect(signatureKey(typed)).toBe(signatureKey(CANON));
  });

  it('slash-style signatures and folder names with Unicode dashes', () => {
    expect(normaliseSignature('AB\u2013II/7353\u201012/456/09')).toBe('AB-II/7353-12/456/09');
    expect(findFolderSignatures('UA\u2010AB_7351_784_2010').map((h) => h.value)).toEqual(['UA-AB/7351/784/2010']);
    expect(normaliseSignature('UA\u2011AB_7351_784_2010')).toBe('UA-AB/7351/784/2010');
  });

  it('a sentence dash before a signature does not join a word to its prefix', () => {
    const text = 'Urząd \u2013 WUA-ZRB.6740.1.123.2019';
    expect(findSignatures(text).map((h) => h.value)).toEqual([CANON]);
  });

  it('values that are not signatures compare with look-alikes, case and spaces folded', () => {
    expect(signatureKey('Sprawa\u2010sporna\u00a0 12')).toBe(signatureKey('sprawa-sporna 12'));
    expect(signatureKey('sprawa 12')).not.toBe(signatureKey('sprawa 13'));
  });

  it('plain text passes through the view untouched', () => {
    const s = 'Decyzja nr 123/2019 — zażółć gęślą jaźń';
    const v = signatureView(s);
    expect(v.text).toBe('Decyzja nr 123/2019 - zażółć gęślą jaźń');
    expect(v.start(5)).toBe(5);
    expect(signatureView('zażółć').text).toBe('zażółć');
  });
});
