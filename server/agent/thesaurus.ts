/**
 * The department's vocabulary in one place: abbreviations (PnB, WZ, MPZP, KPA, PB), the official
 * names of decisions and what clerks call them ("zgoda na budowę", "wuzetka", "dom"), and the
 * precincts (obręby) questions name. Used for query expansion by the rules planner (a matched
 * phrase becomes one term with every way of saying it), for reading document types out of a
 * question, and exported as Elasticsearch/Solr synonym lines.
 *
 * Variants are written out, not generated: "pozwoleni{e,a,u} na budowę" expands the braces;
 * "a|b" lists whole alternatives where words decline together. Words in capitals are
 * abbreviations and match exactly; other single words also get their inflected forms.
 */
import { NEGATIONS, STOP_WORDS, dedupeForms, fold, stemKeys, wordForms, type Expander, type Expansion } from '../search/polish.js';
import type { TermForm } from '../domain/types.js';

export interface Concept {
  id: string;
  /** Equivalent names, the first is the label: abbreviations, official phrases as documents write them. */
  terms: string[];
  /** What clerks say but documents do not: expanded to `terms`, never the other way. */
  colloquial?: string[];
  /** Also searched when the concept is named ("brak sprzeciwu" → the notification itself). */
  broader?: string[];
  /** The stored `documents.doc_type` (or its prefix) a question naming this concept asks for. */
  docType?: string;
}

