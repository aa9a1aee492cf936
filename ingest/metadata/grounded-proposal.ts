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
import { matchType, ONE_WORD_TYPES } from './doctype.js';
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
 * outside this list is rejected (compared without case). `head` is the word a heading opens with
 * for that type; `rest`, the words the quote must hold besides it (default: the value's other words;
 * a list: any one of them).
 */
export const DOC_TYPE_VALUES: readonly { value: string; head: string; rest?: string | string[] }[] = [
  ...ONE_WORD_TYPES.map((w) => ({ value: w, head: w })),
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
  // Court rulings, as ingest/metadata/court-heading.ts names them.
  { value: 'wyrok NSA', head: 'wyrok', rest: ['NSA', 'Naczelny Sąd Administracyjny'] },
  { value: 'wyrok WSA', head: 'wyrok', rest: ['WSA', 'Wojewódzki Sąd Administracyjny'] },
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
 *   the value, and it stands where a document's own date does (`ownDateShape`);
 * - caseNumber: a signature the rules' parser finds inside the quote has the value's canonical form;
 *   it opens its line (or follows the heading's type word, or an own label such as "Znak:"), with no
 *   other act named before it on its line ("decyzji nr …"), no "Wasz znak", and is not a related case
 *   listed below the first line ("<sig> - Wyrok WSA …");
 * - docType: a taxonomy value; the quote opens its line with the type's head word (an inflected
 *   form such as "Decyzją" is a sentence, not a heading), and the value's other words are in it;
 * - issuer, outcome: see `wordsSupported`; an outcome told in the past tense (`pastTense`) is another
 *   ruling's.
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
    case 'outcome': {
      const quote = text.slice(at.start, at.end);
      if (!wordsSupported(value, quote, p.kind === 'outcome')) return { reason: 'unsupported' };
      return p.kind === 'outcome' && pastTense(value, quote) ? { reason: 'cited' } : { value, ...at };
    }
  }
}

/**
 * "Wrocław, dnia ", "Wrocław, ", "Nowa Sól dnia " right before the date, with nothing in lower case
 * before the place on its line (an organ in capitals or a znak may stand there: "WOJEWODA
 * DOLNOŚLĄSKI NK-N.4131.141.9.2017.RJ1 Wrocław, 2 listopada 2017 r.").
 */
const PLACE_BEFORE = /^[^\p{Ll}]*?(?<![\p{L}\p{N}])\p{Lu}\p{Ll}+(?:[ \-]\p{Lu}\p{Ll}+){0,2}(?:[ \t]*,[ \t]*(?:dnia[ \t]*|dn\.[ \t]*)?|[ \t]+(?:dnia|dn\.)[ \t]*)$/u;
/**
 * A heading up to its "z dnia": the type word, maybe a number ("nr 186/2024", "Nr XII/101/15"), then
 * at most twelve capitalised words, numbers or signature parts (its organ, "Sygn. akt II SA/Wr
 * 461/12") with "w", "we", "i" between them. A sentence ("Decyzja
 * została wydana na podstawie … ustawy z dnia") does not fit.
 */
const HEADING_BEFORE_DATE = /^\p{L}+(?: (?:nr|Nr|NR|numer)\.? ?[\p{L}\p{N}/.\-]+)?(?: (?:\p{Lu}[\p{L}\p{N}/.\-]*|\p{N}[\p{N}/.\-]*|w|we|i|akt)){0,12},? z (?:dnia|dn\.)$/u;
/** "z dnia " right before the date: the date of the act named just before. */
const OF_DATE_BEFORE = /(?:^|\s)z\s+(?:dnia|dn\.)\s*$/;

/**
 * Where a date stands says whose it is. A date is taken as the document's own only in the shapes
 * that carry one, read on its line (`lead` before it, `rest` after it):
 * - after a place (PLACE_BEFORE): "Wrocław, dnia 14 marca 2019 r." (not on a page of an official
 *   journal, whose header has the journal's own place and date);
 * - alone on its line, or after "dnia", with at most "r." after it, and no label ("Data:") on the
 *   line above;
 * - after "z dnia" in a heading: the date's line is a heading up to it (HEADING_BEFORE_DATE:
 *   "Decyzja nr 186/2024 z dnia …"), or "z dnia" opens the date's line and one of
 *   the two lines above opens with a type, with no sentence and no other act between them
 *   ("UCHWAŁA NR XII/101/15 / RADY MIEJSKIEJ W … / z dnia …").
 * A date written as 2019-03-14 only after a place: elsewhere it is a database's field (CBOSA, a
 * publisher's "Data: …"). Everything else — "z dnia" in a sentence, "w dniu", "od dnia" — is a
 * mentioned date.
 */
