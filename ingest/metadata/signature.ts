/**
 * Case signatures ("znak sprawy").
 *
 * JRWA style (2011+):  WUA-ZRB.6740.1.123.2019, AB.6740.2.45.2021, WAB-III.6740.15.2018
 * Slash style (older): UA-AB/7351/784/2010, AB-II/7353-12/456/09
 *
 * A signature needs a letter prefix, a 4-digit JRWA class, at least one case number and a
 * year-like last part. OCR damage inside the numeric parts is repaired (O→0, l/I/|→1, S→5, B→8),
 * as are spaces and line breaks around separators and a comma in place of a dot. Look-alike
 * characters (Unicode dashes, full-width forms, Cyrillic/Greek letters, NBSP) are matched as what
 * they look like (signature-view.ts); spans are always offsets into the text passed in.
 */
import { dropOverlaps, fold, type Found } from './common.js';
import { findActNumbers } from './act-number.js';
import { findCourtSignatures } from './court.js';
import { signatureView } from './signature-view.js';

const LET = 'A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźż';
/** Optional spaces, at most one line break. Bounded, so matching stays linear. */
const WS = '[ \\t\\u00a0]{0,2}(?:\\r?\\n[ \\t\\u00a0]{0,2})?';
/** Prefix segments are short (WUA, ZRB, AB, III, GKN); long words are not prefixes. */
const SEG = `[${LET}]{1,6}`;
const PREFIX = `${SEG}(?:${WS}-${WS}${SEG}){0,3}`;
/**
 * Leading prefix segments joined by dots ("IN.I.743…", "IGOŚR.ROŚ.6220…"), read back from where
 * the match starts on a short slice: in the main pattern they would make prefix letters and
 * OCR-damaged digits ambiguous.
 */
const DOTTED_LEAD = new RegExp(`(?<![${LET}0-9.\\-])(?:[${LET}]{1,6}(?:-[${LET}]{1,6})?\\.){1,2}$`);
/** A digit or a character tesseract confuses with one. */
const D = '[0-9OoIl|SB]';
const DOT = `${WS}[.,]${WS}`;
const SL = `${WS}/${WS}`;

/**
 * The clerk's initials some offices add after the year ("….2020. KM", "….2024 AD", "….2017.RJ1",
 * "….2014.MD.1"): part of the znak as written, not of the case it names.
 */
const INITIALS_RE = new RegExp(
  `(?:\\.[ ]?[A-ZĄĆĘŁŃÓŚŹŻ]{2,3}|\\.[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż]{1,2}|[ ][A-ZĄĆĘŁŃÓŚŹŻ]{2,3})[0-9]?(?:\\.[0-9]{1,2})?(?![${LET}0-9])`,
  'y',
);
/** The JRWA class has four digits; real znaki also show three ("743", "074") or a slip of five. */
const JRWA_RE = new RegExp(
  `(?<![${LET}0-9\\-])(${PREFIX})${DOT}(${D}{4}|[0-9]{3}|[0-9]{5})((?:${DOT}${D}{1,6}){1,4})${DOT}(${D}{4})(?![${LET}0-9|])`,
  'g',
);
const SLASH_RE = new RegExp(
  `(?<![${LET}0-9\\-/])(${PREFIX})${SL}(${D}{4})(?:${WS}-${WS}(${D}{1,4}))?((?:${SL}${D}{1,6}){1,3})${SL}(${D}{4}|${D}{2})(?![${LET}0-9|/])`,
  'g',
);
/** Folder names: `_`, space, `.` or `/` as separators, plain digits only. */
const FSEP = '[ ._/,]{1,2}';
const FOLDER_RE = new RegExp(
  `(?<![${LET}0-9])([${LET}]{1,6}(?:-[${LET}]{1,6}){0,3})${FSEP}(\\d{4})(?:-(\\d{1,4}))?((?:${FSEP}\\d{1,6}){2,6})(?![${LET}0-9])`,
  'g',
);

const OCR_DIGITS: Record<string, string> = { O: '0', o: '0', I: '1', l: '1', '|': '1', S: '5', B: '8' };

/** Words that look like a prefix but are not one ("Nr. 6740.1.2.2019" has no real prefix). */
const NOT_PREFIX = new Set([
  'NR', 'NUMER', 'ZNAK', 'SYGN', 'SYGNATURA', 'SPRAWA', 'SPRAWY', 'ART', 'UST', 'PKT', 'POZ', 'DZ',
  'STR', 'TEL', 'FAX', 'NIP', 'PESEL', 'REGON', 'KRS', 'R', 'ROK', 'DNIA', 'DN', 'Z', 'W', 'I',
  'U', 'NA', 'DO', 'OD', 'PAR', 'ZAŁ', 'ZAL', 'LP', 'KW', 'DZU', 'DZ-U', 'M', 'HA',
]);