export const CONCEPTS: readonly Concept[] = [
  { id: 'pnb', docType: 'decyzja o pozwoleniu na budowę',
    terms: ['PnB', 'pozwoleni{e,a,u,em} na budowę', 'decyzj{a,i,ę} o pozwoleniu na budowę'],
    colloquial: ['zgod{a,y,ę,zie} na budowę', 'pozwolenie budowlane|pozwolenia budowlanego', 'pozwoleni{e,a,u}'] },
  { id: 'pozwolenie-rozbiorka', docType: 'decyzja o pozwoleniu na rozbiórkę',
    terms: ['pozwoleni{e,a,u,em} na rozbiórkę', 'decyzj{a,i,ę} o pozwoleniu na rozbiórkę'],
    colloquial: ['zgod{a,y,ę} na rozbiórkę'] },
  { id: 'wz', docType: 'decyzja o warunkach zabudowy',
    terms: ['WZ', 'warunk{i,ów,ach,ami} zabudowy', 'decyzj{a,i,ę} o warunkach zabudowy', 'ustaleni{e,a,u} warunków zabudowy'],
    colloquial: ['wuzetk{a,i,ę,ą}'] },
  { id: 'odmowa', docType: 'decyzja o odmowie',
    terms: ['odmow{a,y,ie,ę}', 'odmawia*', 'odmówi*'], colloquial: ['odmown{a,ej,ą}'] },
  { id: 'umorzenie', docType: 'decyzja o umorzeniu postępowania',
    terms: ['umorzeni{e,a,u} postępowania', 'umarzam postępowanie'] },
  { id: 'mpzp', terms: ['MPZP', 'miejscowy plan zagospodarowania przestrzennego|miejscowego planu zagospodarowania przestrzennego|miejscowym planie zagospodarowania przestrzennego', 'plan{,u,ie} miejscow{y,ego,ym}'],
    colloquial: ['plan{,u} zagospodarowania'] },
  { id: 'kpa', terms: ['KPA', 'Kodeks{,u,ie} postępowania administracyjnego'] },
  { id: 'pb', terms: ['PB', 'Prawo budowlane|Prawa budowlanego|Prawie budowlanym', 'ustaw{a,y,ie} Prawo budowlane'] },
  { id: 'upzp', terms: ['UPZP', 'ustaw{a,y,ie} o planowaniu i zagospodarowaniu przestrzennym'] },
  { id: 'samowola', terms: ['samowola budowlana|samowoli budowlanej|samowolę budowlaną', 'legalizacj{a,i,ę}', 'postępowanie legalizacyjne|postępowania legalizacyjnego'],
    colloquial: ['samowol{a,i,ę}', 'budow{a,y,ę} bez pozwolenia', 'nielegaln{a,ej,ą} budow{a,y,ę}'] },
  { id: 'rozbiorka', terms: ['rozbiórk{a,i,ę}|rozbiórce'], colloquial: ['wyburzeni{e,a,u}', 'rozebrani{e,a,u}'] },
  { id: 'zgloszenie', docType: 'zgłoszenie',
    terms: ['zgłoszeni{e,a,u,em}', 'zgłoszeni{e,a,u} robót budowlanych', 'zgłoszeni{e,a,u} zamiaru wykonania robót budowlanych'] },
  { id: 'brak-sprzeciwu', docType: 'zgłoszenie', broader: ['zgłoszenie'],
    terms: ['brak{,u} sprzeciwu', 'nie wniesiono sprzeciwu'], colloquial: ['milcząca zgoda|milczącej zgody', 'bez sprzeciwu'] },
  { id: 'sprzeciw', docType: 'sprzeciw',
    terms: ['sprzeciw{,u}', 'wniesieni{e,a,u} sprzeciwu', 'decyzj{a,i,ę} o wniesieniu sprzeciwu', 'wnoszę sprzeciw'],
    colloquial: ['sprzeciw{y,ów}', 'nie zgodził{,a,o} się'] },
  // Works on an existing building: distinct in law, so not synonyms of each other.
  { id: 'rozbudowa', terms: ['rozbudow{a,y,ie,ę}'], colloquial: ['dobudow{a,y,ie,ę}', 'dobudówk{a,i,ę}', 'powiększeni{e,a} budynku'] },
  { id: 'nadbudowa', terms: ['nadbudow{a,y,ie,ę}'], colloquial: ['podniesieni{e,a} budynku', 'dobudowanie piętra|dobudowania piętra'] },
  { id: 'przebudowa', terms: ['przebudow{a,y,ie,ę}'], colloquial: ['modernizacj{a,i,ę}'] },
  { id: 'zmiana-uzytkowania', terms: ['zmian{a,y,ie,ę} sposobu użytkowania'], colloquial: ['adaptacj{a,i,ę}'] },
  { id: 'dom', terms: ['budynek mieszkalny jednorodzinny|budynku mieszkalnego jednorodzinnego|budynkiem mieszkalnym jednorodzinnym', 'dom{,u} jednorodzinn{y,ego}'],
    colloquial: ['dom', 'domek', 'jednorodzink{a,i,ę}'] },
  { id: 'blok', terms: ['budynek mieszkalny wielorodzinny|budynku mieszkalnego wielorodzinnego', 'budynek wielorodzinny|budynku wielorodzinnego'],
    colloquial: ['blok', 'blok mieszkalny|bloku mieszkalnego', 'kamienic{a,y,ę}'] },
  { id: 'gospodarczy', terms: ['budynek gospodarczy|budynku gospodarczego'], colloquial: ['komórk{a,i,ę}', 'szop{a,y,ę}'] },
  { id: 'projekt', terms: ['projekt budowlany|projektu budowlanego'], colloquial: ['dokumentacja projektowa|dokumentacji projektowej'] },
  { id: 'ostateczna', terms: ['decyzja ostateczna|decyzji ostatecznej|ostateczną decyzję', 'ostateczn{a,ej,ą}'],
    colloquial: ['prawomocn{a,ej,ą}', 'uprawomocnieni{e,a}'] },
  { id: 'uzytkowanie', terms: ['pozwoleni{e,a,u} na użytkowanie'], colloquial: ['odbiór budynku|odbioru budynku'] },
  { id: 'inwestor', terms: ['inwestor', 'wnioskodawc{a,y}'] },
  { id: 'dzialka', terms: ['działk{a,i,ę}|działce', 'działka ewidencyjna|działki ewidencyjnej'], colloquial: ['parcel{a,i,ę}'] },
  { id: 'pinb', terms: ['PINB', 'Powiatowy Inspektor Nadzoru Budowlanego|Powiatowego Inspektora Nadzoru Budowlanego|Powiatowemu Inspektorowi Nadzoru Budowlanego'],
    colloquial: ['nadzór budowlany|nadzoru budowlanego'] },
  { id: 'sko', terms: ['SKO', 'Samorządowe Kolegium Odwoławcze|Samorządowego Kolegium Odwoławczego'] },
  { id: 'uzupelnienie', terms: ['uzupełnieni{e,a,u} braków', 'usunięci{e,a,u} nieprawidłowości'], colloquial: ['brak{i,ów} formaln{e,ych}'] },
  // Document types named by their head word (refined by the words around them, see question.ts).
  { id: 'decyzja', docType: 'decyzja', terms: ['decyzj{a,i,ę,e}'], colloquial: ['rozstrzygnięci{e,a}'] },
  { id: 'postanowienie', docType: 'postanowienie', terms: ['postanowieni{e,a,u}'] },
  { id: 'wniosek', docType: 'wniosek', terms: ['wnios{ek,ku,ki}'] },
  { id: 'zawiadomienie', docType: 'zawiadomienie', terms: ['zawiadomieni{e,a,u}', 'zawiadomieni{e,a,u} o wszczęciu postępowania', 'wszczęci{e,a,u} postępowania'] },
  { id: 'odwolanie', docType: 'odwołanie', terms: ['odwołani{e,a,u}'], colloquial: ['apelacj{a,i,ę}', 'odwołał{,a,o,y} się'] },
  { id: 'pelnomocnictwo', docType: 'pełnomocnictwo', terms: ['pełnomocnictw{o,a}', 'upoważnieni{e,a}'] },
  { id: 'protokol', docType: 'protokół', terms: ['protokół|protokołu', 'oględzin{y,}', 'protokół oględzin|protokołu oględzin'], colloquial: ['wizj{a,i,ę} lokaln{a,ej,ą}'] },
];

