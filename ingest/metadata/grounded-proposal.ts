/**
 * Grounding of metadata a model proposes for the fields the rules left unknown (DESIGN promises 1
 * and 6). A proposal is `{kind, value, quote, page}`; it is kept only when
 *
 * 1. its kind is one the rules did not fill: no docType, no date with role 'document', no case
 *    number (from any origin: command line, folder, DMS, text), no issuer, no outcome;
 * 2. its quote occurs in that page's text exactly, up to runs of whitespace (a model copies a line
 *    break as a space). The first occurrence that begins and ends on word boundaries is taken; the
 *    checks below read the text around that occurrence only, never a later one;
 * 3. the quote supports the value (see `supports`), by the same parsers the rules use.
 *
 * A kept value has origin 'llm' and `raw === pageText.slice(start, end)`: the span of the part of the
 * quote that carries the value (the date, the signature) or the whole quote (type, issuer, outcome).
 * At most one value per kind is kept (the first that passes). Rejections are counted by reason only:
 * a proposal's text is never returned, so it cannot be logged.
 */
import type { MetaValue } from '../types.js';
import { fold, squash } from './common.js';
import { findDates } from './dates.js';
import { matchType } from './doctype.js';
import { findSignatures, normaliseSignature, signatureLabel } from './signature.js';

export const PROPOSABLE_KINDS = ['docType', 'date', 'caseNumber', 'issuer', 'outcome'] as const;
export type ProposableKind = (typeof PROPOSABLE_KINDS)[number];

export interface Proposal {
  kind: ProposableKind;
  value: string;
  quote: string;
  /** 1-based page number the quote was taken from. */
  page: number;
}

export type RejectReason =
  /** The rules (or the command line, a folder name, the DMS) already gave this kind. */
  | 'known'
  /** A value of this kind was already kept from an earlier proposal. */
  | 'repeated'
  /** The page was not shown (or does not exist). */
  | 'page'
  /** The quote is not in the page text, or only inside longer words. */
  | 'quote'
  /** The quote does not carry the value (wrong date, another signature, a type outside the taxonomy …). */
  | 'unsupported'
  /** The value stands where the text only mentions or cites it ("z dnia …", "Wasz znak", "decyzji nr …"). */
  | 'cited';

export interface GroundedProposals {
  values: MetaValue[];
  rejected: Record<RejectReason, number>;
}

/** Quotes longer than this (whitespace squashed) are not a heading, a date or a name: rejected. */
export const MAX_QUOTE_CHARS = 300;
const MIN_QUOTE_CHARS = 3;

/**
 * Document types a model may propose: the values the heading rules (doctype.ts) produce. A value
 * outside this list is rejected. `head` is the word a heading opens with for that type; `rest`, the
 * words the quote must hold besides it (default: the value's other words).
 */
export const DOC_TYPE_VALUES: readonly { value: string; head: string; rest?: string }[] = [
  ...[
    'decyzja', 'postanowienie', 'wniosek', 'zawiadomienie', 'zgłoszenie', 'sprzeciw', 'protokół',
    'odwołanie', 'pełnomocnictwo', 'upoważnienie', 'skarga', 'wezwanie', 'informacja',
    'zaświadczenie', 'opinia', 'uzgodnienie', 'obwieszczenie', 'zażalenie', 'oświadczenie',
    'ogłoszenie', 'umowa', 'porozumienie', 'ekspertyza', 'wypis', 'wyrys', 'uchwała', 'wyrok',
    'sprostowanie', 'notatka',
  ].map((w) => ({ value: w, head: w })),
  { value: 'notatka służbowa', head: 'notatka' },
  { value: 'rozstrzygnięcie nadzorcze', head: 'rozstrzygnięcie' },
  { value: 'karta usługi', head: 'karta' },
  { value: 'prognoza oddziaływania na środowisko', head: 'prognoza' },
  { value: 'projekt budowlany', head: 'projekt' },
  { value: 'decyzja o warunkach zabudowy', head: 'decyzja' },
  { value: 'decyzja o warunkach zabudowy', head: 'warunki', rest: 'zabudowy' },
  { value: 'dziennik budowy', head: 'dziennik' },
  { value: 'opis techniczny', head: 'opis' },
  { value: 'decyzja o odmowie ustalenia warunków zabudowy', head: 'decyzja' },
  { value: 'decyzja o odmowie pozwolenia na budowę', head: 'decyzja' },
  { value: 'decyzja o odmowie', head: 'decyzja' },
  { value: 'decyzja o pozwoleniu na budowę', head: 'decyzja' },
  { value: 'decyzja o pozwoleniu na rozbiórkę', head: 'decyzja' },
  { value: 'decyzja o ustaleniu lokalizacji inwestycji celu publicznego', head: 'decyzja' },
  { value: 'decyzja o zezwoleniu na realizację inwestycji drogowej', head: 'decyzja' },
  { value: 'decyzja o umorzeniu postępowania', head: 'decyzja' },
];

