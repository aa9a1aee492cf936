/**
 * Dates: 14.03.2019 (r.), 2019-03-14, 14/03/2019, 14-03-2019, 14.III.2019, "dnia 14.03 2019", and written-out
 * "14 marca 2019 r." with genitive month names, tolerating missing diacritics and OCR damage
 * ("pazdziernika", "pazdziemika", "Iipca"). Values are ISO YYYY-MM-DD, calendar-checked.
 */
import { dropOverlaps, editDistance, fold, type Found } from './common.js';

const MONTHS: [string, number][] = [
  ['stycznia', 1], ['lutego', 2], ['marca', 3], ['kwietnia', 4], ['maja', 5], ['czerwca', 6],
  ['lipca', 7], ['sierpnia', 8], ['wrzesnia', 9], ['pazdziernika', 10], ['listopada', 11],
  ['grudnia', 12],
  // Nominative forms: a common slip ("14 marzec 2019").
  ['styczen', 1], ['luty', 2], ['marzec', 3], ['kwiecien', 4], ['maj', 5], ['czerwiec', 6],
  ['lipiec', 7], ['sierpien', 8], ['wrzesien', 9], ['pazdziernik', 10], ['listopad', 11],
  ['grudzien', 12],
];

const ROMAN: Record<string, number> = {
  I: 1, II: 2, III: 3, IV: 4, V: 5, VI: 6, VII: 7, VIII: 8, IX: 9, X: 10, XI: 11, XII: 12,
};

/** Month number for a (folded) month word, allowing small OCR damage; null when unsure. */
export function monthFromWord(word: string): number | null {
  const w = word.replace(/rn/g, 'm').replace(/[1|!]/g, 'l');
  let best: number | null = null;
  let bestDist = Infinity;
  let tie = false;
  for (const [name, month] of MONTHS) {
    const n = name.replace(/rn/g, 'm');
    const max = n.length <= 4 ? 0 : n.length >= 9 ? 2 : 1;
    const d = editDistance(w, n, max);
    if (d > max) continue;
    if (d < bestDist) {
      bestDist = d;
      best = month;
      tie = false;
    } else if (d === bestDist && month !== best) {
      tie = true;
    }
  }
  return tie ? null : best;
}

/** ISO date string, or null when the day/month/year do not form a real date. */
export function isoDate(y: number, m: number, d: number): string | null {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1) return null;
  const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > dim) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Optional "r." / " r." after the year (kept in the raw span). */
const R_SUFFIX = String.raw`(?:[ \t]?r\.|[ \t]r(?![\p{L}\p{N}]))?`;
const NOT_AFTER_NUM = String.raw`(?<!\d)(?<!\d[.,\/\-])`;
const NOT_BEFORE_NUM = String.raw`(?![.,\/\-]?\d)`;

const NUMERIC_RE = new RegExp(
  String.raw`${NOT_AFTER_NUM}(\d{1,2})([.\/\-])[ \t]?(\d{1,2})\2[ \t]?(\d{4})${NOT_BEFORE_NUM}${R_SUFFIX}`,
  'gu',
);
/**
 * "dnia 15.04 2016": a dotted day and month and the year after a space, a typing slip real letters
 * show. Read only after "dnia"/"dn.", where it can be nothing but a date.
 */
