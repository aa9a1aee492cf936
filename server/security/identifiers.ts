/**
 * Recognising personal identifiers in text: PESEL numbers (11 digits with a valid birth date and
 * check digit, also written in groups: "850101 12345", "850101-12345", "85.01.01.123.45") and
 * Polish identity-card numbers (3 letters + 6 digits with a valid check digit: "ABA300000",
 * "ABA 300000", "ABA-300000", "aba300000"). What is done with them — masking text, covering page
 * images, keeping them out of masked roles' searches — lives in `masking.ts`.
 */

export type IdentifierKind = 'pesel' | 'id_card';

/** Where an identifier sits in a text: `text.slice(start, end)`. */
export interface IdentifierSpan {
  kind: IdentifierKind;
  start: number;
  end: number;
}

const PESEL_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
const ID_CARD_WEIGHTS = [7, 3, 1, 9, 7, 3, 1, 7, 3];

/** The month field of a PESEL carries the century: +80 → 1800s, +0 → 1900s, +20 → 2000s, +40, +60. */
const CENTURY_BY_OFFSET: Record<number, number> = { 80: 1800, 0: 1900, 20: 2000, 40: 2100, 60: 2200 };

function validBirthDate(digits: string): boolean {
  const yy = Number(digits.slice(0, 2));
  const mmRaw = Number(digits.slice(2, 4));
  const dd = Number(digits.slice(4, 6));
  const offset = Math.floor(mmRaw / 20) * 20;
  const century = CENTURY_BY_OFFSET[offset];
  const month = mmRaw - offset;
  if (century === undefined || month < 1 || month > 12) return false;
  const daysInMonth = new Date(Date.UTC(century + yy, month, 0)).getUTCDate();
  return dd >= 1 && dd <= daysInMonth;
}

/** 11 digits (nothing else) with a valid birth date and check digit. */
export function isValidPesel(digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(digits[i]) * PESEL_WEIGHTS[i]!;
  return (10 - (sum % 10)) % 10 === Number(digits[10]) && validBirthDate(digits);
}

/** 3 capital letters + 6 digits (no space) whose weighted sum, the check digit included, is 0 mod 10. */
export function isValidIdCard(value: string): boolean {
  if (!/^[A-Z]{3}\d{6}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const c = value.charCodeAt(i);
    const v = i < 3 ? c - 55 : c - 48; // A=10 … Z=35
    sum += v * ID_CARD_WEIGHTS[i]!;
  }
  return sum % 10 === 0;
}

/** Spaces that separate digit groups: plain, no-break, figure, thin, narrow no-break. */
const SPACE = '[ \\u00a0\\u2007\\u2009\\u202f]';
/** The hyphen, the Unicode dashes (‐ ‑ ‒ – — ―) and the minus sign, as typed or typeset. */
const DASH = '\\-\\u2010-\\u2015\\u2212';
/** Marks that split a PESEL into groups: a dash, a dot or a slash. */
const MARK = `[${DASH}./]`;
const MARK_CHAR = new RegExp(`^${MARK}$`, 'u');
const SPACES = new RegExp(SPACE, 'gu');
/** Between two digits of a written PESEL: one or two spaces, or one mark with a space either side. */
const GAP = `(?:${SPACE}{1,2}|${SPACE}?${MARK}${SPACE}?)`;

// Digits may be split into groups ("850101 12345", "850101-12345", "85.01.01.123.45", one digit per
// form box), but the run must stand alone: a digit right before or after, even across a gap, means
// it is part of a longer number (an account, a table row), and a "+" before it makes it a phone
// number. Letters around it are fine ("PESEL:85010112345"). `checkGroups` rules out dates and case
// signatures, whose digits can also add up to eleven.
const PESEL_SPLIT = new RegExp(`(?<!\\d${GAP}?)(?<!\\+${SPACE}?)\\d(?:${GAP}?\\d){10}(?!${GAP}?\\d)(?!,\\d)`, 'gu');
// A contiguous 11-digit run right after another number ("ur. 1985 85010112345") is still a PESEL.
const PESEL_PLAIN = /(?<![\d+])\d{11}(?!\d)(?!,\d)/g;
// Identity cards: capitals glued to the digits or split by a space or a dash ("ABA300000",
// "ABA 300000", "ABA-300000"); lower case only glued or dashed ("aba300000", "aba-300000"), since
// a lower-case word and a number ("tel 123456") are ordinary text. A decimal part after the digits
// makes it an amount.
const ID_CARD = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:[A-Z]{3}(?:${SPACE}|${SPACE}?[${DASH}]${SPACE}?)?|[a-z]{3}[${DASH}]?)\\d{6}(?![\\p{L}\\p{N}])(?![,.]\\d)`,
  'gu',
);
/**
 * Three letters and six digits that are other codes even when they pass the check: amounts
 * ("PLN 100000") and Natura 2000 sites, named in environmental decisions ("PLH020052").
 */
const NOT_SERIES = new Set(['PLN', 'EUR', 'USD', 'GBP', 'CHF', 'PLH', 'PLB', 'PLC']);

/**
 * Whether a split digit run at text[start, end) reads as a PESEL and not as an amount, a date or a
 * case signature: every gap of one kind (spaces only, or the same mark each time: "14.03.2019 017"
 * is a date and a number), not grouped in thousands ("24 100 678 901"); with marks, no group of four
 * digits (the year of a date, the file code of a signature "6730.1.14.2019") and no chain of marks
 * going on beyond the run ("ZRB.6730.1.14.2019").
 */
function checkGroups(text: string, start: number, end: number): boolean {
  const run = text.slice(start, end);
  const gaps = run.split(/\d+/u).slice(1, -1);
  if (gaps.length === 0) return true;
  const marks = new Set(gaps.map((g) => g.replace(SPACES, '')));
  if (marks.size > 1) return false;
  const groups = run.split(/\D+/u);
  if (groups.slice(1).every((group) => group.length === 3)) return false;
  const mark = [...marks][0]!;
  if (mark === '') return true;
  if (groups.some((group) => group.length === 4)) return false;
  const chained = (at: number, next: number) => MARK_CHAR.test(text[at] ?? '') && /[\p{L}\p{N}]/u.test(text[next] ?? '');
  return !chained(start - 1, start - 2) && !chained(end, end + 1);
}

/** Every PESEL and identity-card number in `text`, in order, not overlapping. */
export function findIdentifiers(text: string): IdentifierSpan[] {
  const found: IdentifierSpan[] = [];
  const scan = (re: RegExp, kind: IdentifierKind, valid: (compact: string, start: number, end: number) => boolean) => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const end = m.index + m[0].length;
      if (valid(m[0].replace(/[^\p{L}\p{N}]/gu, ''), m.index, end)) found.push({ kind, start: m.index, end });
    }
  };
  scan(PESEL_PLAIN, 'pesel', isValidPesel);
  scan(PESEL_SPLIT, 'pesel', (digits, start, end) => isValidPesel(digits) && checkGroups(text, start, end));
  scan(ID_CARD, 'id_card', (v) => isValidIdCard(v.toUpperCase()) && !NOT_SERIES.has(v.slice(0, 3).toUpperCase()));
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: IdentifierSpan[] = [];
  for (const s of found) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

export function hasIdentifier(text: string): boolean {
  return findIdentifiers(text).length > 0;
}