/** Precincts (obręby) of Wrocław; `forms` for declensions the stem rules do not reach. */
export const PRECINCTS: readonly { name: string; forms?: string[] }[] = [
  ...['Oporów', 'Leśnica', 'Krzyki', 'Biskupin', 'Sępolno', 'Ołtaszyn', 'Maślice', 'Jagodno', 'Klecina',
    'Pracze Odrzańskie', 'Nadodrze', 'Szczepin', 'Huby', 'Tarnogaj', 'Brochów', 'Borek', 'Partynice',
    'Grabiszyn', 'Muchobór Mały', 'Muchobór Wielki', 'Kuźniki', 'Żerniki', 'Pilczyce', 'Kozanów', 'Popowice',
    'Gądów Mały', 'Stabłowice', 'Marszowice', 'Złotniki', 'Jerzmanowo', 'Strachowice', 'Osiniec', 'Zawidawie',
    'Karłowice', 'Różanka', 'Kowale', 'Swojczyce', 'Strachocin', 'Wojnów', 'Bartoszowice', 'Zalesie', 'Zacisze',
    'Szczytniki', 'Dąbie', 'Wojszyce', 'Bieńkowice', 'Rakowiec', 'Siedlec', 'Lamowice', 'Polanowice', 'Pawłowice',
    'Sołtysowice', 'Kłokoczyce', 'Świniary', 'Rędzin', 'Osobowice', 'Gajowice', 'Powstańców Śląskich'].map((name) => ({ name })),
  { name: 'Psie Pole', forms: ['Psim Polu', 'Psiego Pola', 'Psiem Polu'] },
  { name: 'Stare Miasto', forms: ['Starym Mieście', 'Starego Miasta', 'Starym Miastem'] },
  { name: 'Nowy Dwór', forms: ['Nowym Dworze', 'Nowego Dworu'] },
  { name: 'Przedmieście Świdnickie', forms: ['Przedmieściu Świdnickim', 'Przedmieścia Świdnickiego'] },
  { name: 'Przedmieście Oławskie', forms: ['Przedmieściu Oławskim', 'Przedmieścia Oławskiego'] },
  { name: 'Księże Małe', forms: ['Księżu Małym', 'Księża Małego'] },
  { name: 'Księże Wielkie', forms: ['Księżu Wielkim', 'Księża Wielkiego'] },
  { name: 'Lipa Piotrowska', forms: ['Lipie Piotrowskiej', 'Lipy Piotrowskiej'] },
  { name: 'Wilczy Kąt', forms: ['Wilczym Kącie', 'Wilczego Kąta'] },
];