/** Repair one numeric part; null when it has too little real-digit evidence. */
function repairNumber(part: string): string | null {
  let out = '';
  let real = 0;
  for (const ch of part) {
    if (ch >= '0' && ch <= '9') {
      out += ch;
      real++;
    } else {
      const d = OCR_DIGITS[ch];
      if (d === undefined) return null;
      out += d;
    }
  }
  if (out.length === 0 || real < Math.floor(part.length / 2)) return null;
  return out;
}

function canonPrefix(raw: string, strict: boolean): string | null {
  const compact = raw.replace(/\s+/g, '');
  const letters = compact.replace(/[-.]/g, '');
  if (letters.length < 2) return null;
  if (strict) {
    const upper = [...letters].filter((c) => c !== c.toLowerCase()).length;
    if (upper * 2 < letters.length) return null;
  }
  if (compact.split('-').some((seg) => seg.length >= 3 && /^\p{Lu}\p{Ll}+$/u.test(seg))) {
    return null; // "Nowak-AB", "Urząd – WUA-ZRB": a capitalised word, not an office prefix
  }
  const segs = compact.split(/(?=[-.])|(?<=[-.])/).map((s) => (/^[Iil|]+$/.test(s) ? 'I'.repeat(s.length) : s.toUpperCase()));
  const prefix = segs.join('');
  if (NOT_PREFIX.has(prefix) || NOT_PREFIX.has(prefix.replace(/[-.]/g, ''))) return null;
  // "Nr.AB.6740…", "art.AB…": a word glued on by a dot is no part of the prefix (the match is retried after it).
  if (prefix.includes('.') && NOT_PREFIX.has((prefix.split('.')[0] ?? '').replace(/-/g, ''))) return null;
  return prefix;
}

function validYear4(y: string): boolean {
  const n = Number(y);
  return /^\d{4}$/.test(y) && n >= 1950 && n <= 2099;
}

function buildJrwa(m: RegExpExecArray, strict: boolean, lead = ''): string | null {
  const prefix = canonPrefix(lead + (m[1] ?? ''), strict);
  if (!prefix) return null;
  const cls = repairNumber(m[2] ?? '');
  const year = repairNumber(m[4] ?? '');
  if (!cls || cls.length < 3 || cls.length > 5 || !year || !validYear4(year)) return null;
  // A class other than four digits only with real digits: "ART.123…" is no znak, OCR guesses are not enough.
  const middle = repairParts((m[3] ?? '').split(/[.,]/));
  if (!middle) return null;
  return [prefix, cls, ...middle, year].join('.');
}

/** The numbered middle parts of a signature, OCR-repaired; null when any part is not a number. */
function repairParts(parts: string[]): string[] | null {
  const out: string[] = [];
  for (const p of parts) {
    const t = p.replace(/\s+/g, '');
    if (t === '') continue;
    const r = repairNumber(t);
    if (!r) return null;
    out.push(r);
  }
  return out.length ? out : null;
}

function buildSlash(m: RegExpExecArray, strict: boolean): string | null {
  const prefix = canonPrefix(m[1] ?? '', strict);
  if (!prefix) return null;
  const cls = repairNumber(m[2] ?? '');
  const sub = m[3] === undefined ? '' : repairNumber(m[3]);
  const year = repairNumber(m[5] ?? '');
  if (!cls || cls.length !== 4 || sub === null || !year) return null;
  if (year.length === 4 && !validYear4(year)) return null;
  const middle = repairParts((m[4] ?? '').split('/'));
  if (!middle) return null;
  return [prefix, sub ? `${cls}-${sub}` : cls, ...middle, year].join('/');
}

export interface FindSignatureOptions {
  /** Accept lower-case prefixes (typed queries, folder names). Default false for page text. */
  lenientPrefix?: boolean;
}

