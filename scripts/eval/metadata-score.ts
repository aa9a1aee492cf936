/**
 * Scoring extracted metadata against labelled real texts (real-text/texts.jsonl), per field.
 *
 * - A claim is a value the product stored for a document, with its span mapped onto the record's
 *   clean text (`alignOffsets`). A label is a labelled value with every place its labelled span
 *   occurs in the clean text.
 * - A claim is a true positive when its value equals an unmatched label's value (per-field
 *   comparison, case/diacritics/whitespace folded) **and** its span overlaps that label's span.
 *   Every other claim is a false positive: a wrong value, a value where the label is null or empty,
 *   and a right value read from the wrong place (counted apart as `wrongSpan`).
 * - Precision = TP / claims (NaN without claims), recall = TP / labels (NaN without labels).
 */
import { foldForCompare } from '../../ingest/text/fold.js';

export type Span = readonly [number, number];

export interface Claim {
  value: string;
  /** Half-open span in the record's clean text; null when the value has no place on the page. */
  span: Span | null;
}

export interface Label {
  value: string;
  /** Every occurrence of the labelled span in the clean text (any of them may be overlapped). */
  spans: readonly Span[];
}

export interface FieldTally {
  labelled: number;
  claimed: number;
  tp: number;
  fp: number;
  /** False positives whose value was right but whose span did not overlap the labelled span. */
  wrongSpan: number;
}

export type Equal = (claim: string, label: string) => boolean;

export const emptyTally = (): FieldTally => ({ labelled: 0, claimed: 0, tp: 0, fp: 0, wrongSpan: 0 });

const overlaps = (a: Span, b: Span): boolean => a[0] < b[1] && b[0] < a[1];

/** Scores one field of one document: claims against labels (an empty label list = "nothing to find"). */
export function scoreField(claims: readonly Claim[], labels: readonly Label[], equal: Equal): FieldTally {
  const t = emptyTally();
  t.labelled = labels.length;
  t.claimed = claims.length;
  const used = new Set<number>();
  for (const c of claims) {
    const same = labels.map((l, i) => ({ l, i })).filter(({ l, i }) => !used.has(i) && equal(c.value, l.value));
    const hit = same.find(({ l }) => c.span !== null && l.spans.some((s) => overlaps(c.span as Span, s)));
    if (hit) {
      used.add(hit.i);
      t.tp++;
    } else {
      t.fp++;
      if (same.length) t.wrongSpan++;
    }
  }
  return t;
}

export function addTally(a: FieldTally, b: FieldTally): FieldTally {
  return { labelled: a.labelled + b.labelled, claimed: a.claimed + b.claimed, tp: a.tp + b.tp, fp: a.fp + b.fp, wrongSpan: a.wrongSpan + b.wrongSpan };
}

export const precision = (t: FieldTally): number => (t.claimed === 0 ? Number.NaN : t.tp / t.claimed);
export const recall = (t: FieldTally): number => (t.labelled === 0 ? Number.NaN : t.tp / t.labelled);

/** Comparison form: case and Polish diacritics folded, whitespace and trailing punctuation dropped. */
export const compact = (s: string): string => foldForCompare(s).replace(/\s+/g, '').replace(/[.,;:]+$/, '');

export const sameCompact: Equal = (a, b) => compact(a) === compact(b);

/** Parcels are compared as "number|precinct"; a precinct counts only when both sides name one (number or name). */
export const parcelValue = (number: string, precinct: string | null | undefined): string => `${number}|${precinct ?? ''}`;
export const sameParcel: Equal = (a, b) => {
  const [an = '', ap = ''] = a.split('|');
  const [bn = '', bp = ''] = b.split('|');
  if (compact(an) !== compact(bn)) return false;
  if (!ap || !bp) return true;
  // "0017 Łubnica" / "Łubnica" / "0017": a shared precinct number or name stem is the same precinct.
  const parts = (p: string) => foldForCompare(p).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0 && w !== 'obreb')
    .map((w) => (/^\d+$/.test(w) ? w.replace(/^0+/, '') : w.slice(0, 5)));
  const x = new Set(parts(ap));
  return parts(bp).some((w) => x.has(w));
};

const ADDRESS_NOISE = new Set(['ul', 'ulica', 'ulicy', 'ulic', 'al', 'aleja', 'alei', 'alej', 'aleje', 'rejon', 'rejonie',
  'pl', 'plac', 'placu', 'os', 'osiedle', 'osiedla', 'gm', 'gmina', 'w', 'i', 'przy', 'nr']);
const addressStems = (s: string): Set<string> =>
  new Set(foldForCompare(s).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3 && !ADDRESS_NOISE.has(w) && !/^\d+$/.test(w))
    .map((w) => w.slice(0, 5)));
