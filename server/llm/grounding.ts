/**
 * Grounding of a model-written plan (DESIGN promise 1). The search strings of a plan are shown to the
 * clerk ("Szukano: …"), so the model may choose and reorder words but may not introduce an identifier —
 * a legal reference, a case signature, a parcel or other number, a date, a person's or company's name —
 * that occurs neither in the question nor in the archive. Such a term is cut out of its query string;
 * an identifier step whose value is not grounded, a filter value that is not, and a step left empty are
 * dropped. Every drop is reported for the caller to log; none of it is ever displayed.
 */
import { fold, normaliseSignature } from '../../ingest/metadata/index.js';
import { plainText, type Plan, type PlanCondition, type PlanStep } from '../agent/plan.js';
import { findConcepts } from '../agent/thesaurus.js';
import type { SearchFilters } from '../domain/types.js';
import { findTerms, numberKey, QuestionIndex, type Term } from './grounding-terms.js';

/** Asks the archive whether a phrase occurs in any ready document (the agent passes a phrase search). */
export type ExistsInArchive = (term: string) => Promise<boolean>;

/** A term, step or condition removed from the plan; `step` is the step's index in the plan as the model wrote it (-1 for a condition). */
export interface DroppedTerm {
  step: number;
  term: string;
  reason: string;
}

export interface GroundOptions {
  /** The clerk's own filters: their values count as grounded, like the question. */
  filters?: SearchFilters;
}

export interface GroundedPlan {
  /** The plan with ungrounded terms removed, or null when no searching step is left. */
  plan: Plan | null;
  dropped: DroppedTerm[];
}

const REASON: Record<Term['kind'], string> = {
  legal: 'legal reference in neither the question nor the archive',
  signature: 'case signature in neither the question nor the archive',
  date: 'date in neither the question nor the archive',
  number: 'number in neither the question nor the archive',
  name: 'name in neither the question nor the archive',
};

/**
 * Removes from `plan` every identifier found in neither `question` (nor the clerk's filters) nor the
 * archive (`exists`, a phrase search; one call per distinct term, a failing call counts as absent).
 * Folded comparisons throughout; signatures compared in canonical form, numbers without spaces, words
 * up to a Polish case ending. Returns the plan left (null when nothing searching remains) and every
 * drop, for the caller to log and never to display.
 */
export async function groundPlan(
  plan: Plan,
  question: string,
  exists: ExistsInArchive,
  opts: GroundOptions = {},
): Promise<GroundedPlan> {
  const q = new QuestionIndex(question, opts.filters);
  const archive = cachedExists(exists);
  const dropped: DroppedTerm[] = [];
  const steps: PlanStep[] = [];
  for (const [i, step] of plan.steps.entries()) {
    const drop = (term: string, reason: string): void => void dropped.push({ step: i, term, reason });
    const kept = await groundStep(step, q, archive, drop);
    if (kept) steps.push(kept);
    // An identifier step's drop is already recorded with its value.
    else if (step.type !== 'identifier') drop(describe(step), 'step left without a grounded search');
  }
  const searching = steps.some((s) => s.type !== 'followCase');
  const conditions = groundConditions(plan.conditions ?? [], question, q, (term, reason) => void dropped.push({ step: -1, term, reason }));
  return { plan: searching ? { steps, ...(conditions.length > 0 ? { conditions } : {}) } : null, dropped };
}

/**
 * The conditions the question itself states: a type, object or matter the vocabulary reads in the
 * question too (the model may name it officially: "domku" → "dom jednorodzinny"), a period of the
 * question's years, any other condition in the question's words.
 */
function groundConditions(conditions: readonly PlanCondition[], question: string, q: QuestionIndex, drop: Drop): PlanCondition[] {
  const asked = new Set(findConcepts(fold(question).split(/[^\p{L}\p{N}]+/u)).map((m) => m.concept.id));
  const kept: PlanCondition[] = [];
  for (const c of conditions) {
    let grounded: boolean;
    if (c.kind === 'docType' || c.kind === 'object' || c.kind === 'subject') {
      // "decyzja" is implied by every kind of decision the question names ("odmowa PnB").
      const all = findConcepts(fold(c.value).split(/[^\p{L}\p{N}]+/u)).map((m) => m.concept.id);
      const named = all.length > 1 ? all.filter((id) => id !== 'decyzja') : all;
      grounded = named.length > 0 ? named.every((id) => asked.has(id)) : q.hasAllWords(c.value);
    } else if (c.kind === 'period') {
      const years = c.value.match(/\b(?:19|20)\d\d\b/g) ?? [];
      grounded = years.length > 0 && years.every((y) => q.years.includes(Number(y)));
    } else {
      grounded = q.hasAllWords(c.value);
    }
    if (grounded) kept.push(c);
    else drop(c.value, `${c.kind} condition the question does not state`);
  }
  return kept;
}