function ownDateShape(text: string, d: { start: number; end: number }): boolean {
  const lineStart = text.lastIndexOf('\n', d.start - 1) + 1;
  const nl = text.indexOf('\n', d.end);
  const leadRaw = text.slice(lineStart, d.start);
  const lead = fold(leadRaw).replace(/\s+/g, ' ').trim();
  const rest = fold(text.slice(d.end, nl < 0 ? text.length : nl)).trim();
  const journal = /dziennik\s+urzedowy/.test(fold(text.slice(0, 400)));
  if (PLACE_BEFORE.test(leadRaw)) return !journal;
  if (/^\d{4}-/.test(text.slice(d.start, d.end))) return false;
  if ((lead === '' || lead === 'dnia' || lead === 'dn.') && (rest === '' || rest === 'r.' || rest === 'r' || rest === 'roku')) {
    const prevEnd = lineStart - 1;
    const prev = prevEnd > 0 ? text.slice(text.lastIndexOf('\n', prevEnd - 1) + 1, prevEnd).trim() : '';
    return !prev.endsWith(':');
  }
  if (!OF_DATE_BEFORE.test(lead)) return false;
  // The heading on the date's own line: "Decyzja nr 186/2024 z dnia …", "Wyrok WSA w Rzeszowie z dnia …".
  if (opensWithType(leadRaw)) return HEADING_BEFORE_DATE.test(leadRaw.replace(/\s+/g, ' ').trim());
  // The heading above: "z dnia" opens the date's line, the lines between name no other act and hold no sentence.
  if (!/^z\s+(?:dnia|dn\.)$/.test(lead)) return false;
  let from = lineStart;
  for (let k = 0; k < 2 && from > 0; k++) {
    from = text.lastIndexOf('\n', from - 2) + 1;
    const block = text.slice(from, lineStart);
    if (block.length > 240 || /[.;:]\s+\p{L}/u.test(block) || citedByAct(block.replace(/\s+/g, ' '))) return false;
    if (opensWithType(block)) return true;
  }
  return false;
}

/** Whether `s` opens (after blanks) with a document type's heading word (`headWord`). */
function opensWithType(s: string): boolean {
  const m = /^[ \t]*(\p{L}+)[ \t]*(\p{L}*)/u.exec(s);
  if (!m || !/^\p{Lu}/u.test(m[1]!)) return false;
  return DOC_TYPE_VALUES.some((t) => headWord(m[1]!, m[2] ?? '', t.head, t.value));
}

function dateSupport(value: string, text: string, at: Span): Support {
  const hit = findDates(text).find((d) => d.start >= at.start && d.end <= at.end && d.value === value);
  if (!hit) return { reason: 'unsupported' };
  if (!ownDateShape(text, hit)) return { reason: 'cited' };
  return { value: hit.value, start: hit.start, end: hit.end };
}

/** Act nouns that, before a signature on its line, make it that act's ("decyzji nr", "pismo znak"). */
const ACT_BEFORE = /(?:^|[^a-z])(?:decyzj|postanowieni|uchwal|wyrok|pism|wnios|zawiadomieni|obwieszczeni|zgloszeni|skarg|orzeczeni|odwolani|zazaleni)[a-z]*(?![a-z])/g;
/** A related case listed after the signature: "<sig> - Wyrok WSA …" (below the page's first line). */
const RELATED_AFTER = /^[ \t]{0,2}[-–][ \t]{0,2}(?:wyrok|postanowienie|uchwala)/;

/**
 * An act named before the signature on its line makes the signature that act's, except the heading's
 * own noun: the line opens with it ("UCHWAŁA Nr XXXV/1168/09", "Obwieszczenie WPN.6320…", "Wyrok nr
 * Sygn. akt …"), in the nominative, and no other act is named after it.
 */
