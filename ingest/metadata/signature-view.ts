/**
 * The form in which case signatures are compared: the text as a reader sees it, not as it is
 * encoded. Word processors turn "WUA-ZRB" into "WUA‐ZRB" (U+2010) or "WUA–ZRB" (en dash), copy and
 * paste brings non-breaking hyphens and spaces, full-width forms and Cyrillic or Greek letters that
 * look Latin; a restriction by case, a case lookup or a search by signature must treat all of
 * these as the one signature they show. So before signatures are matched, each character cluster
 * is mapped: NFKC (full-width, compatibility forms, combining marks composed), every dash to '-',
 * every space separator to ' ', invisible format characters (zero-width space, soft hyphen, BOM)
 * dropped, and Cyrillic/Greek capitals and small letters that look like Latin ones to those.
 *
 * Matching runs on the view; spans found there are mapped back to the original string, so callers
 * still get offsets into the text they passed.
 */

/** Cyrillic and Greek letters drawn like Latin ones. */
const LOOK_ALIKE: Readonly<Record<string, string>> = {
  // Cyrillic
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X',
  Ѕ: 'S', І: 'I', Ї: 'I', Ј: 'J', Ӏ: 'I', Ԛ: 'Q', Ԝ: 'W', Ү: 'Y',
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', ѕ: 's', і: 'i', ј: 'j', ԛ: 'q', ԝ: 'w', ӏ: 'l', һ: 'h',
  // Greek
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  ο: 'o', ν: 'v', κ: 'k',
};

/** Characters that stand for a hyphen in a signature but are not dash punctuation (\p{Pd}). */
const MINUS_LIKE = new Set(['\u2212', '\u2043', '\u02d7', '\u2796', '\u207b', '\u208b']);

/** Per UTF-16 code unit: 0 needs no mapping (ASCII, Polish letters), 1 may need mapping, 2 a combining diacritic. */
let CLASSES: Uint8Array | null = null;

function classes(): Uint8Array {
  if (CLASSES) return CLASSES;
  const t = new Uint8Array(65536).fill(1);
  for (let c = 0; c < 0x80; c++) t[c] = 0;
  for (const ch of 'ĄĆĘŁŃÓŚŹŻąćęłńóśźż') t[ch.charCodeAt(0)] = 0;
  // The combining diacritical blocks (what NFD Latin text is made of).
  for (const [from, to] of [[0x300, 0x36f], [0x1ab0, 0x1aff], [0x1dc0, 0x1dff], [0x20d0, 0x20ff], [0xfe20, 0xfe2f]] as const) t.fill(2, from, to + 1);
  CLASSES = t;
  return t;
}

const cache = new Map<string, string>();

function mapCluster(cluster: string): string {
  let out = cache.get(cluster);
  if (out !== undefined) return out;
  out = '';
  for (const ch of cluster.normalize('NFKC')) {
    if (/\p{Pd}/u.test(ch) || MINUS_LIKE.has(ch)) out += '-';
    else if (/\p{Zs}/u.test(ch)) out += ' ';
    else if (/\p{Cf}/u.test(ch)) continue;
    else out += LOOK_ALIKE[ch] ?? ch;
  }
  if (cache.size < 10_000) cache.set(cluster, out);
  return out;
}

/** `text` as signatures are matched, with the way back to offsets in the original. */
export interface SignatureView {
  text: string;
  /** The original offset where a span starting at view offset `i` starts. */
  start(i: number): number;
  /** The original offset where a span ending (exclusive) at view offset `i` ends. */
  end(i: number): number;
}

const IDENTITY = (i: number) => i;

/** A cluster whose mapping changed its length: where it is in the view and in the original. */
interface Shift {
  view: number;
  viewEnd: number;
  orig: number;
  origEnd: number;
}

/** The look-alike-free view of `s` (see the top of this file). Cheap when there is nothing to map. */
export function signatureView(s: string): SignatureView {
  const t = classes();
  const pieces: string[] = [];
  const shifts: Shift[] = [];
  let last = 0;
  let viewAt = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    if (t[s.charCodeAt(i)] === 0 && (i + 1 === n || t[s.charCodeAt(i + 1)] !== 2)) continue;
    // A cluster: this character (both halves of a surrogate pair) and the combining marks after it.
    let j = i + 1;
    if (j < n && s.charCodeAt(i) >= 0xd800 && s.charCodeAt(i) < 0xdc00) j++;
    while (j < n && t[s.charCodeAt(j)] === 2) j++;
    const cluster = s.slice(i, j);
    const mapped = mapCluster(cluster);
    if (mapped !== cluster) {
      pieces.push(s.slice(last, i), mapped);
      viewAt += i - last;
      if (mapped.length !== cluster.length) shifts.push({ view: viewAt, viewEnd: viewAt + mapped.length, orig: i, origEnd: j });
      viewAt += mapped.length;
      last = j;
    }
    i = j - 1;
  }
  if (pieces.length === 0) return { text: s, start: IDENTITY, end: IDENTITY };
  pieces.push(s.slice(last));
  const text = pieces.join('');
  if (shifts.length === 0) return { text, start: IDENTITY, end: IDENTITY };
  /** The last shift that starts at or before view offset `i`. */
  const before = (i: number): Shift | undefined => {
    let lo = 0;
    let hi = shifts.length - 1;
    let found: Shift | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (shifts[mid]!.view <= i) (found = shifts[mid], (lo = mid + 1));
      else hi = mid - 1;
    }
    return found;
  };
  return {
    text,
    start: (i) => {
      const sh = before(i);
      if (!sh) return i;
      return i < sh.viewEnd ? sh.orig : sh.origEnd + (i - sh.viewEnd);
    },
    end: (i) => {
      const sh = before(i - 1);
      if (!sh) return i;
      return i - 1 < sh.viewEnd ? sh.origEnd : sh.origEnd + (i - sh.viewEnd);
    },
  };
}
