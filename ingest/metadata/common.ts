/**
 * Helpers shared by the metadata extractors.
 *
 * All extractors match on the original page text or on `fold(text)`, which has exactly the same
 * UTF-16 length, so every offset found in either string is an offset into the original.
 */

/** A match in a string: `value` is normalised, `start`/`end` are UTF-16 offsets of the raw span. */
export interface Found {
  value: string;
  start: number;
  end: number;
}

let FOLD_TABLE: Uint16Array | null = null;

function foldTable(): Uint16Array {
  if (FOLD_TABLE) return FOLD_TABLE;
  const t = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) {
    t[c] = c;
    if (c >= 0xd800 && c <= 0xdfff) continue; // surrogates stay as they are
    const ch = String.fromCharCode(c);
    let lo = ch.toLowerCase();
    if (lo.length !== 1) lo = ch; // e.g. U+0130 lower-cases to two code units: keep it
    if (c < 0x0250 || (c >= 0x1e00 && c < 0x1f00)) {
      const d = lo.normalize('NFD');
      const base = d[0];
      if (d.length > 1 && base !== undefined && base >= 'a' && base <= 'z') lo = base;
    }
    if (lo === 'ł') lo = 'l';
    t[c] = lo.charCodeAt(0);
  }
  FOLD_TABLE = t;
  return t;
}

// ignoreBOM keeps a leading U+FEFF in the output (by default the decoder would drop it, shifting every offset).
const UTF16 = new TextDecoder('utf-16le', { ignoreBOM: true });

/**
 * Lower case, Latin diacritics stripped (ą→a, ł→l, ó→o …), one code unit for one code unit:
 * `fold(s).length === s.length` always, so offsets carry over. (A lone surrogate, which no page
 * text should hold, comes out as U+FFFD: still one code unit.)
 */
export function fold(s: string): string {
  const t = foldTable();
  const n = s.length;
  const buf = new Uint16Array(n);
  for (let i = 0; i < n; i++) buf[i] = t[s.charCodeAt(i)]!;
  // Decoding the code units is ~6× faster than String.fromCharCode over them (metadata folds
  // every page 4–5 times).
  return UTF16.decode(buf);
}

/** Levenshtein distance, giving up (returning max + 1) once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] ?? max + 1;
}

/** Collapse whitespace runs (including line breaks) to one space and trim. */
export function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Run an extractor, turning any exception into an empty result (extractors must never throw). */
export function safely<T>(fn: () => T[]): T[] {
  try {
    return fn();
  } catch {
    return [];
  }
}

/** Capitalised Polish word (first letter upper case, the rest lower case). */
export const CAP_WORD = String.raw`\p{Lu}\p{Ll}+`;

/** Abbreviations whose trailing dot does not end a sentence (folded, without the dot). */
const ABBREVIATIONS = new Set([
  'nr', 'dz', 'obr', 'ark', 'ewid', 'ul', 'al', 'pl', 'os', 'm', 'r', 'ust', 'art', 'pkt', 'poz',
  'im', 'gen', 'ks', 'sw', 'geod', 'ozn', 'ok', 'tj', 'np', 'tzw', 'zam', 'godz', 'str', 'dn',
  'pow', 'lok', 'ha', 'mgr', 'inz', 'dr', 'prof', 'sp', 'o', 'z', 'u', 'j', 'w', 'ww', 'jw',
]);

function isSentenceDot(text: string, i: number): boolean {
  // "… Oporów. Inwestor" ends a sentence; "obr. Leśnica", "dz. nr" do not.
  let j = i + 1;
  if (j >= text.length) return true;
  if (!/\s/.test(text[j] ?? '')) return false;
  while (j < text.length && /\s/.test(text[j] ?? '')) j++;
  const next = text[j] ?? '';
  if (!/\p{Lu}/u.test(next)) return false;
  let k = i;
  while (k > 0 && /[\p{L}\p{N}]/u.test(text[k - 1] ?? '')) k--;
  const word = fold(text.slice(k, i));
  return !ABBREVIATIONS.has(word);
}

/** End of the clause/sentence starting at `from`: `;`, a blank line or a sentence-ending dot. */
export function clauseEnd(text: string, from: number, limit: number): number {
  const max = Math.min(text.length, from + limit);
  for (let i = from; i < max; i++) {
    const c = text[i];
    if (c === ';') return i;
    if (c === '\n' && /^\r?\n/.test(text.slice(i + 1, i + 3))) return i;
    if (c === '.' && isSentenceDot(text, i)) return i;
  }
  return max;
}

/** Start of the clause/sentence that contains `to` (searching back at most `limit` chars). */
export function clauseStart(text: string, to: number, limit: number): number {
  const min = Math.max(0, to - limit);
  for (let i = to - 1; i >= min; i--) {
    const c = text[i];
    if (c === ';') return i + 1;
    if (c === '\n' && /\r?\n$/.test(text.slice(Math.max(0, i - 2), i))) return i + 1;
    if (c === '.' && isSentenceDot(text, i)) return i + 1;
  }
  return min;
}

/** Drop entries overlapping an earlier one (by start; the longer wins at equal starts). */
export function dropOverlaps<T extends { start: number; end: number }>(items: T[]): T[] {
  const sorted = [...items].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: T[] = [];
  let lastEnd = -1;
  for (const it of sorted) {
    if (it.start >= lastEnd) {
      kept.push(it);
      lastEnd = it.end;
    }
  }
  return kept;
}

/** True when [start, end) overlaps any span in `spans` (sorted or not; spans are few). */
export function overlapsAny(start: number, end: number, spans: { start: number; end: number }[]): boolean {
  for (const s of spans) if (start < s.end && s.start < end) return true;
  return false;
}
