import { describe, expect, it } from 'vitest';
import { fold } from '../../ingest/metadata/common.js';
import { keywordQuery, tokenize } from '../search/polish.js';
import type { QueryTerm } from '../domain/types.js';
import { CONCEPTS, expandVariants, findConcepts, precinctAt, synonymLines, thesaurusExpander } from './thesaurus.js';

const words = (s: string): string[] => tokenize(s).map((t) => (t.kind === 'word' ? fold(t.text) : ''));
const conceptIds = (s: string): string[] => findConcepts(words(s)).map((m) => m.concept.id);
const expanded = (s: string): QueryTerm[] => keywordQuery(s, 'all', { expand: thesaurusExpander }).terms;
const texts = (t: QueryTerm | undefined): string[] => (t?.forms ?? []).map((f) => f.text);

describe('concepts in a question', () => {
  it('knows the abbreviations and what they stand for', () => {
    expect(conceptIds('PnB dla działki')).toEqual(['pnb', 'dzialka']);
    expect(conceptIds('decyzje WZ z 2021')).toEqual(['decyzja', 'wz']);
    expect(conceptIds('zgodnie z MPZP i KPA')).toEqual(['mpzp', 'kpa']);
    expect(conceptIds('miejscowego planu zagospodarowania przestrzennego')).toEqual(['mpzp']);
  });

  it('matches inflected phrases, with or without their small words', () => {
    expect(conceptIds('zgody na budowę')).toEqual(['pnb']);
    expect(conceptIds('zgoda budowę')).toEqual(['pnb']);
    expect(conceptIds('pozwoleniu na rozbiórkę')).toEqual(['pozwolenie-rozbiorka']);
    expect(conceptIds('samowoli budowlanej')).toEqual(['samowola']);
  });

  it('keeps a negation: "brak sprzeciwu" and "bez sprzeciwu" are not an objection', () => {
    expect(conceptIds('brak sprzeciwu')).toEqual(['brak-sprzeciwu']);
    expect(conceptIds('zgłoszenie bez sprzeciwu')).toEqual(['zgloszenie', 'brak-sprzeciwu']);
    expect(conceptIds('sprzeciw od zgłoszenia')).toEqual(['sprzeciw', 'zgloszenie']);
  });

  it('reads precincts in their declined forms', () => {
    expect(precinctAt(words('na Leśnicy'), 1)).toEqual({ name: 'Leśnica', length: 1 });
    expect(precinctAt(words('w Oporowie'), 1)?.name).toBe('Oporów');
    expect(precinctAt(words('na Psim Polu'), 1)).toEqual({ name: 'Psie Pole', length: 2 });
    expect(precinctAt(words('na Starym Mieście'), 1)?.name).toBe('Stare Miasto');
    expect(precinctAt(words('na Krzykach'), 1)?.name).toBe('Krzyki');
    expect(precinctAt(words('na budowie'), 1)).toBeNull();
  });
});

describe('query expansion', () => {
  it('an abbreviation finds what documents write out', () => {
    const [term] = expanded('PnB');
    expect(texts(term)).toEqual(expect.arrayContaining(['pnb', 'pozwolenie na budowe', 'pozwolenia na budowe']));
    expect(texts(expanded('WZ')[0])).toEqual(expect.arrayContaining(['warunki zabudowy', 'decyzji o warunkach zabudowy']));
  });

  it('a colloquial name finds the official one, never the other way round', () => {
    expect(texts(expanded('zgoda na budowę')[0])).toContain('pozwolenia na budowe');
    expect(texts(expanded('dom')[0])).toContain('budynku mieszkalnego jednorodzinnego');
    expect(texts(expanded('pozwolenie na budowę')[0])).not.toContain('zgoda na budowe');
    expect(texts(expanded('budynek mieszkalny jednorodzinny')[0])).not.toContain('dom');
  });

  it('a phrase becomes one term; the other words stay terms of their own', () => {
    const terms = expanded('odmowa pozwolenia na rozbudowę domu');
    expect(terms).toHaveLength(4);
    expect(texts(terms[0])).toEqual(expect.arrayContaining(['odmowa', 'odmawia']));
    expect(terms[0]?.forms).toContainEqual({ text: 'odmawia', prefix: true });
  });

  it('leaves a question without vocabulary as it was', () => {
    expect(expanded('gabinet stomatologiczny')).toEqual(keywordQuery('gabinet stomatologiczny', 'all').terms);
  });
});

describe('synonym lines', () => {
  const lines = synonymLines();

  it('are valid Solr lines: comma lists, at most one "=>", no empty entries', () => {
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      const sides = line.split('=>');
      expect(sides.length, line).toBeLessThanOrEqual(2);
      for (const side of sides) for (const entry of side.split(',')) expect(entry.trim(), line).not.toBe('');
      expect(line, line).not.toMatch(/[{}|*]/);
    }
  });

  it('hold the department vocabulary', () => {
    expect(lines).toContainEqual(expect.stringMatching(/^pnb, pozwolenie na budowę, .*pozwolenia na budowę/));
    expect(lines).toContainEqual(expect.stringMatching(/^zgoda na budowę, .* => pnb, pozwolenie na budowę/));
    expect(lines).toContainEqual(expect.stringMatching(/^wz, warunki zabudowy/));
    expect(lines).toContainEqual(expect.stringMatching(/samowola budowlana.*legalizacja/));
    expect(lines).toContainEqual(expect.stringMatching(/^brak sprzeciwu.* => .*zgłoszenie$/));
  });

  it('can be folded for an index that folds diacritics (ł included)', () => {
    for (const line of synonymLines({ fold: true })) expect(line, line).toMatch(/^[a-z0-9 ,=>.-]+$/);
  });
});

describe('vocabulary data', () => {
  it('expands braces and alternatives', () => {
    expect(expandVariants('pozwoleni{e,a} na budowę|PnB')).toEqual(['pozwolenie na budowę', 'pozwolenia na budowę', 'PnB']);
  });

  it('maps concepts only to document types the ingest stores (or their prefixes)', () => {
    const stored = [
      'decyzja', 'decyzja o pozwoleniu na budowę', 'decyzja o odmowie pozwolenia na budowę', 'decyzja o warunkach zabudowy',
      'decyzja o odmowie ustalenia warunków zabudowy', 'decyzja o pozwoleniu na rozbiórkę', 'decyzja o umorzeniu postępowania',
      'postanowienie', 'wniosek', 'zawiadomienie', 'zgłoszenie', 'sprzeciw', 'odwołanie', 'pełnomocnictwo', 'protokół',
    ];
    for (const c of CONCEPTS) {
      if (c.docType) expect(stored.some((s) => s.startsWith(c.docType as string)), c.id).toBe(true);
    }
  });
});