/** Every case signature in `text`, with its canonical value and UTF-16 span. */
export function findSignatures(text: string, opts: FindSignatureOptions = {}): Found[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const strict = !opts.lenientPrefix;
  const view = signatureView(text);
  const hits: Found[] = [];
  for (const [re, build] of [
    [JRWA_RE, buildJrwa],
    [SLASH_RE, buildSlash],
  ] as const) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(view.text)) !== null) {
      let start = m.index;
      let end = m.index + m[0].length;
      let value: string | null = null;
      if (re === JRWA_RE) {
        const lead = DOTTED_LEAD.exec(view.text.slice(Math.max(0, m.index - 16), m.index))?.[0] ?? '';
        const withLead = lead ? buildJrwa(m, strict, lead) : null;
        value = withLead ?? buildJrwa(m, strict);
        if (withLead) start -= lead.length;
        INITIALS_RE.lastIndex = end;
        if (value && INITIALS_RE.test(view.text)) end = INITIALS_RE.lastIndex;
      } else {
        value = build(m, strict);
      }
      if (value) hits.push({ value, start: view.start(start), end: view.end(end) });
      else re.lastIndex = m.index + 1; // a rejected prefix may hide a valid later start
    }
  }
  const courts = findCourtSignatures(view.text);
  const znaki = hits.length;
  for (const c of [...courts, ...findActNumbers(view.text)]) hits.push({ value: c.value, start: view.start(c.start), end: view.end(c.end) });
  if (znaki === 0 && courts.length === 0) {
    const n = headingNumber(view.text);
    if (n) hits.push({ value: n.value, start: view.start(n.start), end: view.end(n.end) });
  }
  return dropOverlaps(hits);
}

/**
 * Where a page shows no office znak or court signature, its own number from the places a letter and
 * an act keep for it:
 * - the number of an act numbered in a register, in its heading in capitals: "ROZSTRZYGNIĘCIE
 *   NADZORCZE Nr 55/2014", "ZARZĄDZENIE NR 123/2020" (as a resolution's number is its signature). A
 *   decision's number ("DECYZJA NR 100/25") is not: the decision is filed under its case's znak;
 * - a znak cut short by a transcript ("LEX-I AK", "IF-II": the office prefix and the clerk's
 *   initials, the numbers lost) where a znak stands: after "NR" in the heading before the organ's
 *   name ("ROZSTRZYGNIĘCIE NADZORCZE NR LEX-I BŁ WOJEWODY MAZOWIECKIEGO"), or between the organ's
 *   name and the place and date of the letterhead ("WOJEWODA LUBELSKI IF-II Lublin, dnia …").
 */
const CAPS = 'A-ZĄĆĘŁŃÓŚŹŻ';
/** An office prefix without its numbers: dashed segments in capitals, perhaps the clerk's initials. */
const BARE_PREFIX = `[${CAPS}]{1,6}(?:-[${CAPS}]{1,6}){1,3}(?:[ \\t][${CAPS}]{2,3}(?![\\p{L}\\d]))?`;
const HEADING_NUMBER = new RegExp(
  `(?<![\\p{L}])(?:ROZSTRZYGNIĘCIE[ \\t]{1,3}NADZORCZE|ZARZĄDZENIE)[ \\t]{1,3}(?:NR|Nr|nr)\\.?[ \\t]{0,2}` +
    `(?:(\\d{1,5}\\/(?:\\d{4}|\\d{2}))(?![\\d\\/\\p{L}])|(${BARE_PREFIX})(?=[ \\t\\n]{1,3}(?:WOJEWODY|PREZYDENTA|STAROSTY|BURMISTRZA|WÓJTA|MARSZAŁKA|DYREKTORA)(?![\\p{L}])))`,
  'ud',
);
const LETTERHEAD_ZNAK = new RegExp(
  `^[ \\t\\n]{0,4}(?:WOJEWODA|PREZYDENT|STAROSTA|BURMISTRZ|WÓJT|MARSZAŁEK|DYREKTOR)(?:[ \\t\\n]{1,3}[${CAPS}]{2,20}){1,4}[ \\t\\n]{1,3}(${BARE_PREFIX})[ \\t\\n]{1,3}\\p{Lu}\\p{Ll}{2,20}(?:[ \\-]\\p{Lu}\\p{Ll}{2,20})?,[ \\t]{1,2}(?:dnia[ \\t]{1,2})?\\d{1,2}[ .]`,
  'ud',
);
/** How far into a page the heading of an act is looked for (a journal's header may come first). */
const HEADING_NUMBER_CHARS = 1000;

function headingNumber(text: string): Found | null {
  const head = text.slice(0, HEADING_NUMBER_CHARS);
  const m = HEADING_NUMBER.exec(head) ?? LETTERHEAD_ZNAK.exec(head);
  const at = m?.indices?.[1] ?? m?.indices?.[2];
  if (!m || !at) return null;
  return { value: head.slice(at[0], at[1]), start: at[0], end: at[1] };
}