/** "a{x,y} b|c d" → ["ax b", "ay b", "c d"]. */
export function expandVariants(spec: string): string[] {
  const out: string[] = [];
  for (const alt of spec.split('|')) {
    let acc = [''];
    for (const part of alt.split(/(\{[^}]*\})/)) {
      const opts = part.startsWith('{') ? part.slice(1, -1).split(',') : [part];
      acc = acc.flatMap((a) => opts.map((o) => a + o));
    }
    out.push(...acc.map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean));
  }
  return [...new Set(out)];
}

const isAbbreviation = (v: string): boolean => !/\s/.test(v) && (v.match(/\p{Lu}/gu)?.length ?? 0) >= 2;

/** A variant as words to match and forms to search. A trailing "*" marks a prefix ("odmawia*"). */
interface Variant {
  words: string[];
  keys: string[][];
  prefix: boolean;
  forms: TermForm[];
}

function variantOf(text: string, keepStopWords = false): Variant {
  const prefix = text.endsWith('*');
  const all = fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const single = all.length === 1 && !isAbbreviation(text);
  const forms: TermForm[] = prefix
    ? [{ text: all.join(' '), prefix: true }]
    : single ? wordForms(text) : [{ text: all.join(' ') }];
  // Matched without its stop words: questions and plan queries drop them ("zgoda budowę").
  const content = all.filter((w) => !STOP_WORDS.has(w) || NEGATIONS.has(w));
  const words = keepStopWords || content.length === 0 ? all : content;
  return { words, keys: words.map(keysOf), prefix, forms };
}

/** A folded word and its stems (short words match exactly). */
function keysOf(word: string): string[] {
  return word.length >= 3 ? [word, ...stemKeys(word)] : [word];
}

interface Compiled {
  concept: Concept;
  /** Forms searched when the concept is found: terms and broader terms (never colloquial ones). */
  forms: TermForm[];
}

interface Candidate {
  c: Compiled;
  v: Variant;
}

/** Variants by the keys of their first word; prefix variants are checked against every word. */
const BY_KEY = new Map<string, Candidate[]>();
const PREFIXED: Candidate[] = [];

const COMPILED: Compiled[] = CONCEPTS.map((concept) => {
  const official = concept.terms.flatMap(expandVariants).map((t) => variantOf(t));
  const colloquial = (concept.colloquial ?? []).flatMap(expandVariants).map((t) => variantOf(t));
  const broader = (concept.broader ?? []).flatMap(expandVariants).map((t) => variantOf(t));
  const c: Compiled = { concept, forms: dedupeForms([...official, ...broader].flatMap((v) => v.forms)) };
  for (const v of [...official, ...colloquial]) {
    if (v.prefix) PREFIXED.push({ c, v });
    else for (const k of new Set(v.keys[0] ?? [])) BY_KEY.set(k, [...(BY_KEY.get(k) ?? []), { c, v }]);
  }
  return c;
});

function wordMatches(word: string, keys: readonly string[], v: Variant, j: number): boolean {
  const vw = v.words[j] ?? '';
  if (word === vw) return true;
  if (v.prefix && j === v.words.length - 1) return word.startsWith(vw);
  if (word.length < 3 || vw.length < 3) return false;
  const vk = v.keys[j] ?? [];
  return keys.some((k) => vk.includes(k));
}

function matchesAt(words: readonly string[], keys: readonly string[][], i: number, v: Variant): boolean {
  if (i + v.words.length > words.length) return false;
  return v.words.every((_, j) => wordMatches(words[i + j] ?? '', keys[i + j] ?? [], v, j));
}

