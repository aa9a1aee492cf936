/**
 * What a question asks of a document besides its words — the identifiers it names, a type, the
 * object built, the matter of the proceeding, a place, a period, the organ that issued it, the
 * outcome — judged against what the document shows: `yes` (a span of its pages that satisfies it:
 * a stored value or the words), `no` (it shows another value: another year, another type, another
 * court, another town, another object; or it is read whole and never names what was asked), or
 * `unknown` (it says nothing we could read). Unknown is not no: a judgment whose date the rules
 * could not read is ranked by what its text shows, never dropped (metadata is evidence, not a
 * wall). Only the filters a clerk set in the form are hard.
 */
import { foldForCompare } from '../../ingest/text/fold.js';
import { findTerms, foldSameLength } from '../domain/passages.js';
import type { AskedCondition, DocumentRecord, MetadataHit, QueryTerm, ResultCondition } from '../domain/types.js';
import { fold, termFor, tokenize } from '../search/polish.js';
import type { QuestionFacts } from './plan.js';
import { conceptById, conceptKin, conceptLabel, conceptTerm, conceptsInText } from './thesaurus.js';

export type ConditionKind = ResultCondition['kind'];
export type Met = ResultCondition['met'];

export interface Condition {
  kind: ConditionKind;
  /** What the question asked, as the clerk reads it ("wyrok WSA", "2006-01-01 – 2006-12-31"). */
  value: string;
  met: Met;
  /** The span of a page that decided `yes` or `no` (`value`: what the document shows there). */
  citation?: ConditionCitation;
  /** The value given at ingest (folder, command line, EZD) that decided `yes` where no page shows it. */
  recorded?: NonNullable<ResultCondition['recorded']>;
}

export type ConditionCitation = NonNullable<ResultCondition['citation']>;

/**
 * A stored metadata value as the evidence of a condition: a citation when it has its span on a page,
 * the archive's record when it was given at ingest (folder, command line, EZD), nothing otherwise.
 */
export function citationOf(m: MetadataHit | undefined): { citation?: ConditionCitation; recorded?: Condition['recorded'] } {
  if (!m) return {};
  if (m.page === null || m.start === null || m.end === null) {
    return m.origin === 'folder' || m.origin === 'cli' || m.origin === 'dms' ? { recorded: { value: m.value, origin: m.origin } } : {};
  }
  return { citation: { value: m.value, page: m.page, start: m.start, end: m.end, quote: m.raw } };
}

/** Cues of a question that are conditions. */
export type ConditionCues = Pick<QuestionFacts, 'docTypes' | 'dateFrom' | 'dateTo' | 'precincts' | 'issuers' | 'outcomes'> &
  Partial<Pick<QuestionFacts, 'objects' | 'subjects' | 'towns' | 'names'>>;

/** An identifier the question names, and whether the search found this document naming it (with the span that located it, when metadata did). */
export interface IdentifierCue {
  kind: 'caseNumber' | 'parcel' | 'address' | 'investor';
  /** As the clerk reads it ("16/1 (obręb Januszówka)"). */
  value: string;
  /** As written in a document ("16/1"). */
  written: string;
  found: boolean;
  hit?: MetadataHit;
}

/** The pages of a document read to judge the conditions its metadata cannot (object, matter, town, names). */
export interface DocumentText {
  pages: readonly { page: number; text: string }[];
  /** Every page of the document was read: a name it never mentions is not in it. */
  complete: boolean;
}

const ABBREVIATIONS: Record<string, string> = {
  wsa: 'wojewodzki sad administracyjny',
  nsa: 'naczelny sad administracyjny',
  sko: 'samorzadowe kolegium odwolawcze',
  rdos: 'regionalny dyrektor ochrony srodowiska',
  gddkia: 'generalny dyrektor drog krajowych i autostrad',
  pinb: 'powiatowy inspektor nadzoru budowlanego',
  winb: 'wojewodzki inspektor nadzoru budowlanego',
};

/** Content words of a name or phrase, folded, abbreviations spelt out, cut to a stem-like prefix. */
function stems(s: string): string[] {
  return foldForCompare(s)
    .split(/[^\p{L}\p{N}]+/u)
    .flatMap((w) => (ABBREVIATIONS[w] ?? w).split(' '))
    .filter((w) => w.length > 2 || /\d/.test(w))
    .map((w) => w.slice(0, 5));
}