/** The proposable kinds `values` leave unknown, in PROPOSABLE_KINDS order. */
export function missingKinds(values: readonly MetaValue[]): ProposableKind[] {
  return PROPOSABLE_KINDS.filter((kind) => !known(kind, values));
}

function known(kind: ProposableKind, values: readonly MetaValue[]): boolean {
  if (kind === 'date') return values.some((v) => v.kind === 'date' && v.extra?.role === 'document');
  return values.some((v) => v.kind === kind);
}

export interface ProposalPage {
  page: number;
  /** The stored page text. */
  text: string;
  /**
   * How many characters from the start of the page the model was shown (default: all). A quote
   * ending past them was not shown to it, so it is not grounded.
   */
  shownChars?: number;
}

/** Keeps the proposals the page text supports; see the module comment. Pure, never throws on bad input. */
export function groundProposals(pages: readonly ProposalPage[], rules: readonly MetaValue[], proposals: readonly Proposal[]): GroundedProposals {
  const rejected: Record<RejectReason, number> = { known: 0, repeated: 0, page: 0, quote: 0, unsupported: 0, cited: 0 };
  const missing = new Set(missingKinds(rules));
  const kept = new Map<ProposableKind, MetaValue>();
  for (const p of proposals) {
    if (!missing.has(p.kind)) {
      rejected.known++;
      continue;
    }
    if (kept.has(p.kind)) {
      rejected.repeated++;
      continue;
    }
    const page = pages.find((pg) => pg.page === p.page);
    if (!page || typeof page.text !== 'string') {
      rejected.page++;
      continue;
    }
    const at = locateQuote(page.text, p.quote);
    if (!at || at.end > (page.shownChars ?? page.text.length)) {
      rejected.quote++;
      continue;
    }
    const r = supports(p, page.text, at);
    if ('reason' in r) {
      rejected[r.reason]++;
      continue;
    }
    const v: MetaValue = {
      kind: p.kind,
      value: r.value,
      raw: page.text.slice(r.start, r.end),
      page: page.page,
      start: r.start,
      end: r.end,
      origin: 'llm',
    };
    if (p.kind === 'date') v.extra = { role: 'document' };
    if (p.kind === 'caseNumber') v.extra = { role: 'own' };
    kept.set(p.kind, v);
  }
  return { values: PROPOSABLE_KINDS.flatMap((k) => (kept.has(k) ? [kept.get(k)!] : [])), rejected };
}

export interface Span {
  start: number;
  end: number;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * Where `quote` stands in `text`: the first occurrence, comparing with every whitespace run (line
 * breaks included) taken as one space, that neither starts nor ends inside a word or number. The span
 * is of the exact page characters (trimmed). Null when there is none or the quote is too short or long.
 */
export function locateQuote(text: string, quote: string): Span | null {
  if (typeof quote !== 'string' || typeof text !== 'string') return null;
  const q = squash(quote);
  if (q.length < MIN_QUOTE_CHARS || q.length > MAX_QUOTE_CHARS) return null;
  // The page squashed the same way, with the page offset of every squashed character.
  let squashed = '';
  const at: number[] = [];
  let inSpace = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      if (!inSpace) {
        squashed += ' ';
        at.push(i);
      }
      inSpace = true;
    } else {
      squashed += ch;
      at.push(i);
      inSpace = false;
    }
  }
  for (let k = squashed.indexOf(q); k >= 0; k = squashed.indexOf(q, k + 1)) {
    const start = at[k]!;
    const end = at[k + q.length - 1]! + 1;
    const cutBefore = WORD_CHAR.test(text[start] ?? '') && WORD_CHAR.test(text[start - 1] ?? '');
    const cutAfter = WORD_CHAR.test(text[end - 1] ?? '') && WORD_CHAR.test(text[end] ?? '');
    if (!cutBefore && !cutAfter) return { start, end };
  }
  return null;
}

type Support = { value: string; start: number; end: number } | { reason: 'unsupported' | 'cited' };