export interface ConceptMatch {
  concept: Concept;
  /** Token indexes [start, end) in the word list given. */
  start: number;
  end: number;
}

/** Concepts named in a list of folded words (stop words included), longest and earliest first, not overlapping. */
export function findConcepts(words: readonly string[]): ConceptMatch[] {
  // Matching runs over the content words; a match spans the stop words between them.
  const at = words.slice(0, 400).flatMap((w, i) => (w && (!STOP_WORDS.has(w) || NEGATIONS.has(w)) ? [i] : []));
  const list = at.map((i) => words[i] as string);
  const keys = list.map(keysOf);
  const found: ConceptMatch[] = [];
  const push = (c: Candidate, i: number): void => {
    const last = at[i + c.v.words.length - 1];
    const first = at[i];
    if (first !== undefined && last !== undefined) found.push({ concept: c.c.concept, start: first, end: last + 1 });
  };
  for (let i = 0; i < list.length; i++) {
    const seen = new Set<Candidate>();
    for (const k of keys[i] ?? []) {
      for (const cand of BY_KEY.get(k) ?? []) {
        if (seen.has(cand)) continue;
        seen.add(cand);
        if (matchesAt(list, keys, i, cand.v)) push(cand, i);
      }
    }
    for (const cand of PREFIXED) if (matchesAt(list, keys, i, cand.v)) push(cand, i);
  }
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const taken = new Set<number>();
  const out: ConceptMatch[] = [];
  for (const m of found) {
    let free = true;
    for (let i = m.start; i < m.end; i++) if (taken.has(i)) free = false;
    if (!free) continue;
    for (let i = m.start; i < m.end; i++) taken.add(i);
    out.push(m);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Query expansion for `keywordQuery` (server/search/polish.ts): a named concept gains every official way of saying it. */
export const thesaurusExpander: Expander = (words) =>
  findConcepts(words).map((m): Expansion => ({
    start: m.start,
    end: m.end,
    forms: COMPILED.find((c) => c.concept === m.concept)?.forms ?? [],
  }));

/** The precinct named by `words[i…]` (folded), as its nominative name, with the number of words it spans. */
export function precinctAt(words: readonly string[], i: number): { name: string; length: number } | null {
  const keys = words.slice(i, i + 3).map((w) => (w ? keysOf(w) : []));
  const rest = words.slice(i, i + 3);
  for (const p of PRECINCT_VARIANTS) {
    if (matchesAt(rest, keys, 0, p.v)) return { name: p.name, length: p.v.words.length };
  }
  return null;
}

const PRECINCT_VARIANTS = PRECINCTS.flatMap((p) => [p.name, ...(p.forms ?? [])].map((s) => ({ name: p.name, v: variantOf(s, true) })));

/**
 * The vocabulary as Solr-format synonym lines for Elasticsearch's `synonym_graph` filter:
 * equivalent names on one line, colloquial names as one-way rules ("zgoda na budowę => …").
 * Place the filter after `lowercase` and, with `fold: true`, after `asciifolding` (ł→l included).
 */
export function synonymLines(opts: { fold?: boolean } = {}): string[] {
  const norm = (s: string): string => (opts.fold ? fold(s) : s.toLowerCase()).replace(/\*$/, '');
  const lines: string[] = [];
  for (const c of CONCEPTS) {
    const terms = [...new Set(c.terms.flatMap(expandVariants).map(norm))];
    const broader = [...new Set((c.broader ?? []).flatMap(expandVariants).map(norm))];
    const colloquial = [...new Set((c.colloquial ?? []).flatMap(expandVariants).map(norm))].filter((t) => !terms.includes(t));
    if (terms.length > 1) lines.push(terms.join(', '));
    if (colloquial.length > 0) lines.push(`${colloquial.join(', ')} => ${[...terms, ...broader].join(', ')}`);
    if (broader.length > 0) lines.push(`${terms.join(', ')} => ${[...terms, ...broader].join(', ')}`);
  }
  return lines;
}