/** Every content word of `asked` occurs (as a stem) in `stored`: "Wojewody Mazowieckiego" ⊆ "Wojewoda Mazowiecki". */
export function namesAgree(asked: string, stored: string): boolean {
  const want = stems(asked);
  if (want.length === 0) return false;
  const have = new Set(stems(stored));
  return want.every((w) => have.has(w));
}

function typeCondition(doc: DocumentRecord, asked: readonly string[]): Condition {
  const value = asked.join(' / ');
  const stored = doc.docType ? foldForCompare(doc.docType) : '';
  const evidence = doc.metadata.find((m) => m.kind === 'docType');
  if (!stored) return { kind: 'docType', value, met: 'unknown' };
  const wants = asked.map((t) => foldForCompare(t));
  if (wants.some((w) => stored.startsWith(w))) return { kind: 'docType', value, met: 'yes', ...citationOf(evidence) };
  // The stored type is a less precise form of the one asked ("decyzja" for "decyzja o pozwoleniu na budowę").
  if (wants.some((w) => w.startsWith(stored))) return { kind: 'docType', value, met: 'unknown', ...citationOf(evidence) };
  return { kind: 'docType', value, met: 'no', ...citationOf(evidence) };
}

function periodValue(from: string | undefined, to: string | undefined): string {
  return from && to && from.slice(0, 4) === to.slice(0, 4) && from.endsWith('-01-01') && to.endsWith('-12-31') ? from.slice(0, 4) : `${from ?? '…'} – ${to ?? '…'}`;
}

function periodCondition(doc: DocumentRecord, from: string | undefined, to: string | undefined): Condition {
  const value = periodValue(from, to);
  if (!doc.date) return { kind: 'period', value, met: 'unknown' };
  const evidence = doc.metadata.find((m) => m.kind === 'date' && m.extra?.role === 'document' && m.value === doc.date);
  const inside = (!from || doc.date >= from) && (!to || doc.date <= to);
  return { kind: 'period', value, met: inside ? 'yes' : 'no', ...citationOf(evidence) };
}

function precinctCondition(doc: DocumentRecord, precincts: readonly string[], r: Reading): Condition {
  const value = precincts.join(' / ');
  const parcels = doc.metadata.filter((m) => m.kind === 'parcel');
  const named = parcels.filter((m) => m.extra?.obreb);
  const hit = named.find((m) => precincts.some((p) => foldForCompare(m.extra?.obreb ?? '') === foldForCompare(p)));
  if (hit) return { kind: 'precinct', value, met: 'yes', ...citationOf(hit) };
  const mention = doc.metadata.find((m) => precincts.some((p) => foldForCompare(m.raw).includes(foldForCompare(p))));
  if (mention) return { kind: 'precinct', value, met: 'yes', ...citationOf(mention) };
  // Parcels with a precinct, none of them the one asked: the document is about another place.
  const other = named[0];
  if (other) {
    const c = citationOf(other).citation;
    return { kind: 'precinct', value, met: 'no', ...(c ? { citation: { ...c, value: `${other.extra?.obreb ?? ''} (dz. ${other.value})` } } : {}) };
  }
  for (const p of precincts) {
    const at = r.find(termFor(p));
    if (at) return { kind: 'precinct', value, met: 'yes', citation: at };
  }
  return { kind: 'precinct', value, met: 'unknown' };
}

function storedCondition(kind: 'issuer' | 'outcome', doc: DocumentRecord, asked: readonly string[], agree: (a: string, s: string) => boolean): Condition {
  const value = asked.join(' / ');
  const stored = doc.metadata.filter((m) => m.kind === kind);
  if (stored.length === 0) return { kind, value, met: 'unknown' };
  const hit = stored.find((m) => asked.some((a) => agree(a, m.value)));
  return hit ? { kind, value, met: 'yes', ...citationOf(hit) } : { kind, value, met: 'no', ...citationOf(stored[0]) };
}

/** "zaskarżoną decyzję" and "decyzję" are the same object in a ruling's operative part. */
const OUTCOME_FILLER = /\bzaskarz\p{L}*/gu;

/** An outcome agrees when its verb and every word of its object do ("oddala skargę kasacyjną" is not "oddala skargę"). */
export function outcomesAgree(asked: string, stored: string): boolean {
  return namesAgree(foldForCompare(asked).replace(OUTCOME_FILLER, ' '), foldForCompare(stored).replace(OUTCOME_FILLER, ' '));
}

