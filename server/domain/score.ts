/**
 * A result's score in [0, 1], comparable across questions. RRF values are not (they depend on how
 * many searches a plan ran), so the score is built from what the clerk asked for and the document
 * shows: the identifiers it names (signature, parcel, address, investor), the constraints it set
 * (type, period, precinct), the share of the question's words found in the cited passages, and —
 * with a small weight — the fused rank. A document that answers every identifier and constraint
 * scores near 1 whatever the question.
 */
import type { Confidence } from './types.js';

export interface Coverage {
  /** Matched / total; total 0 means the question had none of this kind. */
  matched: number;
  total: number;
}

export interface ScoreInput {
  identifiers: Coverage;
  constraints: Coverage;
  words: Coverage;
  /** Fused RRF score divided by the best possible for the plan, in [0, 1]. */
  fusion: number;
}

const WEIGHTS = { identifiers: 0.5, constraints: 0.25, words: 0.25, fusion: 0.1 } as const;

export function documentScore(s: ScoreInput): number {
  let sum = 0;
  let weight = 0;
  for (const key of ['identifiers', 'constraints', 'words'] as const) {
    const c = s[key];
    if (c.total > 0) {
      sum += WEIGHTS[key] * clamp01(c.matched / c.total);
      weight += WEIGHTS[key];
    }
  }
  sum += WEIGHTS.fusion * clamp01(s.fusion);
  weight += WEIGHTS.fusion;
  // Without identifiers, constraints or words (a bare filter or vector hit) the rank alone cannot
  // justify more than a medium score.
  const score = weight === WEIGHTS.fusion ? 0.5 * clamp01(s.fusion) : sum / weight;
  return Math.round(clamp01(score) * 1000) / 1000;
}

export function confidenceOf(score: number, s: ScoreInput): Confidence {
  // A question naming an identifier is answered with high confidence only by documents naming it.
  if (s.identifiers.total > 0 && s.identifiers.matched === 0) return 'low';
  if (score >= 0.75) return 'high';
  if (score >= 0.45) return 'medium';
  return 'low';
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
