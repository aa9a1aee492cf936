/**
 * The department's vocabulary in one place, kept as data in thesaurus.json and checked when this
 * module loads: abbreviations (PnB, WZ, MPZP, WSA, NSA, SKO), the official names of decisions,
 * rulings and organs and what clerks call them ("zgoda na budowę", "wuzetka", "płot", "nadajnik"),
 * the heads of organs questions name ("Wojewody Mazowieckiego"), and the precincts (obręby). Every
 * entry carries its `usage`: where the words are used that way. Used for query expansion by the
 * rules planner (a matched phrase becomes one term with every way of saying it), for reading
 * document types and issuers out of a question, and exported as Elasticsearch/Solr synonym lines
 * (`kwerenda thesaurus --synonyms`).
 *
 * Variants are written out, not generated: "pozwoleni{e,a,u} na budowę" expands the braces;
 * "a|b" lists whole alternatives where words decline together. Words in capitals are
 * abbreviations and match exactly; other single words also get their inflected forms.
 */
import { NEGATIONS, STOP_WORDS, dedupeForms, fold, stemKeys, tokenize, wordForms, type Expander, type Expansion } from '../search/polish.js';
import type { QueryTerm, TermForm } from '../domain/types.js';
import { z } from 'zod';
import data from './thesaurus.json' with { type: 'json' };

const zSpec = z
  .string()
  .min(1)
  .refine((v) => !/[{}]/.test(v.replace(/\{[^{}]*\}/g, '')), 'unbalanced braces')
  .refine((v) => v.split('|').every((alt) => alt.trim() !== ''), 'empty alternative');
const zSpecs = z.array(zSpec);

const zConcept = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    /** Where the words are used that way (a law, a document heading, how clerks talk): the reason the entry exists. */
    usage: z.string().min(20),
    /** Equivalent names, the first is the label: abbreviations, official phrases as documents write them. */
    terms: zSpecs.min(1),
    /** What clerks say but documents do not: expanded to `terms`, never the other way. */
    colloquial: zSpecs.optional(),
    /** Also searched when the concept is named ("brak sprzeciwu" → the notification itself). */
    broader: zSpecs.optional(),
    /** The stored `documents.doc_type` (or its prefix) a question naming this concept asks for. */
    docType: z.string().min(1).optional(),
    /** The organ or court the concept names, in the nominative, when a question names it by its official terms. */
    issuer: z.string().min(1).optional(),
    /** The seats (locative phrases, "we Wrocławiu") that complete `issuer`; absent: any capitalised place after "w"/"we"; empty: none. */
    seats: z.array(z.string().regex(/^we? \S/u)).optional(),
    /**
     * A question naming the concept asks a condition of the document: `object` (what is built: "dom
     * jednorodzinny", "stacja bazowa"), `works` (what is done to it: "rozbudowa", "zmiana sposobu
     * użytkowania"; shown as part of the object), `subject` (the matter of the proceeding: "pozwolenie
     * na budowę", "miejscowy plan") — unless it names the type of document sought (agent/question.ts).
     */
    condition: z.enum(['object', 'works', 'subject']).optional(),
  })
  .strict();
export type Concept = z.infer<typeof zConcept>;

const zOrganHead = z
  .object({
    name: z.string().min(1),
    /** Folded declined forms of the head word. */
    forms: z.array(z.string().regex(/^[a-z]+$/)).min(1),
    complement: z.enum(['voivodeship', 'adjective', 'genitive', 'council']),
  })
  .strict();
export type OrganHead = z.infer<typeof zOrganHead>;

const zThesaurus = z
  .object({
    $comment: z.string().optional(),
    concepts: z.array(zConcept).min(1),
    organs: z.object({ usage: z.string().min(20), heads: z.array(zOrganHead).min(1), voivodeships: z.array(z.string().min(1)).min(1) }).strict(),
    precincts: z.array(z.object({ name: z.string().min(1), forms: z.array(z.string().min(1)).optional() }).strict()).min(1),
  })
  .strict();
export type Thesaurus = z.infer<typeof zThesaurus>;

