import { describe, expect, it } from 'vitest';
import { fold } from '../../ingest/metadata/common.js';
import { keywordQuery, tokenize } from '../search/polish.js';
import type { QueryTerm } from '../domain/types.js';
import fs from 'node:fs';
import { thesaurusText } from '../cli/thesaurus.js';
import { CONCEPTS, expandVariants, findConcepts, parseThesaurus, precinctAt, synonymLines, thesaurusExpander } from './thesaurus.js';

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
      'decyzja o ustaleniu lokalizacji inwestycji celu publicznego', 'decyzja o zezwoleniu na realizację inwestycji drogowej',
      'wyrok WSA', 'wyrok NSA', 'rozstrzygnięcie nadzorcze', 'uchwała', 'projekt uchwały', 'obwieszczenie', 'informacja',
      'ogłoszenie', 'karta usługi', 'prognoza oddziaływania na środowisko',
    ];
    for (const c of CONCEPTS) {
      if (c.docType) expect(stored.some((s) => s.startsWith(c.docType as string)), c.id).toBe(true);
    }
  });
});

describe('the vocabulary file', () => {
  const raw = (): { concepts: Record<string, unknown>[] } & Record<string, unknown> =>
    JSON.parse(fs.readFileSync(new URL('./thesaurus.json', import.meta.url), 'utf8'));

  it('loads, and every entry says where its words are used that way', () => {
    const t = parseThesaurus(raw());
    expect(t.concepts.length).toBe(CONCEPTS.length);
    for (const c of CONCEPTS) expect(c.usage.length, c.id).toBeGreaterThan(40);
  });

  it('refuses a malformed file, naming the entry', () => {
    const missing = raw();
    const kpa = missing.concepts.findIndex((c) => c.id === 'kpa');
    delete missing.concepts[kpa]?.terms;
    expect(() => parseThesaurus(missing)).toThrow(`concepts[${kpa}] (kpa)`);

    const braces = raw();
    (braces.concepts[0] as { terms: string[] }).terms.push('pozwoleni{e,a na budowę');
    expect(() => parseThesaurus(braces)).toThrow(/concepts\[0\] \(pnb\).*unbalanced braces/);

    const twice = raw();
    twice.concepts.push({ ...twice.concepts[0] });
    expect(() => parseThesaurus(twice)).toThrow('"pnb" appears twice');

    const noUsage = raw();
    delete noUsage.concepts[2]?.usage;
    expect(() => parseThesaurus(noUsage)).toThrow('concepts[2] (wz)');
    expect(() => parseThesaurus({ ...raw(), extra: 1 })).toThrow('thesaurus.json');
  });
});

describe('the department vocabulary of courts, organs and objects', () => {
  it('reads court names, abbreviated or written out', () => {
    expect(conceptIds('wyrok Wojewódzkiego Sądu Administracyjnego w Gliwicach')).toEqual(['wyrok', 'wsa']);
    expect(conceptIds('orzeczenia NSA')).toEqual(['wyrok', 'nsa']);
    expect(texts(expanded('WSA')[0])).toEqual(expect.arrayContaining(['wojewodzkiego sadu administracyjnego']));
    expect(texts(expanded('NSA')[0])).toEqual(expect.arrayContaining(['naczelny sad administracyjny']));
  });

  it('a supervisory act is its own type, and "rozstrzygnięcie" alone is no decision', () => {
    expect(findConcepts(words('rozstrzygnięcia nadzorczego Wojewody')).map((m) => m.concept.docType)).toEqual(['rozstrzygnięcie nadzorcze']);
    expect(conceptIds('sąd uchylił to rozstrzygnięcie')).toEqual([]);
  });

  it('colloquial object words find what decisions write, one way only', () => {
    expect(texts(expanded('płot')[0])).toEqual(expect.arrayContaining(['plot', 'ogrodzenie']));
    expect(texts(expanded('ogrodzenie')[0])).not.toContain('plot');
    expect(texts(expanded('nadajnik na dachu')[0])).toContain('stacja bazowa telefonii komorkowej');
    expect(texts(expanded('panele słoneczne')[0])).toEqual(expect.arrayContaining(['instalacja fotowoltaiczna', 'farma fotowoltaiczna']));
    expect(texts(expanded('szambo')[0])).toContain('zbiornik bezodplywowy');
    expect(texts(expanded('letni domek nad jeziorem')[0])).toContain('budynek rekreacji indywidualnej');
    expect(texts(expanded('decyzja środowiskowa')[0])).toContain('decyzja o srodowiskowych uwarunkowaniach');
    expect(texts(expanded('ZRID')[0])).toContain('zezwolenie na realizacje inwestycji drogowej');
  });

  it('an official reading wins over a colloquial one of the same words', () => {
    const [m] = findConcepts(words('Naczelny Sąd Administracyjny'));
    expect([m?.concept.id, m?.official]).toEqual(['nsa', true]);
    expect(findConcepts(words('nadzór budowlany'))[0]?.official).toBe(false);
  });
});

describe('kwerenda thesaurus', () => {
  it('--synonyms prints the folded Solr lines, each valid, with every concept', async () => {
    const lines = await thesaurusText({ synonyms: true });
    expect(lines).toEqual(synonymLines({ fold: true }));
    const solrEntry = /^[a-z0-9][a-z0-9 .-]*$/;
    for (const line of lines) {
      const sides = line.split(' => ');
      expect(sides.length, line).toBeLessThanOrEqual(2);
      for (const side of sides) for (const entry of side.split(', ')) expect(entry, line).toMatch(solrEntry);
    }
    const entries = new Set(lines.flatMap((l) => l.split(/, | => /)));
    for (const c of CONCEPTS) {
      const names = c.terms.flatMap(expandVariants).map((t) => fold(t).replace(/\*$/, ''));
      expect(names.some((n) => entries.has(n)), c.id).toBe(true);
    }
    // One way, and what was typed is kept: "płot" finds "ogrodzenie" and still "płot"; "ogrodzenie" never "płot".
    expect(lines).toContainEqual(expect.stringMatching(/^plot, .* => ogrodzenie, .*, plot, /));
    expect(lines.filter((l) => l.split(' => ')[0]?.split(', ').includes('ogrodzenie') && l.includes('plot'))).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/^wsa, wojewodzki sad administracyjny, /));
  });

  it('without options lists every concept with its reason', async () => {
    const text = (await thesaurusText({})).join('\n');
    for (const c of CONCEPTS) expect(text).toContain(`${c.id}: `);
    expect(text).toContain('uzasadnienie: ');
  });
});