function citedByAct(lineBefore: string): boolean {
  const folded = fold(lineBefore);
  ACT_BEFORE.lastIndex = 0;
  const acts = [...folded.matchAll(ACT_BEFORE)];
  if (acts.length === 0) return false;
  if (acts.length > 1) return true;
  const a = acts[0]!;
  const at = a.index + (a[0].length - a[0].replace(/^[^a-z]/, '').length);
  return folded.slice(0, at).trim() !== '' || !opensWithType(lineBefore);
}

function signatureSupport(value: string, text: string, at: Span): Support {
  const want = normaliseSignature(value);
  if (!want) return { reason: 'unsupported' };
  const hit = findSignatures(text).find((s) => s.start >= at.start && s.end <= at.end && s.value === want);
  if (!hit) return { reason: 'unsupported' };
  const lineStart = text.lastIndexOf('\n', hit.start - 1) + 1;
  const lineBefore = text.slice(lineStart, hit.start);
  const label = signatureLabel(text, hit.start);
  if (label === 'other' || citedByAct(lineBefore)) return { reason: 'cited' };
  const firstLine = text.slice(0, hit.start).trim().indexOf('\n') < 0;
  if (!firstLine && RELATED_AFTER.test(fold(text.slice(hit.end, hit.end + 40)))) return { reason: 'cited' };
  const opensLine = lineBefore.trim() === '' || opensWithType(lineBefore);
  if (!opensLine && label !== 'own') return { reason: 'cited' };
  return { value: hit.value, start: hit.start, end: hit.end };
}

function docTypeSupport(value: string, text: string, at: Span): Support {
  const entries = DOC_TYPE_VALUES.filter((t) => t.value.toLowerCase() === value.toLowerCase());
  if (entries.length === 0) return { reason: 'unsupported' };
  const quote = text.slice(at.start, at.end);
  const m = /^(\p{L}+)[ \t]*(\p{L}*)/u.exec(quote);
  if (!m) return { reason: 'unsupported' };
  const first = m[1]!;
  const next = m[2] ?? '';
  // A heading opens its line; a transcript may run it into the line of the page's header, where it
  // is written in capitals near the top ("… Wrocław, 2 listopada 2017 r. ROZSTRZYGNIĘCIE NADZORCZE").
  const opensLine = text.slice(text.lastIndexOf('\n', at.start - 1) + 1, at.start).trim() === '';
  const capsAtTop = at.start < CAPS_HEADING_CHARS && first.length >= 5 && first === first.toUpperCase();
  if (!opensLine && !capsAtTop) return { reason: 'unsupported' };
  const entry = entries.find((t) => headWord(first, next, t.head, t.value));
  if (!entry) return { reason: 'unsupported' };
  // The value's words other than its head must be in the quote too ("… o pozwoleniu na budowę").
  const after = quote.slice(first.length);
  const rests = entry.rest === undefined ? [entry.value.split(' ').filter((w) => w !== entry.head).join(' ')] : [entry.rest].flat();
  if (rests[0] === '') {
    if (polarityIn(quote).size > 0) return { reason: 'unsupported' };
  } else if (!rests.some((r) => wordsSupported(r, after))) return { reason: 'unsupported' };
  return { value: entry.value, start: at.start, end: at.end };
}

/** How far into the page a type word in capitals inside a line may stand (as the rules' caps heading). */
const CAPS_HEADING_CHARS = 400;

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

/**
 * The quote tells a ruling in the past tense: the word that carries the value's first content word
 * ends like a Polish past form ("oddalił", "uchyliła", "stwierdziło": a lower court's or an earlier
 * organ's ruling, told in the history of the case), not the document's own "oddala", "stwierdzam",
 * "Oddalono".
 */
function pastTense(value: string, quote: string): boolean {
  const head = tokens(value).find((t) => !STOP.has(t));
  if (head === undefined) return false;
  const words = quote.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.some((w) => fold(w).startsWith(stem(head)) && /ł(?:a|o|y|em|am|aś|eś)?$/u.test(w));
}