/** Addresses are written in inflected forms: equal when they share a street or place word stem. */
export const sameAddress: Equal = (a, b) => {
  const x = addressStems(a);
  return [...addressStems(b)].some((w) => x.has(w));
};

/**
 * Outcomes: equal folded, or the claim is the label's opening words — a right but less detailed
 * outcome ("uchyla zaskarżoną decyzję" for "uchyla zaskarżoną decyzję oraz poprzedzającą ją decyzję")
 * counts; a claim that says more than the label, or something else, does not.
 */
export const sameOutcome: Equal = (claim, label) => {
  const x = compact(claim);
  const y = compact(label);
  return x.length > 0 && (x === y || y.startsWith(x));
};

/** Names: equal folded, or one contains the other ("Gmina Wrocław" / "Gmina Wrocław z siedzibą …"). */
export const sameName: Equal = (a, b) => {
  const x = compact(a);
  const y = compact(b);
  return x.length > 0 && y.length > 0 && (x === y || x.includes(y) || y.includes(x));
};

/** Half-open spans where `needle` occurs in `text` (exact). */
export function occurrences(text: string, needle: string): Span[] {
  const out: Span[] = [];
  if (!needle) return out;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) out.push([at, at + needle.length]);
  return out;
}

const comparable = (ch: string): string => (/\s/u.test(ch) ? ' ' : (ch.toLowerCase().normalize('NFD')[0] ?? ch));

/**
 * Maps offsets of `from` (e.g. the stored page text: text layer or OCR) to offsets of `to` (the
 * record's clean text) by a character-level edit alignment (case, diacritics and kinds of
 * whitespace ignored). Returns `from.length + 1` offsets. Texts longer than `maxLen` fall back to a
 * proportional map.
 */
export function alignOffsets(from: string, to: string, maxLen = 8000): Int32Array {
  const n = from.length;
  const m = to.length;
  const map = new Int32Array(n + 1);
  if (n === 0 || m === 0 || n > maxLen || m > maxLen) {
    for (let i = 0; i <= n; i++) map[i] = n === 0 ? 0 : Math.round((i * m) / n);
    return map;
  }
  const a = Array.from(from, comparable);
  const b = Array.from(to, comparable);
  // Surrogate pairs: Array.from splits by code point; keep indices in UTF-16 units.
  const au = unitOffsets(from);
  const bu = unitOffsets(to);
  const N = a.length;
  const M = b.length;
  const dir = new Uint8Array((N + 1) * (M + 1)); // 0 diagonal, 1 up (skip a char of `from`), 2 left (skip a char of `to`)
  let prev = new Int32Array(M + 1);
  let cur = new Int32Array(M + 1);
  for (let j = 0; j <= M; j++) {
    prev[j] = j;
    dir[j] = 2;
  }
  for (let i = 1; i <= N; i++) {
    cur[0] = i;
    dir[i * (M + 1)] = 1;
    const ai = a[i - 1];
    for (let j = 1; j <= M; j++) {
      const diag = (prev[j - 1] as number) + (ai === b[j - 1] ? 0 : 1);
      const up = (prev[j] as number) + 1;
      const left = (cur[j - 1] as number) + 1;
      let best = diag;
      let d = 0;
      if (up < best) [best, d] = [up, 1];
      if (left < best) [best, d] = [left, 2];
      cur[j] = best;
      dir[i * (M + 1) + j] = d;
    }
    [prev, cur] = [cur, prev];
  }
  const cp = new Int32Array(N + 1);
  cp[N] = M;
  let i = N;
  let j = M;
  while (i > 0) {
    const d = j === 0 ? 1 : dir[i * (M + 1) + j];
    if (d === 0) {
      i--;
      j--;
    } else if (d === 1) i--;
    else j--;
    cp[i] = j;
  }
  for (let k = 0; k <= N; k++) map[au[k] as number] = bu[cp[k] as number] as number;
  // Offsets inside a surrogate pair take the pair's start.
  const starts = new Set(au);
  for (let k = 1; k <= n; k++) if (!starts.has(k)) map[k] = map[k - 1] as number;
  return map;
}

function unitOffsets(s: string): number[] {
  const out = [0];
  let at = 0;
  for (const ch of s) {
    at += ch.length;
    out.push(at);
  }
  return out;
}

/** A stored span mapped onto the clean text (at least one character wide). */
export function mapSpan(map: Int32Array, start: number, end: number): Span {
  const last = map.length - 1;
  const s = map[Math.max(0, Math.min(start, last))] as number;
  const e = map[Math.max(0, Math.min(end, last))] as number;
  return [s, Math.max(e, s + 1)];
}
