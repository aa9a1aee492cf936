/**
 * A result's score in [0, 1], comparable across questions. RRF values are not (they depend on how
 * many searches a plan ran), so the score is built from what the clerk asked for and the document
 * shows: the identifiers it names (signature, parcel, address, investor), the conditions the question
 * set (type, period, place, issuer, outcome: met, contradicted, or not shown by the document), the
 * share of the question's words found in the cited passages — or, when the archive's embedder knows
 * meaning, how far the document stands out by meaning if that is more (a paraphrase shares few words
 * with its answer) — and, with a small weight, the fused rank. A document that answers every
 * identifier and condition scores near 1 whatever the question; each condition it contradicts
 * scales its score down (a near miss never scores like an answer). Meaning can make a result a medium
 * match, never a strong one: `high` needs the identifiers, conditions and words themselves.
 */
import type { Confidence } from './types.js';

export interface Coverage {
  /** Matched / total; total 0 means the question had none of this kind. */
  matched: number;
  total: number;
}

/** How many of the question's conditions a document meets, contradicts, or does not show. */
export interface ConditionCount {
  yes: number;
  no: number;
  unknown: number;
}

export interface ScoreInput {
  identifiers: Coverage;
  conditions: ConditionCount;
  words: Coverage;
  /** Fused RRF score divided by the best possible for the plan, in [0, 1]. */
  fusion: number;
  /**
   * How far the document stands out in the plan's similarity searches (domain/meaning.ts), in [0, 1],
   * times the weight the archive's embedder earns (AgentService); undefined when the plan ran none,
   * or the embedder's similarity does not measure meaning.
   */
  meaning?: number;
}

const WEIGHTS = { identifiers: 0.5, constraints: 0.25, words: 0.25, fusion: 0.1 } as const;
/** A condition the document does not show counts half: between met and contradicted. */
const UNKNOWN_SHARE = 0.5;
/**
 * Each condition the document contradicts scales what it shows of the question (all but the
 * identifiers it names) by this: an average would let a house permit in another district score like
 * the one asked for; a near miss must read as one.
 */
const CONTRADICTED = 0.6;

function conditionCoverage(c: ConditionCount): Coverage {
  return { matched: c.yes + UNKNOWN_SHARE * c.unknown, total: c.yes + c.no + c.unknown };
}

export function documentScore(s: ScoreInput): number {
  let sum = 0;
  let weight = 0;
  // The topic in the question's words, or in other words (by meaning), whichever shows more.
  const words =
    s.meaning !== undefined && s.words.total > 0
      ? { matched: Math.max(s.words.matched / s.words.total, clamp01(s.meaning)), total: 1 }
      : s.words;
  const parts = { identifiers: s.identifiers, constraints: conditionCoverage(s.conditions), words };
  // A contradicted condition discounts what the document shows of the rest, not the identifiers it
  // names: the asked investor's decision stays above another investor's application.
  const discount = CONTRADICTED ** s.conditions.no;
  for (const key of ['identifiers', 'constraints', 'words'] as const) {
    const c = parts[key];
    if (c.total > 0) {
      sum += WEIGHTS[key] * clamp01(c.matched / c.total) * (key === 'identifiers' ? 1 : discount);
      weight += WEIGHTS[key];
    }
  }
  sum += WEIGHTS.fusion * clamp01(s.fusion) * discount;
  weight += WEIGHTS.fusion;
  // Without identifiers, constraints or words (a bare filter or vector hit) the rank alone cannot
  // justify more than a medium score.
  const score = weight === WEIGHTS.fusion ? 0.5 * clamp01(s.fusion) : sum / weight;
  return Math.round(clamp01(score) * 1000) / 1000;
}

export function confidenceOf(score: number, s: ScoreInput): Confidence {
  // A question naming an identifier is answered with high confidence only by documents naming it.
  if (s.identifiers.total > 0 && s.identifiers.matched === 0) return 'low';
  // Another year, another type, another court: whatever else matches, it is not what was asked.
  if (s.conditions.no > 0) return 'low';
  // The tiers are read without meaning; meaning alone lifts a result to medium at most.
  const shown = s.meaning === undefined ? score : documentScore({ ...s, meaning: undefined });
  // High only when every condition is shown to be met.
  if (shown >= 0.75 && s.conditions.unknown > 0) return 'medium';
  if (shown >= 0.75) return 'high';
  if (shown >= 0.45 || score >= 0.45) return 'medium';
  return 'low';
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
