/**
 * How far a document stands out by meaning for one question. Raw similarities do not compare across
 * embedders (hashing vectors spread over 0–0.5, real models' crowd: multilingual-e5-small's
 * similarity of a question to the average chunk is ~0.82 ± 0.02) nor across questions. So each
 * document's best similarity is read as a standard score against the question's similarity to the
 * archive at large (a fixed sample of its chunks, server/store/vector-background.ts) — free of the
 * embedder's scale and offset, the same reading for hashing vectors, e5, mmlw or Elasticsearch's
 * (1 + cos) / 2 scores, and for an archive of 500 chunks or 500,000. Without a background (a tiny
 * archive, a switch of embedders under way) the question's own hits stand in for it. On the
 * real-text development set with e5-small, a relevant document's best chunk stands at a median 2.6
 * spreads above the archive (docs/BENCHMARKS.md, "Real models").
 */
import type { ChunkHit, DocumentId } from './types.js';

/** Fewer hits than this give no stable spread: no meaning evidence. */
export const MIN_HITS = 10;
/**
 * Standard scores mapped onto [0, 1]: at or below FLOOR nothing, at or above CEILING all. On the
 * real-text set with e5-small, paraphrase nDCG@10 was 0.68–0.71 for any of (0.5, 3), (1, 4), (1.5, 4.5),
 * (2, 5): the reading does not hang on the exact bounds.
 */
const FLOOR = 1;
const CEILING = 4;

/**
 * Per document, how far its best hit stands out, in [0, 1]: against `background` (the question's
 * similarity to the archive at large) when given, else against the hits themselves. Empty when there
 * is nothing to read it against.
 */
export function meaningOf(hits: readonly ChunkHit[], background?: { mean: number; spread: number } | null): Map<DocumentId, number> {
  const out = new Map<DocumentId, number>();
  let mean = background?.mean ?? 0;
  let spread = background?.spread ?? 0;
  if (!background) {
    if (hits.length < MIN_HITS) return out;
    for (const h of hits) mean += h.score;
    mean /= hits.length;
    let variance = 0;
    for (const h of hits) variance += (h.score - mean) ** 2;
    spread = Math.sqrt(variance / hits.length);
  }
  if (!(spread > 1e-9)) return out;
  for (const h of hits) {
    const z = (h.score - mean) / spread;
    const m = Math.min(1, Math.max(0, (z - FLOOR) / (CEILING - FLOOR)));
    if (m > (out.get(h.documentId) ?? -1)) out.set(h.documentId, m);
  }
  return out;
}