const DOT_SPACE_RE = new RegExp(
  String.raw`(?<=(?:^|[^\p{L}])(?:[dD]nia|DNIA|[dD]n\.)[ \t]{1,2})(\d{1,2})\.(\d{1,2})[ \t](\d{4})${NOT_BEFORE_NUM}${R_SUFFIX}`,
  'gu',
);
const ISO_RE = new RegExp(String.raw`${NOT_AFTER_NUM}(\d{4})([\-.])(\d{2})\2(\d{2})${NOT_BEFORE_NUM}`, 'gu');
const ROMAN_RE = new RegExp(
  String.raw`${NOT_AFTER_NUM}(\d{1,2})(?:\.[ \t]?|[ \t])(XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)(?:\.[ \t]?|[ \t])(\d{4})${NOT_BEFORE_NUM}${R_SUFFIX}`,
  'gu',
);
/** On folded text: day, a word of letters (maybe with OCR digits), year. */
const GAP = String.raw`(?:[ \t\u00a0]{1,3}|[ \t\u00a0]{0,2}\r?\n[ \t\u00a0]{0,2})`;
const WORDS_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(\d{1,2})\.?${GAP}([a-z][a-z1|!]{2,13})${GAP}(\d{4})(?![.,\/\-]?\d)`,
  'gu',
);
const WORDS_SUFFIX = new RegExp(`^${R_SUFFIX}`, 'u');

/** All dates in `text`, in order of position. */
export function findDates(text: string): Found[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const hits: Found[] = [];
  const push = (iso: string | null, start: number, end: number): void => {
    if (iso) hits.push({ value: iso, start, end });
  };
  let m: RegExpExecArray | null;

  NUMERIC_RE.lastIndex = 0;
  while ((m = NUMERIC_RE.exec(text)) !== null) {
    push(isoDate(Number(m[4]), Number(m[3]), Number(m[1])), m.index, m.index + m[0].length);
  }
  DOT_SPACE_RE.lastIndex = 0;
  while ((m = DOT_SPACE_RE.exec(text)) !== null) {
    push(isoDate(Number(m[3]), Number(m[2]), Number(m[1])), m.index, m.index + m[0].length);
  }
  ISO_RE.lastIndex = 0;
  while ((m = ISO_RE.exec(text)) !== null) {
    push(isoDate(Number(m[1]), Number(m[3]), Number(m[4])), m.index, m.index + m[0].length);
  }
  ROMAN_RE.lastIndex = 0;
  while ((m = ROMAN_RE.exec(text)) !== null) {
    push(isoDate(Number(m[3]), ROMAN[m[2] ?? ''] ?? 0, Number(m[1])), m.index, m.index + m[0].length);
  }
  const folded = fold(text);
  WORDS_RE.lastIndex = 0;
  while ((m = WORDS_RE.exec(folded)) !== null) {
    const month = monthFromWord(m[2] ?? '');
    if (month === null) continue;
    let end = m.index + m[0].length;
    const suffix = WORDS_SUFFIX.exec(text.slice(end, end + 4));
    if (suffix) end += suffix[0].length;
    push(isoDate(Number(m[3]), month, Number(m[1])), m.index, end);
  }

  return dropOverlaps(hits);
}

const PLACE_WORD = String.raw`\p{Lu}(?:\p{Ll}+|\p{Lu}+)`;
const PLACE = String.raw`${PLACE_WORD}(?:[ \-]${PLACE_WORD})?`;
const DNIA = String.raw`(?:[dD]nia|DNIA|[dD]n\.?|DN\.?|d\.)`;
/** "Wrocław, dnia ", "Wrocław, ", "Wrocław dn. " right before the date. */
const PLACE_BEFORE = new RegExp(
  String.raw`(?:^|[^\p{L}])(${PLACE})(?:[ \t]*,[ \t]*(?:${DNIA}[ \t]*)?|[ \t]+${DNIA}[ \t]*)$`,
  'u',
);
/** A place name alone at the start of its line followed by the date ("Wrocław 14.03.2019"). */
const PLACE_LINE_BEFORE = new RegExp(String.raw`(?:^|\n)[ \t]*(${PLACE})[ \t]+$`, 'u');
/** Words before a date that make it a mentioned one even in a "Place, dnia" shape. */
const NOT_PLACE = new Set(['z', 'od', 'do', 'w', 'po', 'przed', 'ustawy', 'dnia', 'roku']);

/**
 * Index (into `dates`) of the document date on this page, or -1.
 * Strong: "<Place>, dnia <date>" anywhere. Weak (first page only): a line starting with
 * "dnia <date>", or a line holding just the date within the top of the page.
 */
export function documentDateIndex(text: string, dates: Found[], strongOnly: boolean): number {
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i];
    if (!d) continue;
    const before = text.slice(Math.max(0, d.start - 60), d.start);
    const m = PLACE_BEFORE.exec(before) ?? PLACE_LINE_BEFORE.exec(before);
    if (m && !NOT_PLACE.has(fold(m[1] ?? ''))) return i;
  }
  if (strongOnly) return -1;
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i];
    if (!d) continue;
    // Only the text around the date matters: look at most 20 chars back and 8 ahead.
    const back = text.slice(Math.max(0, d.start - 20), d.start);
    const nlBack = back.lastIndexOf('\n');
    const lead = fold(nlBack >= 0 ? back.slice(nlBack + 1) : d.start <= 20 ? back : 'x').trim();
    if (lead === 'dnia' || lead === 'dn.' || lead === 'data:' || lead === 'data') return i;
    const ahead = text.slice(d.end, d.end + 8);
    const nl = ahead.indexOf('\n');
    const rest = (nl >= 0 ? ahead.slice(0, nl) : d.end + 8 >= text.length ? ahead : 'x').trim();
    if (lead === '' && (rest === '' || rest === 'r.') && d.start < 600) return i;
  }
  return -1;
}
