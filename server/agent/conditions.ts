/**
 * What a question asks of a document besides its words — a type, a period, a place, the organ that
 * issued it, the outcome — judged against what the document's metadata shows: `yes` (a stored value
 * that satisfies it), `no` (a stored value that contradicts it: another year, another type, another
 * court), `unknown` (the document says nothing we could read). Unknown is not no: a judgment whose
 * date the rules could not read is ranked by what its text shows, never dropped (metadata is evidence,
 * not a wall). Only the filters a clerk set in the form are hard.
 */
import { foldForCompare } from '../../ingest/text/fold.js';
import type { DocumentRecord, MetadataHit, ResultCondition } from '../domain/types.js';
import type { QuestionFacts } from './plan.js';

export type ConditionKind = ResultCondition['kind'];
export type Met = ResultCondition['met'];

export interface Condition {
  kind: ConditionKind;
  /** What the question asked, as the clerk reads it ("wyrok WSA", "2006-01-01 – 2006-12-31"). */
  value: string;
  met: Met;
  /** The span of a page that decided `yes` or `no` (`value`: what the document shows there). */
  citation?: ConditionCitation;
}

export type ConditionCitation = NonNullable<ResultCondition['citation']>;

/** A stored metadata value as a citation, when it has its span on a page. */
export function citationOf(m: MetadataHit | undefined): { citation?: ConditionCitation } {
  if (!m || m.page === null || m.start === null || m.end === null) return {};
  return { citation: { value: m.value, page: m.page, start: m.start, end: m.end, quote: m.raw } };
}

/** Cues of a question that are conditions. */
export type ConditionCues = Pick<QuestionFacts, 'docTypes' | 'dateFrom' | 'dateTo' | 'precincts' | 'issuers' | 'outcomes'>;

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

function periodCondition(doc: DocumentRecord, from: string | undefined, to: string | undefined): Condition {
  const value = from && to && from.slice(0, 4) === to.slice(0, 4) && from.endsWith('-01-01') && to.endsWith('-12-31') ? from.slice(0, 4) : `${from ?? '…'} – ${to ?? '…'}`;
  if (!doc.date) return { kind: 'period', value, met: 'unknown' };
  const evidence = doc.metadata.find((m) => m.kind === 'date' && m.extra?.role === 'document' && m.value === doc.date);
  const inside = (!from || doc.date >= from) && (!to || doc.date <= to);
  return { kind: 'period', value, met: inside ? 'yes' : 'no', ...citationOf(evidence) };
}

function precinctCondition(doc: DocumentRecord, precincts: readonly string[]): Condition {
  const value = precincts.join(' / ');
  const parcels = doc.metadata.filter((m) => m.kind === 'parcel');
  const named = parcels.filter((m) => m.extra?.obreb);
  const hit = named.find((m) => precincts.some((p) => foldForCompare(m.extra?.obreb ?? '') === foldForCompare(p)));
  if (hit) return { kind: 'precinct', value, met: 'yes', ...citationOf(hit) };
  const mention = doc.metadata.find((m) => precincts.some((p) => foldForCompare(m.raw).includes(foldForCompare(p))));
  if (mention) return { kind: 'precinct', value, met: 'yes', ...citationOf(mention) };
  // Parcels with a precinct, none of them the one asked: the document is about another place.
  if (named.length > 0) return { kind: 'precinct', value, met: 'no', ...citationOf(named[0]) };
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

/** The question's conditions judged against one document, in a fixed order. */
export function conditionsOf(doc: DocumentRecord, cues: ConditionCues): Condition[] {
  const out: Condition[] = [];
  if (cues.docTypes.length > 0) out.push(typeCondition(doc, cues.docTypes));
  if (cues.dateFrom || cues.dateTo) out.push(periodCondition(doc, cues.dateFrom, cues.dateTo));
  if (cues.precincts.length > 0) out.push(precinctCondition(doc, cues.precincts));
  if (cues.issuers.length > 0) out.push(storedCondition('issuer', doc, cues.issuers, namesAgree));
  if (cues.outcomes.length > 0) out.push(storedCondition('outcome', doc, cues.outcomes, outcomesAgree));
  return out;
}

export interface ConditionTally {
  yes: number;
  no: number;
  unknown: number;
}

export function tally(conditions: readonly Condition[]): ConditionTally {
  const t: ConditionTally = { yes: 0, no: 0, unknown: 0 };
  for (const c of conditions) t[c.met]++;
  return t;
}
