/**
 * OCR quality metrics: character and word error rate.
 *
 * Both strings are normalised first (NFC, whitespace runs -> one space, trimmed). The edit
 * distance is computed with Myers' bit-parallel algorithm in Hyyrö's blocked form:
 * O(ceil(m / 32) * n) time and O(n / 32 + alphabet) memory, after stripping the common prefix
 * and suffix. Characters are Unicode code points.
 */

export function normaliseForMetrics(s: string): string {
  return s.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** Map two token sequences to dense integer ids. */
function toIds<T>(a: readonly T[], b: readonly T[]): { a: Int32Array; b: Int32Array; size: number } {
  const ids = new Map<T, number>();
  const map = (xs: readonly T[]) =>
    Int32Array.from(xs, (x) => {
      let id = ids.get(x);
      if (id === undefined) ids.set(x, (id = ids.size));
      return id;
    });
  const ia = map(a);
  const ib = map(b);
  return { a: ia, b: ib, size: ids.size };
}

/**
 * Edit distance between integer sequences; `p` is the pattern (vertical, in 32-bit blocks),
 * `t` the text. Requires p.length >= 1.
 */
function myers(p: Int32Array, t: Int32Array, alphabet: number): number {
  const m = p.length;
  const n = t.length;
  const peq = new Int32Array(alphabet);
  // Horizontal deltas (+1 / -1) along the bottom row of the previous block, one bit per column.
  const words = Math.ceil(n / 32);
  const phc = new Int32Array(words).fill(-1); // row 0: D[0][j] = j, all deltas +1
  const mhc = new Int32Array(words);
  let score = m;
  for (let start = 0; start < m; start += 32) {
    const len = Math.min(32, m - start);
    const top = len - 1;
    const last = start + 32 >= m;
    for (let k = 0; k < len; k++) {
      const id = p[start + k]!;
      peq[id] = peq[id]! | (1 << k);
    }
    let pv = -1;
    let mv = 0;
    for (let j = 0; j < n; j++) {
      const w = j >> 5;
      const bit = 1 << (j & 31);
      const eq = peq[t[j]!]!;
      const pb = (phc[w]! & bit) !== 0 ? 1 : 0;
      const mb = (mhc[w]! & bit) !== 0 ? 1 : 0;
      const xv = eq | mv;
      const xh = ((((eq | mb) & pv) + pv) ^ pv) | eq | mb;
      let ph = mv | ~(xh | pv);
      let mh = pv & xh;
      const phOut = (ph >>> top) & 1;
      const mhOut = (mh >>> top) & 1;
      if (last) score += phOut - mhOut;
      else {
        phc[w] = phOut ? phc[w]! | bit : phc[w]! & ~bit;
        mhc[w] = mhOut ? mhc[w]! | bit : mhc[w]! & ~bit;
      }
      ph = (ph << 1) | pb;
      mh = (mh << 1) | mb;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
    }
    for (let k = 0; k < len; k++) peq[p[start + k]!] = 0;
  }
  return score;
}

/** Levenshtein distance between two token sequences (characters, words, ...). */
export function levenshtein<T>(a: readonly T[], b: readonly T[]): number {
  let s = 0;
  let ea = a.length;
  let eb = b.length;
  while (s < ea && s < eb && a[s] === b[s]) s++;
  while (ea > s && eb > s && a[ea - 1] === b[eb - 1]) {
    ea--;
    eb--;
  }
  const x = a.slice(s, ea);
  const y = b.slice(s, eb);
  if (x.length === 0) return y.length;
  if (y.length === 0) return x.length;
  const ids = toIds(x, y);
  // The shorter sequence is the pattern: fewer blocks, same number of cells.
  return x.length <= y.length
    ? myers(ids.a, ids.b, ids.size)
    : myers(ids.b, ids.a, ids.size);
}

function rate(ref: string[], hyp: string[]): number {
  if (ref.length === 0) return hyp.length === 0 ? 0 : 1;
  return levenshtein(ref, hyp) / ref.length;
}

/**
 * Character error rate: edit distance / reference length, over normalised strings.
 * An empty reference gives 0 for an empty hypothesis and 1 otherwise. May exceed 1.
 */
export function cer(reference: string, hypothesis: string): number {
  return rate(Array.from(normaliseForMetrics(reference)), Array.from(normaliseForMetrics(hypothesis)));
}

/** Word error rate: word-level edit distance / reference word count, over normalised strings. */
export function wer(reference: string, hypothesis: string): number {
  const words = (s: string) => {
    const n = normaliseForMetrics(s);
    return n === '' ? [] : n.split(' ');
  };
  return rate(words(reference), words(hypothesis));
}
