/**
 * Identifier detection for grounding (see grounding.ts): where a model-written search string names a
 * legal reference, a case signature, a date, a number or a capitalised name, and whether the clerk's
 * question already contains it. Comparisons are folded (case, diacritics including ł); Polish
 * inflection of a question word ("Leśnicy" → "Leśnica", "Kowalskiego" → "Kowalski") counts as the
 * same word, a different word sharing a prefix ("Nowak" → "Nowacki") does not.
 */
import { findDates, findFolderSignatures, findSignatures, fold, normaliseSignature } from '../../ingest/metadata/index.js';
import type { SearchFilters } from '../domain/types.js';

export type TermKind = 'legal' | 'signature' | 'date' | 'number' | 'name';

/** An identifier inside a string; `atoms` are the numbers of a number run. */
export interface Term {
  kind: TermKind;
  start: number;
  end: number;
  raw: string;
  /** signature: canonical value; date: ISO value; legal: comparison key. */
  value: string;
  atoms?: { start: number; end: number; value: string }[];
  words?: { start: number; end: number; value: string }[];
}

const B = String.raw`(?<![\p{L}\p{N}])`;
const UNIT = String.raw`(?:art(?:yku[łl]\p{L}{0,3})?|§{1,2}|par(?:agraf\p{L}{0,3})?|ust(?:[ęe]p\p{L}{0,3})?|pkt|punkt\p{L}{0,3})\.?`;
const ELEMENT = String.raw`(?:${UNIT}[ \t]{0,2}\d{1,4}[a-z]?(?![\p{L}\p{N}])|lit\.?[ \t]{0,2}[a-z]\)?(?![\p{L}\p{N}]))`;
const JOIN = String.raw`[ \t]{0,2}(?:,|i|oraz|w[ \t]zw\.?[ \t]z)?[ \t]{0,2}`;
const DZU = String.raw`dz\.?[ \t]{0,2}u\.?(?:[ \t]{0,2}(?:z[ \t]{1,2})?\d{4}(?:[ \t]?r\.?)?)?(?:[ \t]{0,2},?[ \t]{0,2}(?:nr\.?[ \t]{0,2}\d{1,4}[ \t]{0,2},?[ \t]{0,2})?poz\.?[ \t]{0,2}\d{1,5})?`;
const LEGAL_RE = new RegExp(`${B}(?:${ELEMENT}(?:${JOIN}${ELEMENT})*|${DZU})`, 'giu');
const ATOM = String.raw`\d+(?:[ \t]?\/[ \t]?\d+)?`;
const NUMBER_RUN_RE = new RegExp(`${B}${ATOM}(?:(?:[ \\t]?[.\\-][ \\t]?|[ \\t])${ATOM})*(?!\\p{N})`, 'gu');
const ATOM_RE = new RegExp(ATOM, 'gu');
const CAP_RUN_RE = /(?<![\p{L}\p{N}])\p{Lu}\p{L}*(?:[ \t-]\p{Lu}\p{L}*)*/gu;
const WORD_RE = /\p{L}+/gu;

/** Case endings of Polish nouns and adjectives, folded. */
const ENDINGS = new Set([
  '', 'a', 'e', 'i', 'y', 'o', 'u', 'em', 'ie', 'iem', 'ego', 'iego', 'emu', 'iemu', 'ej', 'iej', 'owi', 'ami',
  'ach', 'om', 'ow', 'owie', 'ia', 'iu', 'ze', 'ym', 'im', 'ymi', 'imi', 'ich', 'ych', 'owa', 'owe', 'owej',
  'owego', 'owym',
]);

/** Same word up to a Polish case ending (both folded). */
export function sameLexeme(a: string, b: string): boolean {
  if (a === b) return true;
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  return p >= 3 && ENDINGS.has(a.slice(p)) && ENDINGS.has(b.slice(p));
}

