import { describe, expect, it } from 'vitest';
import type { ChunkHit, ChunkRecord, KeywordQuery, PageRecord } from '../domain/types.js';
import { keywordQuery } from '../search/polish.js';
import { maskIdentifiers } from '../security/masking.js';
import { hitsOutsideIdentifiers, matchesOutsideIdentifiers, mayTouchIdentifier, similarityQuery } from './masked-search.js';

const PAGE = 'Pełnomocnictwo. Mocodawca Maria Nowak, PESEL 770707 11118, dowód osobisty AXB-912345. Działka nr 12/3, tel. 71 770 70 70.';
const all = (text: string): KeywordQuery => keywordQuery(text, 'all');
const any = (text: string): KeywordQuery => keywordQuery(text, 'any');

describe('matching a chunk outside identifiers', () => {
  const masked = maskIdentifiers(PAGE);

  it('does not match the digits or the series of an identifier, whole or in part', () => {
    for (const q of ['770707', '11118', '770707 11118', 'pesel 770707', 'axb', '912345', 'axb 912345', 'nowak 770707']) {
      expect(matchesOutsideIdentifiers(masked, all(q)), q).toBe(false);
    }
    expect(matchesOutsideIdentifiers(masked, any('770707 11118'))).toBe(false);
  });

  it('matches every other word and number of the page as the word index does', () => {
    for (const q of ['pełnomocnictwo nowak', '12/3', 'działka 12/3', '71 770 70 70', 'dowód osobisty', 'pesel']) {
      expect(matchesOutsideIdentifiers(masked, all(q)), q).toBe(true);
    }
    expect(matchesOutsideIdentifiers(masked, any('770707 nowak'))).toBe(true);
  });

  it('checks only terms that could lie inside an identifier', () => {
    expect(all('pełnomocnictwo dla budynku').terms.some(mayTouchIdentifier)).toBe(false);
    expect(all('770707').terms.every(mayTouchIdentifier)).toBe(true);
    expect(all('AXB').terms.every(mayTouchIdentifier)).toBe(true);
  });
});

describe('keyword hits for a role that may not see identifiers', () => {
  // A chunk that cuts the PESEL in half: on its own, "770707" is not recognisable as part of one.
  const cut = PAGE.indexOf('11118');
  const chunks: ChunkRecord[] = [
    { chunkId: 'a', documentId: '1', page: 1, start: 0, end: cut, text: PAGE.slice(0, cut) },
    { chunkId: 'b', documentId: '1', page: 1, start: cut, end: PAGE.length, text: PAGE.slice(cut) },
  ];
  const hit = (c: ChunkRecord): ChunkHit => ({ chunkId: c.chunkId, documentId: c.documentId, page: c.page, start: c.start, end: c.end, score: 1 });
  const read = {
    chunks: async (ids: string[]) => chunks.filter((c) => ids.includes(c.chunkId)),
    page: async (doc: string, n: number): Promise<PageRecord | null> => (doc === '1' && n === 1 ? ({ text: PAGE } as PageRecord) : null),
  };

  it('drops a hit that matched only inside an identifier, even one its chunk cuts in half', async () => {
    expect(await hitsOutsideIdentifiers(chunks.map(hit), all('770707'), read)).toEqual([]);
    expect(await hitsOutsideIdentifiers(chunks.map(hit), all('11118'), read)).toEqual([]);
  });

  it('drops a hit on the series of an identity card whose digits the next chunk holds', async () => {
    const at = PAGE.indexOf('912345');
    const [a, b] = [
      { chunkId: 'c', documentId: '1', page: 1, start: 0, end: at, text: PAGE.slice(0, at) },
      { chunkId: 'd', documentId: '1', page: 1, start: at, end: PAGE.length, text: PAGE.slice(at) },
    ];
    const split = { ...read, chunks: async (ids: string[]) => [a, b].filter((c) => ids.includes(c.chunkId)) };
    expect(await hitsOutsideIdentifiers([hit(a), hit(b)], all('axb'), split)).toEqual([]);
    expect(await hitsOutsideIdentifiers([hit(a), hit(b)], all('912345'), split)).toEqual([]);
  });

  it('keeps hits that match outside identifiers', async () => {
    expect(await hitsOutsideIdentifiers(chunks.map(hit), all('12/3'), read)).toEqual([hit(chunks[1]!)]);
    expect(await hitsOutsideIdentifiers(chunks.map(hit), all('nowak'), read)).toEqual(chunks.map(hit));
  });
});

describe('similarity queries for a role that may not see identifiers', () => {
  it('lose identifiers and numbers that could be part of one, keeping words, dates, signatures and parcels', () => {
    expect(similarityQuery('770707')).toBeNull();
    expect(similarityQuery('770707 11118')).toBeNull();
    expect(similarityQuery('pełnomocnictwo 770707')).toBe('pełnomocnictwo');
    expect(similarityQuery('wniosek aba-300000 i 850101')).toBe('wniosek i');
    for (const kept of [
      'decyzja WUA-ZRB.6740.1.123.2019 z 14.03.2019 dla działki 45/7 przy ul. Kwiatowej 12 z 2019 r.',
      'wyrok II OSK 2749/20',
      'działka 3693/8 obręb Zatory',
    ]) {
      expect(similarityQuery(kept)).toBe(kept);
    }
  });
});
