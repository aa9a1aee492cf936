/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, 2009): every list votes 1 / (k + rank) for
 * each id it returns. Only ranks are used, never the lists' own scores: BM25 scores, cosine
 * similarities and metadata matches live on different scales (and differ between SQLite and
 * Elasticsearch), so adding or normalising them would let one backend's scale decide the order.
 */

export interface RankedList<T extends string = string> {
  /** Which search produced the list (for explanation and tie-breaking). */
  name: string;
  /** Ids best first. Duplicates after the first occurrence are ignored. */
  ids: readonly T[];
  /** Vote multiplier, default 1 (e.g. exact identifier matches may count more). */
  weight?: number;
}

export interface Fused<T extends string = string> {
  id: T;
  score: number;
  /** 1-based rank of the id in each list that returned it. */
  ranks: Record<string, number>;
}

export const RRF_K = 60;

/**
 * Fuses ranked lists. Ties are broken by the best single rank, then by the number of lists that
 * returned the id, then by the id itself, so the order is deterministic.
 */
export function rrf<T extends string>(lists: readonly RankedList<T>[], k = RRF_K): Fused<T>[] {
  if (!(k >= 0) || !Number.isFinite(k)) throw new RangeError(`rrf: k must be a finite number >= 0, got ${k}`);
  const byId = new Map<T, Fused<T>>();
  for (const list of lists) {
    const weight = list.weight ?? 1;
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`rrf: bad weight for list ${list.name}`);
    const seen = new Set<T>();
    let rank = 0;
    for (const id of list.ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      rank++;
      let f = byId.get(id);
      if (!f) {
        f = { id, score: 0, ranks: {} };
        byId.set(id, f);
      }
      f.score += weight / (k + rank);
      // A list name used twice keeps the better rank.
      const prev = f.ranks[list.name];
      if (prev === undefined || rank < prev) f.ranks[list.name] = rank;
    }
  }
  return [...byId.values()].sort(
    (a, b) =>
      b.score - a.score ||
      bestRank(a) - bestRank(b) ||
      Object.keys(b.ranks).length - Object.keys(a.ranks).length ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** The highest score an id can get from these lists: first in every one. */
export function maxRrfScore(lists: readonly RankedList[], k = RRF_K): number {
  return lists.reduce((sum, l) => sum + (l.ids.length > 0 ? (l.weight ?? 1) / (k + 1) : 0), 0);
}

function bestRank(f: Fused<string>): number {
  let best = Infinity;
  for (const r of Object.values(f.ranks)) if (r < best) best = r;
  return best;
}
