/**
 * How much a document stands out by meaning for one question, from a similarity search's own hits.
 * Raw similarities do not compare across embedders (hashing vectors spread over 0–0.5, real models'
 * crowd into 0.75–0.9: multilingual-e5-small's similarity of a question to the average chunk is
 * ~0.82 ± 0.02), nor across questions. So each document's best similarity is taken as a standard
 * score against the question's own nearest chunks (how far above them it stands, in their spread),
 * which is free of the embedder's scale and offset — the same reading for hashing vectors, e5,
 * mmlw, or Elasticsearch's (1 + cos) / 2 scores. Measured on the real-text development set: a
 * relevant document's best chunk stands 2–4 spreads above the question's 50 nearest; docs/BENCHMARKS.md.
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
