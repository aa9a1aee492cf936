/**
 * Recognising personal identifiers in text: PESEL numbers (11 digits with a valid birth date and
 * check digit, also written with spaces, e.g. "850101 12345") and Polish identity-card numbers
 * (3 letters + 6 digits with a valid check digit, e.g. "ABA 300000"). What is done with them —
 * masking text, covering page images — lives in `masking.ts`.
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

// Digits may be separated by single spaces (forms with one box per digit, OCR of grouped numbers),
// but the run must stand alone: a digit right before or after (even across one space) means it is
// part of a longer number — an account number, a table row — not a PESEL. Letters around it are
// fine ("PESEL:85010112345").
const SPACE = '[ \\u00a0\\u2009\\u202f]';
const PESEL_SPACED = new RegExp(`(?<!\\d${SPACE}?)\\d(?:${SPACE}?\\d){10}(?!${SPACE}?\\d)`, 'g');
// A contiguous 11-digit run right after another number ("ur. 1985 85010112345") is still a PESEL.
const PESEL_PLAIN = /(?<!\d)\d{11}(?!\d)/g;
const ID_CARD = new RegExp(`(?<![\\p{L}\\p{N}])[A-Z]{3}${SPACE}?\\d{6}(?![\\p{L}\\p{N}])`, 'gu');

/** Every PESEL and identity-card number in `text`, in order, not overlapping. */
export function findIdentifiers(text: string): IdentifierSpan[] {
  const found: IdentifierSpan[] = [];
  const scan = (re: RegExp, kind: IdentifierKind, valid: (compact: string) => boolean) => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (valid(m[0].replace(/\s/g, ''))) found.push({ kind, start: m.index, end: m.index + m[0].length });
    }
  };
  scan(PESEL_PLAIN, 'pesel', isValidPesel);
  scan(PESEL_SPACED, 'pesel', isValidPesel);
  scan(ID_CARD, 'id_card', isValidIdCard);
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