/** How a condition reads to the clerk, in the order conditions are judged. */
export function askedConditions(cues: ConditionCues, identifiers: readonly Pick<IdentifierCue, 'kind' | 'value'>[] = []): AskedCondition[] {
  const out: AskedCondition[] = identifiers.map((i) => ({ kind: i.kind, value: i.value }));
  if (cues.docTypes.length > 0) out.push({ kind: 'docType', value: cues.docTypes.join(' / ') });
  for (const id of cues.subjects ?? []) out.push({ kind: 'subject', value: labelOf(id) });
  for (const id of cues.objects ?? []) out.push({ kind: 'object', value: labelOf(id) });
  if (cues.precincts.length > 0) out.push({ kind: 'precinct', value: cues.precincts.join(' / ') });
  for (const t of cues.towns ?? []) out.push({ kind: 'town', value: `w ${t}` });
  for (const n of cues.names ?? []) out.push({ kind: 'name', value: n });
  if (cues.dateFrom || cues.dateTo) out.push({ kind: 'period', value: periodValue(cues.dateFrom, cues.dateTo) });
  if (cues.issuers.length > 0) out.push({ kind: 'issuer', value: cues.issuers.join(' / ') });
  if (cues.outcomes.length > 0) out.push({ kind: 'outcome', value: cues.outcomes.join(' / ') });
  return out;
}

const labelOf = (conceptId: string): string => {
  const c = conceptById(conceptId);
  return c ? conceptLabel(c) : conceptId;
};

/** The question's conditions judged against one document, in the order of `askedConditions`. */
export function conditionsOf(
  doc: DocumentRecord,
  cues: ConditionCues,
  text: DocumentText = { pages: [], complete: false },
  identifiers: readonly IdentifierCue[] = [],
): Condition[] {
  const out: Condition[] = identifiers.map((i) => identifierCondition(i, text));
  if (cues.docTypes.length > 0) out.push(typeCondition(doc, cues.docTypes));
  const reading = new Reading(text);
  // Matters the question itself names (as a matter, or in the type it asks for) never contradict one another.
  const named = new Set([...(cues.subjects ?? []), ...cues.docTypes.flatMap((t) => conceptsInText(t).map((m) => m.concept.id))]);
  for (const id of cues.subjects ?? []) out.push(subjectCondition(doc, id, reading, named));
  for (const id of cues.objects ?? []) out.push(objectCondition(id, reading));
  if (cues.precincts.length > 0) out.push(precinctCondition(doc, cues.precincts, reading));
  for (const t of cues.towns ?? []) out.push(townCondition(t, reading));
  for (const n of cues.names ?? []) out.push(nameCondition(n, reading));
  if (cues.dateFrom || cues.dateTo) out.push(periodCondition(doc, cues.dateFrom, cues.dateTo));
  if (cues.issuers.length > 0) out.push(storedCondition('issuer', doc, cues.issuers, namesAgree));
  if (cues.outcomes.length > 0) out.push(storedCondition('outcome', doc, cues.outcomes, outcomesAgree));
  return out;
}

/** The pages read, and what is found in them once. */
interface NamedConcept {
  page: number;
  concept: string;
  condition?: string;
  start: number;
  end: number;
}

class Reading {
  private concepts: NamedConcept[] | null = null;
  constructor(readonly text: DocumentText) {}

  /** Concepts the pages name by their official terms, in page order. */
  named(): NamedConcept[] {
    this.concepts ??= this.text.pages.flatMap((p) =>
      conceptsInText(p.text).map((m) => ({ page: p.page, concept: m.concept.id, ...(m.concept.condition ? { condition: m.concept.condition } : {}), start: m.start, end: m.end })),
    );
    return this.concepts;
  }

  /** The first place where one of the term's forms occurs. */
  find(term: QueryTerm, within?: (page: number, start: number) => boolean): ConditionCitation | null {
    for (const p of this.text.pages) {
      for (const h of findTerms(p.text, [term])) {
        if (within && !within(p.page, h.start)) continue;
        const quote = p.text.slice(h.start, h.end);
        return { value: quote, page: p.page, start: h.start, end: h.end, quote };
      }
    }
    return null;
  }

  citation(page: number, start: number, end: number): ConditionCitation {
    const text = this.text.pages.find((p) => p.page === page)?.text ?? '';
    const quote = text.slice(start, end);
    return { value: quote, page, start, end, quote };
  }
}

