/**
 * Retrieval metrics as DESIGN.md "How retrieval quality is measured" defines them.
 *
 * - Rankings are lists of file SHA-256, best first. Repeats count once (first place); neutral
 *   files are removed *before* cutting at k, so a neutral file neither helps nor pushes a relevant
 *   one out of the top k.
 * - Relevance is binary. Recall@k divides by min(|relevant|, k); MRR@k is 1/rank of the first
 *   relevant file within k (0 when none); nDCG@k uses gain 1/log2(rank + 1) and the ideal ranking
 *   of min(|relevant|, k) relevant files.
 * - Questions without relevant files are not scored by these (they are no-answer questions).
 */
import { foldForCompare } from '../../ingest/text/fold.js';

/** Ranking to score: repeats dropped (first place kept), neutral files removed. */
export function judgedRanking(ranking: readonly string[], neutral: Iterable<string> = []): string[] {
  const skip = new Set(neutral);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of ranking) {
    if (seen.has(id) || skip.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

function check(relevant: ReadonlySet<string>, k: number): void {
  if (relevant.size === 0) throw new Error('metric undefined without relevant documents');
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
}

/** Relevant files in the top k of an already judged ranking, over min(|relevant|, k). */
export function recallAt(ranking: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  check(relevant, k);
  const hits = ranking.slice(0, k).filter((id) => relevant.has(id)).length;
  return hits / Math.min(relevant.size, k);
}

/** Reciprocal rank of the first relevant file within the top k; 0 when there is none. */
export function mrrAt(ranking: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  check(relevant, k);
  const i = ranking.slice(0, k).findIndex((id) => relevant.has(id));
  return i < 0 ? 0 : 1 / (i + 1);
}

/** Binary-gain nDCG at k. */
export function ndcgAt(ranking: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  check(relevant, k);
  let dcg = 0;
  ranking.slice(0, k).forEach((id, i) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(relevant.size, k); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/** Recall, MRR and nDCG of one ranking at one cut-off. */
export interface RankScores {
  recall: number;
  mrr: number;
  ndcg: number;
}

/** All three metrics for one question: neutral files removed first (see module comment). */
export function scoreRanking(
  ranking: readonly string[],
  relevant: Iterable<string>,
  neutral: Iterable<string>,
  k = 10,
): RankScores {
  const rel = new Set(relevant);
  const judged = judgedRanking(ranking, neutral);
  return { recall: recallAt(judged, rel, k), mrr: mrrAt(judged, rel, k), ndcg: ndcgAt(judged, rel, k) };
}

/** What a searcher answered, as far as no-answer scoring is concerned. */
export interface AnswerShape {
  results: readonly { confidence?: 'high' | 'medium' | 'low' }[];
  notFound?: readonly { kind: string; value: string }[];
  /** Present when no result is shown to meet every condition of the question ("nothing meets everything; the closest are:"). */
  partial?: { unmet: readonly { kind: string; value: string }[] };
}

/**
 * Strictly, a no-answer question is answered well when the answer has no results, says
 * `notFound`, or shows only low-confidence results. A result without a confidence counts as
 * confident (a searcher that cannot say "I am not sure" does not get the benefit of the doubt).
 */
export function noAnswerStrict(answer: AnswerShape): boolean {
  if (answer.results.length === 0) return true;
  if ((answer.notFound?.length ?? 0) > 0) return true;
  return answer.results.every((r) => r.confidence === 'low');
}

/**
 * A no-answer question is answered honestly when it is answered well strictly (`noAnswerStrict`)
 * or the answer says that nothing meets every condition (`partial`), whatever it shows below that.
 */
export function noAnswerSuccess(answer: AnswerShape): boolean {
  return answer.partial !== undefined || noAnswerStrict(answer);
}

/**
 * Condition kinds (server/domain/types.ts ConditionKind) that can carry the same condition: the type
 * of document, what the proceeding is about and what it decided ("odmowa pozwolenia na budowę").
 */
const SAME_CONDITION: Readonly<Record<string, string>> = { docType: 'type', outcome: 'type', subject: 'type' };

/**
 * Whether `partial.unmet` names a condition the closest documents miss (`expected`: one entry per
 * condition some document misses while meeting all others), compared by kind: values are worded
 * differently by every planner ("2002" or "2002–2002", "Oporów" or "obręb Oporów"). The type of a
 * document and its outcome count as one kind ("odmowa" is either).
 */
export function unmetMatches(
  partial: AnswerShape['partial'],
  expected: readonly { kind: string; value: string }[],
): boolean {
  const family = (k: string) => SAME_CONDITION[k] ?? k;
  const got = new Set((partial?.unmet ?? []).map((u) => family(u.kind)));
  return expected.some((e) => got.has(family(e.kind)));
}

/** Whether `notFound` names every expected identifier (kind equal, value equal after folding). */
export function notFoundMatches(
  notFound: readonly { kind: string; value: string }[] | undefined,
  expected: readonly { kind: string; value: string }[],
): boolean {
  const key = (x: { kind: string; value: string }) => `${x.kind}\u0000${foldForCompare(x.value)}`;
  const got = new Set((notFound ?? []).map(key));
  return expected.length > 0 && expected.every((e) => got.has(key(e)));
}

/**
 * Smallest edit distance between `pattern` and any substring of `text` (approximate substring
 * search), over Unicode code points. Myers' bit-parallel algorithm in blocks of 32 rows, as in
 * ingest/text/metrics.ts, but with a free start in the text: row 0 is all zeros, and the answer
 * is the minimum of the last row. O(ceil(m / 32) · n).
 */
export function substringDistance(pattern: string, text: string): number {
  const p = Array.from(pattern);
  const t = Array.from(text);
  const m = p.length;
  const n = t.length;
  if (m === 0) return 0;
  if (n === 0) return m;
  const ids = new Map<string, number>();
  const id = (c: string) => {
    let v = ids.get(c);
    if (v === undefined) ids.set(c, (v = ids.size));
    return v;
  };
  const pi = Int32Array.from(p, id);
  const ti = Int32Array.from(t, id);
  const peq = new Int32Array(ids.size);
  const words = Math.ceil(n / 32);
  // Horizontal deltas along the bottom row of the previous block (+1 / -1 bits, one per column).
  const phc = new Int32Array(words);
  const mhc = new Int32Array(words);
  let best = m;
  for (let start = 0; start < m; start += 32) {
    const len = Math.min(32, m - start);
    const top = len - 1;
    const last = start + 32 >= m;
    for (let k = 0; k < len; k++) peq[pi[start + k]!] = peq[pi[start + k]!]! | (1 << k);
    let pv = -1; // column 0: D[i][0] = i, vertical deltas all +1
    let mv = 0;
    let score = start + len; // D[bottom row of this block][0]
    for (let j = 0; j < n; j++) {
      const w = j >> 5;
      const bit = 1 << (j & 31);
      const eq = peq[ti[j]!]!;
      const pb = (phc[w]! & bit) !== 0 ? 1 : 0;
      const mb = (mhc[w]! & bit) !== 0 ? 1 : 0;
      const xv = eq | mv;
      const xh = ((((eq | mb) & pv) + pv) ^ pv) | eq | mb;
      let ph = mv | ~(xh | pv);
      let mh = pv & xh;
      const phOut = (ph >>> top) & 1;
      const mhOut = (mh >>> top) & 1;
      if (last) {
        score += phOut - mhOut;
        if (score < best) best = score;
      } else {
        phc[w] = phOut ? phc[w]! | bit : phc[w]! & ~bit;
        mhc[w] = mhOut ? mhc[w]! | bit : mhc[w]! & ~bit;
      }
      ph = (ph << 1) | pb;
      mh = (mh << 1) | mb;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
    }
    for (let k = 0; k < len; k++) peq[pi[start + k]!] = 0;
  }
  return best;
}

/**
 * How far a quote is from the page's ground-truth text: edit distance to the closest substring,
 * over the quote's length, both folded (case, whitespace, Polish diacritics). 0 = verbatim; an
 * empty quote is 1 (nothing was cited).
 */
export function citationDistanceRatio(quote: string, gtPageText: string): number {
  const q = foldForCompare(quote);
  const len = Array.from(q).length;
  if (len === 0) return 1;
  const page = foldForCompare(gtPageText);
  if (page.includes(q)) return 0;
  return substringDistance(q, page) / len;
}

/** A citation verifies when its quote is within `tolerance` (edit-distance ratio) of the page's text. */
export function citationValid(quote: string, gtPageText: string, tolerance: number): boolean {
  return citationDistanceRatio(quote, gtPageText) <= tolerance;
}

/** Nearest-rank percentile (p in [0, 100]) of a list; NaN for an empty list. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}