/**
 * Whether the quote found at `at` carries the proposed value:
 * - date: a date the rules' parser (findDates, run on the whole page) finds inside the quote equals
 *   the value; not preceded by a preposition or a filing label that makes it a mentioned date;
 * - caseNumber: a signature the rules' parser finds inside the quote has the value's canonical form;
 *   it opens its line or follows an own label ("Znak:", "Sygn."), with no act named before it on
 *   its line ("decyzji nr …") and no "Wasz znak";
 * - docType: a taxonomy value; the quote opens its line with the type's head word (an inflected
 *   form such as "Decyzją" is a sentence, not a heading), and the value's other words are in it;
 * - issuer, outcome: see `wordsSupported`.
 */
function supports(p: Proposal, text: string, at: Span): Support {
  const value = typeof p.value === 'string' ? squash(p.value) : '';
  if (value === '' || value.length > 200) return { reason: 'unsupported' };
  switch (p.kind) {
    case 'date':
      return dateSupport(value, text, at);
    case 'caseNumber':
      return signatureSupport(value, text, at);
    case 'docType':
      return docTypeSupport(value, text, at);
    case 'issuer':
    case 'outcome':
      return wordsSupported(value, text.slice(at.start, at.end), p.kind === 'outcome') ? { value, ...at } : { reason: 'unsupported' };
  }
}

/** Words right before a date that make it a mentioned one: "z dnia", "od", "do dnia", "data wpływu". */
const MENTIONED_DATE_BEFORE = /(?:(?:^|[^a-z])(?:z|ze|od|do|po|przed|w|we|na|dniem)\s+(?:dnia\s+|dn\.\s*)?|data\s+wplywu[\s:]*|wplynel[a-z]*\s+(?:dnia\s+)?)$/;

function dateSupport(value: string, text: string, at: Span): Support {
  const hit = findDates(text).find((d) => d.start >= at.start && d.end <= at.end && d.value === value);
  if (!hit) return { reason: 'unsupported' };
  const before = fold(text.slice(Math.max(0, hit.start - 24), hit.start));
  if (MENTIONED_DATE_BEFORE.test(before)) return { reason: 'cited' };
  return { value: hit.value, start: hit.start, end: hit.end };
}

/** Act nouns that, before a signature on its line, make it that act's ("decyzji nr", "pismo znak"). */
const ACT_BEFORE = /(?:^|[^a-z])(?:decyzj|postanowieni|uchwal|wyrok|pism|wnios|zawiadomieni|obwieszczeni|zgloszeni|skarg|orzeczeni|odwolani|zazaleni)[a-z]*(?![a-z])/;
/** A related case listed after the signature: "<sig> - Wyrok WSA …". */
const RELATED_AFTER = /^[ \t]{0,2}[-–][ \t]{0,2}(?:wyrok|postanowienie|uchwala)/;

function signatureSupport(value: string, text: string, at: Span): Support {
  const want = normaliseSignature(value);
  if (!want) return { reason: 'unsupported' };
  const hit = findSignatures(text).find((s) => s.start >= at.start && s.end <= at.end && s.value === want);
  if (!hit) return { reason: 'unsupported' };
  const lineStart = text.lastIndexOf('\n', hit.start - 1) + 1;
  const lineBefore = text.slice(lineStart, hit.start);
  const label = signatureLabel(text, hit.start);
  if (label === 'other' || ACT_BEFORE.test(fold(lineBefore))) return { reason: 'cited' };
  if (RELATED_AFTER.test(fold(text.slice(hit.end, hit.end + 40)))) return { reason: 'cited' };
  const opensLine = lineBefore.trim() === '';
  if (!opensLine && label !== 'own') return { reason: 'cited' };
  return { value: hit.value, start: hit.start, end: hit.end };
}

function docTypeSupport(value: string, text: string, at: Span): Support {
  const entries = DOC_TYPE_VALUES.filter((t) => t.value === value);
  if (entries.length === 0) return { reason: 'unsupported' };
  if (text.slice(text.lastIndexOf('\n', at.start - 1) + 1, at.start).trim() !== '') return { reason: 'unsupported' };
  const quote = text.slice(at.start, at.end);
  const m = /^(\p{L}+)[ \t]*(\p{L}*)/u.exec(quote);
  if (!m) return { reason: 'unsupported' };
  const first = m[1]!;
  const next = m[2] ?? '';
  const entry = entries.find((t) => headWord(first, next, t.head, t.value));
  if (!entry) return { reason: 'unsupported' };
  // The value's words other than its head must be in the quote too ("… o pozwoleniu na budowę").
  const rest = entry.rest ?? value.split(' ').filter((w) => w !== entry.head).join(' ');
  if (rest !== '' && !wordsSupported(rest, quote.slice(first.length))) return { reason: 'unsupported' };
  if (rest === '' && polarityIn(quote).size > 0) return { reason: 'unsupported' };
  return { value, start: at.start, end: at.end };
}