function identifierCondition(i: IdentifierCue, text: DocumentText): Condition {
  if (!i.found) return { kind: i.kind, value: i.value, met: 'no' };
  const fromMeta = citationOf(i.hit);
  if (fromMeta.citation || fromMeta.recorded) return { kind: i.kind, value: i.value, met: 'yes', ...fromMeta };
  const at = findLoosely(text, i.written);
  return { kind: i.kind, value: i.value, met: 'yes', ...(at ? { citation: at } : {}) };
}

/**
 * Where an identifier found by the text search is written: its letters and digits in order with at
 * most two other characters between them ("WUA-ZRB.6740" as "WUA - ZRB. 6740"), or for a name or a
 * street the first place its longest word begins.
 */
function findLoosely(text: DocumentText, value: string): ConditionCitation | null {
  const chars = [...foldSameLength(value)].filter((c) => /[\p{L}\p{N}]/u.test(c));
  if (chars.length === 0) return null;
  const exact = new RegExp(chars.join('[^\\p{L}\\p{N}]{0,2}'), 'u');
  const longest = value.split(/[^\p{L}\p{N}]+/u).filter((w) => /\p{L}/u.test(w)).sort((a, b) => b.length - a.length)[0];
  const stem = longest && longest.length >= 4 ? foldSameLength(longest).slice(0, Math.min(5, longest.length - 1)) : null;
  const word = stem ? new RegExp(`(?<![\\p{L}\\p{N}])${stem}\\p{L}*`, 'u') : null;
  for (const re of [exact, word]) {
    if (!re) continue;
    for (const p of text.pages) {
      const m = re.exec(foldSameLength(p.text));
      if (m) {
        const quote = p.text.slice(m.index, m.index + m[0].length);
        return { value: quote, page: p.page, start: m.index, end: m.index + m[0].length, quote };
      }
    }
  }
  return null;
}

/** Where a document states its matter: "w przedmiocie …", "w sprawie …" (not "w sprawie ze skargi"), to the end of the sentence. */
const STATED = /\bw\s+(?:przedmiocie|sprawie)(?!\s+(?:ze skargi|z wniosku|z urzedu|o sygn|sygn|skargi|wniosku))[^.;:]{0,160}/gu;

/**
 * The matter of the proceeding: `yes` where the document states it ("w przedmiocie pozwolenia na
 * budowę") or, when it states none, names it; `no` when it states a matter the question does not
 * name; its type counts as a statement ("decyzja o warunkach zabudowy"). A ruling "w przedmiocie
 * warunków zabudowy" for a change of use answers "zmiana sposobu użytkowania – warunki zabudowy".
 */
function subjectCondition(doc: DocumentRecord, id: string, r: Reading, asked: ReadonlySet<string>): Condition {
  const value = labelOf(id);
  const own = conceptTerm(id);
  if (!own) return { kind: 'subject', value, met: 'unknown' };
  const kin = conceptKin(id);
  const term: QueryTerm = { forms: [own, ...kin.map(conceptTerm)].flatMap((t) => t?.forms ?? []) };
  const windows: { page: number; start: number; end: number }[] = [];
  for (const p of r.text.pages) {
    for (const m of foldSameLength(p.text).matchAll(STATED)) windows.push({ page: p.page, start: m.index, end: m.index + m[0].length });
  }
  const inWindow = (page: number, start: number) => windows.some((w) => w.page === page && start >= w.start && start < w.end);
  const stated = r.find(term, inWindow);
  if (stated) return { kind: 'subject', value, met: 'yes', citation: stated };
  const typeStated = doc.docType ? conceptsInText(doc.docType).some((m) => m.concept.id === id) : false;
  if (typeStated) return { kind: 'subject', value, met: 'yes', ...citationOf(doc.metadata.find((m) => m.kind === 'docType')) };
  const agreeing = new Set([id, ...kin, ...asked]);
  const other = r.named().find((m) => m.condition === 'subject' && !agreeing.has(m.concept) && inWindow(m.page, m.start));
  if (other) return { kind: 'subject', value, met: 'no', citation: r.citation(other.page, other.start, other.end) };
  const named = r.find(term);
  if (named) return { kind: 'subject', value, met: 'yes', citation: named };
  return { kind: 'subject', value, met: 'unknown' };
}

/**
 * What is built or done: `yes` where the document names it, `no` when it names others of its class and
 * never this one (a garage for a house; a new building for an extension), `unknown` when it names none.
 */