/** Comparison key of a legal reference: "Art. 28 ust. 2" and "artykuł 28 ustęp 2" → "art 28 ust 2". */
export function legalKey(s: string): string {
  return fold(s)
    .replace(/§/g, ' par ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/\b(artykul\p{L}*)\b/gu, 'art')
    .replace(/\b(ustep\p{L}*)\b/gu, 'ust')
    .replace(/\b(punkt\p{L}*)\b/gu, 'pkt')
    .replace(/\b(paragraf\p{L}*)\b/gu, 'par')
    .replace(/\s+/g, ' ')
    .trim();
}

/** "45 / 7" → "45/7". */
export function numberKey(s: string): string {
  return s.replace(/\s+/g, '');
}

/** What the clerk's question (and the clerk's own filters) contain, for quick lookups. */
export class QuestionIndex {
  readonly legal: string;
  readonly signatures = new Set<string>();
  readonly numbers = new Set<string>();
  readonly dates = new Set<string>();
  readonly years: number[] = [];
  readonly words: string[] = [];

  constructor(question: string, clerk: SearchFilters = {}) {
    const text = [question, ...Object.values(clerk).filter((v): v is string => typeof v === 'string')].join('\n');
    this.legal = ` ${legalKey(question)} `;
    for (const hit of [...findSignatures(text, { lenientPrefix: true }), ...findFolderSignatures(text)]) {
      this.signatures.add(hit.value);
    }
    const clerkCase = clerk.caseNumber ? (normaliseSignature(clerk.caseNumber) ?? clerk.caseNumber) : undefined;
    if (clerkCase) this.signatures.add(clerkCase);
    for (const d of findDates(text)) this.dates.add(d.value);
    for (const d of [clerk.dateFrom, clerk.dateTo]) if (d) this.dates.add(d);
    for (const m of text.matchAll(ATOM_RE)) this.numbers.add(numberKey(m[0]));
    for (const n of this.numbers) if (/^(19|20)\d\d$/.test(n)) this.years.push(Number(n));
    for (const d of this.dates) this.years.push(Number(d.slice(0, 4)));
    for (const m of fold(text).matchAll(WORD_RE)) this.words.push(m[0]);
  }

  hasLegal(raw: string): boolean {
    const key = legalKey(raw);
    return key !== '' && this.legal.includes(` ${key} `);
  }

  hasWord(word: string): boolean {
    const w = fold(word);
    return this.words.some((q) => sameLexeme(q, w));
  }

  /** Every word of `s` (letters only) is a question word, up to inflection. */
  hasAllWords(s: string): boolean {
    const words = s.match(WORD_RE) ?? [];
    return words.length > 0 && words.every((w) => this.hasWord(w));
  }

  hasNumber(s: string): boolean {
    return this.numbers.has(numberKey(s));
  }

  /** A date filter is grounded when its year is within two years of one the question names. */
  allowsDate(iso: string): boolean {
    if (this.dates.has(iso)) return true;
    const y = Number(iso.slice(0, 4));
    return this.years.some((q) => Math.abs(q - y) <= 2);
  }
}

function overlaps(taken: { start: number; end: number }[], start: number, end: number): boolean {
  return taken.some((t) => start < t.end && t.start < end);
}

/**
 * Identifiers in a model-written string, non-overlapping, in priority order: legal references,
 * signatures, dates, number runs, capitalised name runs (single letters are not names).
 */
export function findTerms(s: string): Term[] {
  const terms: Term[] = [];
  const add = (t: Term): void => {
    if (!overlaps(terms, t.start, t.end)) terms.push(t);
  };
  for (const m of s.matchAll(LEGAL_RE)) {
    const raw = m[0].replace(/[\s,]+$/u, '');
    add({ kind: 'legal', start: m.index, end: m.index + raw.length, raw, value: legalKey(raw) });
  }
  for (const h of findSignatures(s, { lenientPrefix: true })) {
    add({ kind: 'signature', start: h.start, end: h.end, raw: s.slice(h.start, h.end), value: h.value });
  }
  for (const h of findDates(s)) add({ kind: 'date', start: h.start, end: h.end, raw: s.slice(h.start, h.end), value: h.value });
  for (const m of s.matchAll(NUMBER_RUN_RE)) {
    if (overlaps(terms, m.index, m.index + m[0].length)) continue;
    const atoms = [...m[0].matchAll(ATOM_RE)].map((a) => ({
      start: m.index + a.index,
      end: m.index + a.index + a[0].length,
      value: numberKey(a[0]),
    }));
    add({ kind: 'number', start: m.index, end: m.index + m[0].length, raw: m[0], value: m[0].replace(/\s+/g, ' '), atoms });
  }
  const names: Term[] = [];
  for (const m of s.matchAll(CAP_RUN_RE)) {
    // Consecutive words not claimed by another term form one name ("Zbigniew Mazur").
    let group: { start: number; end: number; value: string }[] = [];
    const flush = (): void => {
      const first = group[0];
      const last = group[group.length - 1];
      if (first && last) {
        const raw = s.slice(first.start, last.end);
        names.push({ kind: 'name', start: first.start, end: last.end, raw, value: fold(raw), words: group });
      }
      group = [];
    };
    for (const w of m[0].matchAll(WORD_RE)) {
      const word = { start: m.index + w.index, end: m.index + w.index + w[0].length, value: w[0] };
      if (overlaps(terms, word.start, word.end)) flush();
      else if (word.value.length > 1) group.push(word);
    }
    flush();
  }
  terms.push(...names);
  return terms.sort((a, b) => a.start - b.start);
}