/**
 * Whether `word` (the quote's first) is the heading word `head`. Written with diacritics it must be
 * the head word itself, any case ("ZGŁOSZENIE"; not "Decyzją", an instrumental that folds the same).
 * Without any (OCR or a typewriter: "ZGLOSZENIE", "POSTANOWlENIE") the heading matcher of the rules
 * decides, which rejects inflected forms ("decyzji").
 */
function headWord(word: string, next: string, head: string, value: string): boolean {
  if (word.toLowerCase() === head) return true;
  if (/[^\x00-\x7f]/.test(word)) return false;
  const t = matchType(word, next);
  return t !== null && (t.value === value || t.value === head);
}

/** Words that carry no meaning of their own in an organ's name or a ruling. */
const STOP = new Set([
  'w', 'we', 'z', 'ze', 'na', 'o', 'od', 'do', 'dla', 'i', 'oraz', 'lub', 'albo', 'a', 'po', 'przez',
  'przy', 'za', 'u', 'nr', 'r', 'sp', 'ul', 'sprawie', 'sprawy',
]);

/**
 * Words whose presence changes a ruling's sense (a refusal, a quashing, a discontinuance, a
 * negation …): folded word starts, each with the sense it stands for.
 */
const POLARITY: [string, string][] = [
  ['nie', 'not'], ['odmaw', 'refuse'], ['odmow', 'refuse'], ['oddal', 'dismiss'], ['odrzuc', 'reject'],
  ['uchyl', 'quash'], ['umarz', 'discontinue'], ['umorz', 'discontinue'], ['uniewaz', 'annul'],
  ['stwierdz', 'declare'], ['uwzgled', 'grant'], ['utrzym', 'uphold'], ['zatwierdz', 'approve'],
  ['udziel', 'grant'], ['sprzeciw', 'object'], ['wstrzym', 'suspend'], ['zawies', 'suspend'],
  ['nakaz', 'order'], ['zobowiaz', 'order'], ['przekaz', 'transfer'], ['uznaj', 'declare'], ['odstap', 'waive'],
];

function tokens(s: string): string[] {
  return fold(s).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The part of a folded word that inflection leaves alone: all but the last three letters, at least four. */
export function stem(word: string): string {
  return word.length <= 4 ? word : word.slice(0, Math.max(4, word.length - 3));
}

function polarityIn(s: string): Set<string> {
  const out = new Set<string>();
  for (const t of tokens(s)) {
    for (const [start, sense] of POLARITY) if (start === 'nie' ? t === 'nie' : t.startsWith(start)) out.add(sense);
  }
  return out;
}

/**
 * An issuer, an outcome or a type's qualifier is supported by the quote when, on folded text:
 * - every content word of the value (a token of letters or digits not in STOP) has its stem (`stem`)
 *   as the start of some word of the quote, and numbers equal a number of the quote;
 * - the value has at least one content word and at most 16;
 * - with `sense` (outcomes, types): the words that change a ruling's sense (POLARITY: "nie",
 *   "odmawia", "uchyla", "oddala", "umarza" …) stand for the same senses in the quote as in the
 *   value: "udziela pozwolenia" is not supported by "odmawia udzielenia pozwolenia".
 */
export function wordsSupported(value: string, quote: string, sense = true): boolean {
  const content = tokens(value).filter((t) => !STOP.has(t));
  if (content.length === 0 || content.length > 16) return false;
  const q = tokens(quote);
  for (const w of content) {
    const ok = /^\p{N}+$/u.test(w) ? q.includes(w) : q.some((t) => t.startsWith(stem(w)));
    if (!ok) return false;
  }
  if (!sense) return true;
  const inQuote = polarityIn(quote);
  const inValue = polarityIn(value);
  if (inQuote.size !== inValue.size) return false;
  for (const p of inQuote) if (!inValue.has(p)) return false;
  return true;
}

/** For callers that name kinds from outside: the proposable ones only. */
export function isProposableKind(kind: string): kind is ProposableKind {
  return (PROPOSABLE_KINDS as readonly string[]).includes(kind);
}