function objectCondition(id: string, r: Reading): Condition {
  const value = labelOf(id);
  const term = conceptTerm(id);
  const condition = conceptById(id)?.condition;
  if (!term) return { kind: 'object', value, met: 'unknown' };
  const named = r.find(term);
  if (named) return { kind: 'object', value, met: 'yes', citation: named };
  const other = r.named().find((m) => m.condition === condition && m.concept !== id);
  if (other) return { kind: 'object', value, met: 'no', citation: r.citation(other.page, other.start, other.end) };
  return { kind: 'object', value, met: 'unknown' };
}

/**
 * A town's key: folded, its case ending cut ("Poznaniu" → "poznan", "Krakowa" → "krakow"); two keys
 * agree when they share all but their last letter (k/c, g/dz, r/rz alternate there: "Wieliczka",
 * "Wieliczce").
 */
function townKey(word: string): string {
  const w = fold(word);
  const cut = /(?:owie|ewie|iu|ie|ach|u|a|y|i|e)$/.exec(w);
  return cut && w.length - cut[0].length >= 3 ? w.slice(0, w.length - cut[0].length) : w;
}

export function townsAgree(a: string, b: string): boolean {
  const [x, y] = [townKey(a), townKey(b)];
  let common = 0;
  while (common < x.length && common < y.length && x[common] === y[common]) common++;
  return common >= Math.max(4, Math.min(x.length, y.length) - 1);
}

/** Where a document says which town's office it is from: its dateline, the office or council (not a court: its seat is not where the matter is). */
const SEAT_OF_OFFICE =
  /^[ \t]*(\p{Lu}[\p{L}-]{1,30}(?: \p{Lu}[\p{L}-]{1,30})?),[ \t]+(?:dnia|dn\.|\d{1,2}[ .])|(?<!\p{L})(?:Prezydent|Burmistrz|Wójt|Urz[ąę]d|Rad[ayzęą])\p{L}{0,4}\s+(?:(?:Miasta|Miejsk\p{L}{0,3}|Gminy|Gminn\p{L}{0,3})\s+)?(?:i Gminy\s+)?(?:we? )?(\p{Lu}[\p{L}-]{1,30})/gmu;

const NOT_A_TOWN = /^(?:miasta|miejsk|gminy|gminn|rzeczypospolitej|polskiej|wojewodztwa|wojewodzk|marszalk|ministr|powiatu|powiatow|dziennik|urzad|wydzial|znak|sygn|strona|nadzorcz)/;

function townCondition(town: string, r: Reading): Condition {
  const value = `w ${town}`;
  const asked = town.split(' ')[0]!;
  // Named anywhere: a village is written in the text of its gmina's documents, and a decision names where it applies.
  for (const p of r.text.pages) {
    for (const t of tokenize(p.text)) {
      if (t.kind === 'word' && /^\p{Lu}/u.test(t.text) && townsAgree(t.text, asked)) {
        return { kind: 'town', value, met: 'yes', citation: { value: t.text, page: p.page, start: t.start, end: t.end, quote: t.text } };
      }
    }
  }
  // Never named, and the document is from another town's office.
  for (const p of r.text.pages) {
    for (const m of p.text.matchAll(SEAT_OF_OFFICE)) {
      const name = m[1] ?? m[2];
      if (!name || NOT_A_TOWN.test(fold(name))) continue;
      const start = m.index + m[0].lastIndexOf(name);
      return { kind: 'town', value, met: 'no', citation: { value: name, page: p.page, start, end: start + name.length, quote: name } };
    }
  }
  return { kind: 'town', value, met: 'unknown' };
}

/** A name the question gives: `yes` where the document names it (each of its words), `no` when the whole document is read and never does. */
function nameCondition(name: string, r: Reading): Condition {
  const words = name.split(/\s+/).filter(Boolean);
  let first: ConditionCitation | null = null;
  for (const w of words) {
    const at = r.find(termFor(w));
    if (!at) return { kind: 'name', value: name, met: r.text.complete ? 'no' : 'unknown' };
    first ??= at;
  }
  return first ? { kind: 'name', value: name, met: 'yes', citation: first } : { kind: 'name', value: name, met: 'unknown' };
}

export interface ConditionTally {
  yes: number;
  no: number;
  unknown: number;
}

/** How many conditions a document meets, contradicts or does not show; identifiers are counted apart (their own part of the score). */
export function tally(conditions: readonly Condition[]): ConditionTally {
  const t: ConditionTally = { yes: 0, no: 0, unknown: 0 };
  for (const c of conditions) if (!IDENTIFIER_KINDS.has(c.kind)) t[c.met]++;
  return t;
}

const IDENTIFIER_KINDS = new Set<ConditionKind>(['caseNumber', 'parcel', 'address', 'investor']);