/** Parse a folder name that spells a signature with `_`, spaces, dots or slashes. */
export function findFolderSignatures(name: string): Found[] {
  if (typeof name !== 'string' || name.length === 0) return [];
  const direct = findSignatures(name, { lenientPrefix: true });
  if (direct.length > 0) return direct;
  const view = signatureView(name);
  const out: Found[] = [];
  FOLDER_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = FOLDER_RE.exec(view.text)) !== null) {
    const prefix = canonPrefix(m[1] ?? '', false);
    const cls = m[2] ?? '';
    const sub = m[3];
    const tail = m[4] ?? '';
    const partsStart = m.index + m[0].length - tail.length;
    const parts: { text: string; end: number }[] = [];
    const partRe = /\d+/g;
    let pm: RegExpExecArray | null;
    while ((pm = partRe.exec(tail)) !== null) parts.push({ text: pm[0], end: partsStart + pm.index + pm[0].length });
    // The year is the right-most 4-digit year-like part with a case number before it.
    let yi = -1;
    for (let i = parts.length - 1; i >= 1; i--) if (validYear4(parts[i]?.text ?? '')) { yi = i; break; }
    // A 2-digit year only with a building class (67xx/73xx): "JAN 2019_03_14" is a date.
    if (yi < 0 && parts.length >= 2 && parts[parts.length - 1]?.text.length === 2 && /^[67]/.test(cls)) {
      yi = parts.length - 1;
    }
    if (!prefix || yi < 0) {
      FOLDER_RE.lastIndex = m.index + 1;
      continue;
    }
    const year = parts[yi]?.text ?? '';
    const middle = parts.slice(0, yi).map((p) => p.text);
    const slash = sub !== undefined || year.length === 2 || cls.startsWith('73') ||
      (!cls.startsWith('67') && Number(year) < 2011);
    const value = slash
      ? [prefix, sub ? `${cls}-${sub}` : cls, ...middle, year].join('/')
      : [prefix, sub ? `${cls}-${sub}` : cls, ...middle, year].join('.');
    const end = parts[yi]?.end ?? m.index + m[0].length;
    out.push({ value, start: view.start(m.index), end: view.end(end) });
    FOLDER_RE.lastIndex = end;
  }
  return out;
}

/**
 * Canonical form of a signature typed or stored anywhere ("wua-zrb. 6740.1.123.2019",
 * "UA-AB_7351_784_2010", "WUA‐ZRB.6740.1.123.2019" with a Unicode dash), or null when the whole
 * string is not one signature. Every comparison of signatures goes through this function (or
 * `signatureKey`), so that what looks the same compares the same.
 */
export function normaliseSignature(s: string): string | null {
  if (typeof s !== 'string' || s.length > 1000) return null;
  const t = signatureView(s).text.trim();
  if (t.length === 0 || t.length > 200) return null;
  for (const hit of [...findSignatures(t, { lenientPrefix: true }), ...findFolderSignatures(t)]) {
    if (hit.start === 0 && hit.end === t.length) return hit.value;
  }
  return null;
}

/**
 * What two case values are compared by: the canonical signature when the value is one, else the
 * text with look-alikes mapped, case and diacritics folded and spaces collapsed.
 */
export function signatureKey(s: string): string {
  return normaliseSignature(s) ?? fold(signatureView(s).text).replace(/\s+/g, ' ').trim();
}

/**
 * How a signature at `start` is labelled: 'own' after "Znak:", "Nr sprawy:", "Sygn." …,
 * 'other' after "Wasz znak:" (the addressee's reference), null when unlabelled.
 */
export function signatureLabel(text: string, start: number): 'own' | 'other' | null {
  const before = fold(text.slice(Math.max(0, start - 40), start));
  if (/(?:wasz|wasze|pana|pani)\s+(?:znak|pismo)[^a-z]{0,6}$/.test(before)) return 'other';
  if (
    /(?:znak(?:\s+sprawy)?|sygn\.?|sygnatura(?:\s+akt)?|(?:nr|numer)\s+sprawy|sprawa\s+nr|l\.\s?dz\.?|dotyczy\s+sprawy)\s*[:.\-–]?\s*(?:nr\.?)?\s*$/.test(
      before,
    )
  ) {
    return 'own';
  }
  return null;
}