type Drop = (term: string, reason: string) => void;

async function groundStep(step: PlanStep, q: QuestionIndex, archive: ExistsInArchive, drop: Drop): Promise<PlanStep | null> {
  switch (step.type) {
    case 'followCase':
      return step;
    case 'keyword':
    case 'semantic': {
      const query = await groundText(step.query, q, archive, drop);
      if (query === null) return null;
      const filters = step.filters && (await groundFilters(step.filters, q, archive, drop));
      return filters ? { type: step.type, query, filters } : { type: step.type, query };
    }
    case 'filter': {
      const filters = await groundFilters(step.filters, q, archive, drop);
      return filters ? { type: 'filter', filters } : null;
    }
    case 'identifier': {
      if (!(await identifierGrounded(step.kind, step.value, q, archive))) {
        drop(step.value, `${step.kind} in neither the question nor the archive`);
        return null;
      }
      if (step.precinct !== undefined && !(await nameGrounded(step.precinct, q, archive))) {
        drop(step.precinct, 'precinct in neither the question nor the archive');
        return { type: 'identifier', kind: step.kind, value: step.value };
      }
      return step;
    }
  }
}

/** The string with ungrounded identifiers cut out; null when nothing worth searching is left. */
async function groundText(s: string, q: QuestionIndex, archive: ExistsInArchive, drop: Drop): Promise<string | null> {
  const cut: { start: number; end: number }[] = [];
  for (const t of findTerms(s)) {
    for (const span of await ungroundedSpans(t, q, archive)) {
      cut.push(span);
      drop(s.slice(span.start, span.end), REASON[t.kind]);
    }
  }
  let out = s;
  for (const c of cut.sort((a, b) => b.start - a.start)) {
    // A preposition or conjunction that only led into the cut term goes with it ("dla [Jana Kowalskiego]").
    const lead = LEADING_WORD.exec(out.slice(0, c.start));
    const start = lead ? c.start - lead[0].length : c.start;
    out = `${out.slice(0, start)} ${out.slice(c.end)}`;
  }
  out = plainText(
    out
      .replace(/\s+([,.;:)])/g, '$1')
      .replace(/([,;:(])(?:\s*[,;:])+/g, '$1')
      .replace(/^[\s,.;:\-–—/]+|[\s,;:\-–—/(]+$/gu, ''),
  );
  return /[\p{L}\p{N}]{2,}/u.test(out) ? out : null;
}

const LEADING_WORD = /(?<=^|\s)(?:dla|na|w|we|z|ze|przez|od|do|przy|o|u|po|pod|nad|za|i|oraz|lub)\s+$/iu;

/** The parts of a term to cut: none when grounded. */
async function ungroundedSpans(t: Term, q: QuestionIndex, archive: ExistsInArchive): Promise<{ start: number; end: number }[]> {
  const whole = [{ start: t.start, end: t.end }];
  switch (t.kind) {
    case 'legal':
      return q.hasLegal(t.raw) || (await archive(t.raw)) ? [] : whole;
    case 'signature':
      return q.signatures.has(t.value) || (await archive(t.value)) ? [] : whole;
    case 'date':
      return q.dates.has(t.value) || (await archive(t.raw)) ? [] : whole;
    case 'number': {
      const atoms = t.atoms ?? [];
      if (atoms.every((a) => q.hasNumber(a.value)) || (await archive(t.raw))) return [];
      // A run that is not grounded as a whole keeps only the numbers the question names.
      return atoms.filter((a) => !q.hasNumber(a.value)).map((a) => ({ start: a.start, end: a.end }));
    }
    case 'name': {
      const words = t.words ?? [];
      const known = words.map((w) => q.hasWord(w.value));
      if (known.every(Boolean) || (await archive(t.raw))) return [];
      // Next to a question word, an archive word could complete an invented person ("Jan" + the
      // question's "Mazur"): only a phrase of two or more words the archive has survives there.
      const out: { start: number; end: number }[] = [];
      for (const seg of unknownSegments(words, known)) {
        const phrase = t.raw.slice(seg.start - t.start, seg.end - t.start);
        if (seg.count >= 2 && seg.count < words.length && (await archive(phrase))) continue;
        out.push({ start: seg.start, end: seg.end });
      }
      return out;
    }
  }
}

/** Maximal runs of consecutive words not in the question. */
function unknownSegments(words: { start: number; end: number }[], known: boolean[]): { start: number; end: number; count: number }[] {
  const segs: { start: number; end: number; count: number }[] = [];
  words.forEach((w, i) => {
    if (known[i]) return;
    const last = segs[segs.length - 1];
    if (last && i > 0 && !known[i - 1]) {
      last.end = w.end;
      last.count++;
    } else segs.push({ start: w.start, end: w.end, count: 1 });
  });
  return segs;
}

/** Filter values checked like identifiers; docType is vocabulary, not an identifier. Null when none is left. */
async function groundFilters(f: SearchFilters, q: QuestionIndex, archive: ExistsInArchive, drop: Drop): Promise<SearchFilters | null> {
  const out: SearchFilters = { ...f };
  if (out.caseNumber !== undefined && !(await identifierGrounded('caseNumber', out.caseNumber, q, archive))) {
    drop(out.caseNumber, 'case signature filter in neither the question nor the archive');
    delete out.caseNumber;
  }
  if (out.parcel !== undefined && !(await identifierGrounded('parcel', out.parcel, q, archive))) {
    drop(out.parcel, 'parcel filter in neither the question nor the archive');
    delete out.parcel;
  }
  if (out.precinct !== undefined && !(await nameGrounded(out.precinct, q, archive))) {
    drop(out.precinct, 'precinct filter in neither the question nor the archive');
    delete out.precinct;
  }
  for (const key of ['dateFrom', 'dateTo'] as const) {
    const d = out[key];
    if (d !== undefined && !q.allowsDate(d)) {
      drop(d, 'date filter far from any year in the question');
      delete out[key];
    }
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** An identifier step's whole value must be in the question, or occur in the archive as it stands. */
async function identifierGrounded(kind: string, value: string, q: QuestionIndex, archive: ExistsInArchive): Promise<boolean> {
  if (kind === 'caseNumber') {
    const sig = normaliseSignature(value) ?? value.trim();
    return q.signatures.has(sig) || archive(sig);
  }
  if (kind === 'parcel') {
    const key = numberKey(value.replace(/^\D+/u, ''));
    return q.hasNumber(key) || archive(key);
  }
  // Addresses and investors: every word and number from the question, or the phrase from the archive.
  const words = value.match(/\p{L}{2,}/gu) ?? [];
  const numbers = value.match(/\d+(?:\s?\/\s?\d+)?/gu) ?? [];
  const fromQuestion = words.every((w) => q.hasWord(w) || SMALL_WORDS.has(fold(w))) && numbers.every((n) => q.hasNumber(n));
  return fromQuestion || archive(value);
}

async function nameGrounded(name: string, q: QuestionIndex, archive: ExistsInArchive): Promise<boolean> {
  return q.hasAllWords(name) || archive(name);
}

/** Abbreviations that may appear in an address or a company name without being in the question. */
const SMALL_WORDS = new Set(['ul', 'al', 'pl', 'os', 'nr', 'sp', 'oo', 'sa', 'ulica', 'aleja', 'plac', 'osiedle']);

/** One archive question per distinct folded term; a failing check counts as "not found". */
function cachedExists(exists: ExistsInArchive): ExistsInArchive {
  const cache = new Map<string, Promise<boolean>>();
  return (term) => {
    const key = fold(term).replace(/\s+/g, ' ').trim();
    let hit = cache.get(key);
    if (!hit) {
      hit = Promise.resolve()
        .then(() => exists(term))
        .then((v) => v === true)
        .catch(() => false);
      cache.set(key, hit);
    }
    return hit;
  };
}

function describe(step: PlanStep): string {
  switch (step.type) {
    case 'keyword':
    case 'semantic':
      return `${step.type}: ${step.query}`;
    case 'identifier':
      return `identifier ${step.kind}: ${step.value}`;
    default:
      return step.type;
  }
}