/** The vocabulary file checked: a malformed one throws, naming the entry and the field. */
export function parseThesaurus(raw: unknown, source = 'thesaurus.json'): Thesaurus {
  const parsed = zThesaurus.safeParse(raw);
  if (!parsed.success) {
    const entry = (path: PropertyKey[]): string => {
      const [list, index] = path;
      if (list === 'concepts' && typeof index === 'number') {
        const id = (raw as { concepts?: { id?: unknown }[] }).concepts?.[index]?.id;
        return `concepts[${index}]${typeof id === 'string' ? ` (${id})` : ''}`;
      }
      return path.slice(0, 2).map(String).join('.');
    };
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${entry(i.path)}: ${i.path.slice(2).join('.') || i.path.join('.')}: ${i.message}`);
    throw new Error(`${source}: błędny słownik — ${problems.join('; ')}`);
  }
  const seen = new Set<string>();
  for (const c of parsed.data.concepts) {
    if (seen.has(c.id)) throw new Error(`${source}: błędny słownik — concept id "${c.id}" appears twice`);
    seen.add(c.id);
  }
  return parsed.data;
}

const THESAURUS = parseThesaurus(data);

export const CONCEPTS: readonly Concept[] = THESAURUS.concepts;

/** Precincts (obręby) of Wrocław; `forms` for declensions the stem rules do not reach. */
export const PRECINCTS: readonly { name: string; forms?: string[] }[] = THESAURUS.precincts;

/** Heads of organs ("Wojewoda", "Burmistrz", "Rada") with their declined forms, and the voivodeship adjectives. */
export const ORGANS: Readonly<Thesaurus['organs']> = THESAURUS.organs;

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
  /** Matched by an official term (not a colloquial word). */
  official: boolean;
}

/** Variants by the keys of their first word; prefix variants are checked against every word. */
const BY_KEY = new Map<string, Candidate[]>();
const PREFIXED: Candidate[] = [];

const COMPILED: Compiled[] = CONCEPTS.map((concept) => {
  const official = concept.terms.flatMap(expandVariants).map((t) => variantOf(t));
  const colloquial = (concept.colloquial ?? []).flatMap(expandVariants).map((t) => variantOf(t));
  const broader = (concept.broader ?? []).flatMap(expandVariants).map((t) => variantOf(t));
  const c: Compiled = { concept, forms: dedupeForms([...official, ...broader].flatMap((v) => v.forms)) };
  const candidates = [...official.map((v) => ({ c, v, official: true })), ...colloquial.map((v) => ({ c, v, official: false }))];
  for (const cand of candidates) {
    if (cand.v.prefix) PREFIXED.push(cand);
    else for (const k of new Set(cand.v.keys[0] ?? [])) BY_KEY.set(k, [...(BY_KEY.get(k) ?? []), cand]);
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
  /** Named by an official term or abbreviation, not by a colloquial word. */
  official: boolean;
}

/** Concepts named in a list of folded words (stop words included), longest and earliest first, not overlapping; the first `limit` words are read. */
export function findConcepts(words: readonly string[], limit = 400): ConceptMatch[] {
  // Matching runs over the content words; a match spans the stop words between them.
  const at = words.slice(0, limit).flatMap((w, i) => (w && (!STOP_WORDS.has(w) || NEGATIONS.has(w)) ? [i] : []));
  const list = at.map((i) => words[i] as string);
  const keys = list.map(keysOf);
  const found: ConceptMatch[] = [];
  const push = (c: Candidate, i: number): void => {
    const last = at[i + c.v.words.length - 1];
    const first = at[i];
    if (first !== undefined && last !== undefined) found.push({ concept: c.c.concept, start: first, end: last + 1, official: c.official });
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
  // Longest first; at equal length an official reading before a colloquial one.
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start || Number(b.official) - Number(a.official));
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

/** The concept as a search term: every official way of saying it (what documents write). */
export function conceptTerm(id: string): QueryTerm | null {
  const c = COMPILED.find((x) => x.concept.id === id);
  return c ? { forms: c.forms } : null;
}

/**
 * The narrower matters a concept's own name contains: "uchwała w sprawie miejscowego planu" holds
 * "miejscowy plan" (a ruling stating it is about the plan states it is about such a resolution).
 */
export function conceptKin(id: string): readonly string[] {
  let kin = KIN.get(id);
  if (!kin) {
    const c = conceptById(id);
    const found = new Set<string>();
    for (const v of c?.terms.flatMap(expandVariants) ?? []) {
      const rest = fold(v).split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(1);
      for (const m of findConcepts(rest)) if (m.concept.id !== id && m.concept.condition === c?.condition) found.add(m.concept.id);
    }
    kin = [...found];
    KIN.set(id, kin);
  }
  return kin;
}

/** conceptKin's answers, read once per concept (the vocabulary does not change while running). */
const KIN = new Map<string, readonly string[]>();

/** A concept by its id. */
export function conceptById(id: string): Concept | undefined {
  return CONCEPTS.find((c) => c.id === id);
}

/** A concept's name as a clerk reads it: the first variant of its first official term that is not an abbreviation. */
export function conceptLabel(c: Concept): string {
  const terms = c.terms.flatMap(expandVariants);
  return (terms.find((t) => !isAbbreviation(t)) ?? terms[0] ?? c.id).replace(/\*$/, '');
}

/**
 * Concepts a document's text names by their official terms (colloquial words are how clerks ask, not
 * how documents write), with their character spans in `text`.
 */
export function conceptsInText(text: string): { concept: Concept; start: number; end: number }[] {
  const tokens = tokenize(text);
  const words = tokens.map((t) => (t.kind === 'word' ? fold(t.text) : ''));
  return findConcepts(words, words.length)
    .filter((m) => m.official)
    .map((m) => ({ concept: m.concept, start: tokens[m.start]!.start, end: tokens[m.end - 1]!.end }));
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
 * equivalent names on one line, colloquial names as one-way rules ("płot => ogrodzenie, …, płot": the
 * official names are added to what was typed, never the other way round).
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
    // "a => b" replaces a: the colloquial words stay on the right, as the expander keeps the words typed.
    if (colloquial.length > 0) lines.push(`${colloquial.join(', ')} => ${[...terms, ...broader, ...colloquial].join(', ')}`);
    if (broader.length > 0) lines.push(`${terms.join(', ')} => ${[...terms, ...broader].join(', ')}`);
  }
  return lines;
}
