/**
 * Runs evaluation questions through searchers and scores them (metrics.ts); `formatReport` in
 * report.ts turns the result into markdown. Searchers run one after another, questions in order,
 * so latency figures are not disturbed by each other.
 */
import type { GroundTruth, GtFile } from '../../fixtures/ground-truth.js';
import {
  citationDistanceRatio, mean, noAnswerStrict, noAnswerSuccess, notFoundMatches, percentile, scoreRanking, unmetMatches,
  type RankScores,
} from './metrics.js';
import { QUESTION_KINDS, type EvalQuestion, type QuestionKind } from './questions.js';

export type EvalConfidence = 'high' | 'medium' | 'low';

/** What a searcher returns for one question: ranked documents by file SHA-256, with citations. */
export interface EvalAnswer {
  results: { sha256: string; confidence?: EvalConfidence; citations: { page: number; quote: string }[] }[];
  notFound?: { kind: string; value: string }[];
  /** Present when no result is shown to meet every condition of the question. */
  partial?: { unmet: { kind: string; value: string }[] };
}

/** One way of searching the archive (the reference, keyword-only, vector-only, hybrid + planner …). */
export type EvalSearcher = (question: string) => Promise<EvalAnswer>;

export interface RunEvalOptions {
  questions: EvalQuestion[];
  gt: GroundTruth;
  searchers: Record<string, EvalSearcher>;
  /** Cut-off of every metric; default 10. */
  k?: number;
  /** Largest edit-distance ratio of a quote to its page's ground truth that still verifies; default 0.1. */
  tolerance?: number;
  /** The searcher others are compared with (nDCG goal); default "bm25-clean" when present. */
  reference?: string;
  /** Free-form facts about the run shown at the top of the report (archive, seed, sizes). */
  meta?: Record<string, string | number>;
  onProgress?: (searcher: string, done: number, total: number) => void;
}

/** One question answered by one searcher. */
export interface QuestionOutcome {
  id: string;
  kind: QuestionKind;
  question: string;
  searcher: string;
  /** SHA-256 as returned (top k), before neutral files are removed. */
  ranking: string[];
  scores: RankScores | null;
  /**
   * For no-answer questions: `success` honest (no results, notFound, only low, or `partial`),
   * `strict` the same without `partial`; `unmetNamed` whether `partial` names a condition the
   * closest documents miss (near misses only).
   */
  noAnswer: {
    success: boolean;
    strict: boolean;
    /** Whether the question names identifiers (`expectNotFound`), and `notFound` names them all. */
    expectsNotFound: boolean;
    notFoundMatched: boolean;
    nearMiss: boolean;
    expectsUnmet: boolean;
    unmetNamed: boolean;
  } | null;
  citations: { total: number; valid: number; unverifiable: number; ratios: number[] };
  ms: number;
  error?: string;
}

/** Mean metrics over `n` questions. */
export interface KindRow {
  n: number;
  recall: number;
  mrr: number;
  ndcg: number;
}

/** No-answer questions answered honestly (`success`, `partial` counted) and strictly (without `partial`). */
export interface NoAnswerRow {
  n: number;
  success: number;
  strict: number;
}

/** Everything measured for one searcher. */
export interface SearcherSummary {
  byKind: Partial<Record<QuestionKind, KindRow>>;
  /** Mean over every question with relevant documents (all kinds but no-answer). */
  overall: KindRow;
  noAnswer: NoAnswerRow & {
    /** Questions naming identifiers (`expectNotFound`), and how often `notFound` named them all. */
    notFoundExpected: number;
    notFoundMatched: number;
    /** The near misses among them (`nearMiss` questions), with how often `partial` named the unmet condition. */
    nearMiss: NoAnswerRow & { unmetExpected: number; unmetNamed: number };
  };
  citations: { total: number; valid: number; unverifiable: number; ratioP50: number; ratioP95: number; ratioMax: number };
  latencyMs: { p50: number; p95: number };
  errors: number;
}

/** The result of `runEval`: summaries per searcher and every question's outcome. */
export interface EvalReport {
  k: number;
  tolerance: number;
  reference: string | null;
  meta: Record<string, string | number>;
  questionCounts: Partial<Record<QuestionKind, number>>;
  searchers: string[];
  summary: Record<string, SearcherSummary>;
  outcomes: QuestionOutcome[];
}

function pageText(files: Map<string, GtFile>, sha: string, page: number): string | undefined {
  return files.get(sha)?.pages.find((p) => p.page === page)?.text;
}

async function answerOne(
  q: EvalQuestion,
  name: string,
  searcher: EvalSearcher,
  files: Map<string, GtFile>,
  k: number,
  tolerance: number,
): Promise<QuestionOutcome> {
  const t0 = performance.now();
  let answer: EvalAnswer = { results: [] };
  let error: string | undefined;
  try {
    answer = await searcher(q.question);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const ms = performance.now() - t0;
  const top = answer.results.slice(0, k);
  const ranking = top.map((r) => r.sha256);
  const citations = { total: 0, valid: 0, unverifiable: 0, ratios: [] as number[] };
  for (const r of top) {
    for (const c of r.citations) {
      citations.total++;
      const text = pageText(files, r.sha256, c.page);
      if (text === undefined) {
        citations.unverifiable++;
        continue;
      }
      const ratio = citationDistanceRatio(c.quote, text);
      citations.ratios.push(ratio);
      if (ratio <= tolerance) citations.valid++;
    }
  }
  const answerable = q.relevant.length > 0;
  return {
    id: q.id,
    kind: q.kind,
    question: q.question,
    searcher: name,
    ranking,
    scores: answerable ? scoreRanking(ranking, q.relevant, q.neutral, k) : null,
    // A searcher that failed did not say "nothing found": it is not credited.
    noAnswer: answerable ? null : {
      success: error === undefined && noAnswerSuccess(answer),
      strict: error === undefined && noAnswerStrict(answer),
      expectsNotFound: (q.expectNotFound?.length ?? 0) > 0,
      notFoundMatched: notFoundMatches(answer.notFound, q.expectNotFound ?? []),
      nearMiss: q.nearMiss === true,
      expectsUnmet: (q.expectUnmet?.length ?? 0) > 0,
      unmetNamed: unmetMatches(answer.partial, q.expectUnmet ?? []),
    },
    citations,
    ms,
    ...(error !== undefined ? { error } : {}),
  };
}

function row(outcomes: QuestionOutcome[]): KindRow {
  const scored = outcomes.map((o) => o.scores).filter((s): s is RankScores => s !== null);
  return {
    n: scored.length,
    recall: mean(scored.map((s) => s.recall)),
    mrr: mean(scored.map((s) => s.mrr)),
    ndcg: mean(scored.map((s) => s.ndcg)),
  };
}

export function summarise(outcomes: QuestionOutcome[]): SearcherSummary {
  const byKind: SearcherSummary['byKind'] = {};
  for (const kind of QUESTION_KINDS) {
    const of = outcomes.filter((o) => o.kind === kind && o.scores !== null);
    if (of.length) byKind[kind] = row(of);
  }
  const na = outcomes.map((o) => o.noAnswer).filter((x) => x !== null);
  const near = na.filter((x) => x.nearMiss);
  const naRow = (xs: typeof na): NoAnswerRow => ({
    n: xs.length, success: xs.filter((x) => x.success).length, strict: xs.filter((x) => x.strict).length,
  });
  const ratios = outcomes.flatMap((o) => o.citations.ratios);
  const sum = (f: (o: QuestionOutcome) => number) => outcomes.reduce((a, o) => a + f(o), 0);
  return {
    byKind,
    overall: row(outcomes),
    noAnswer: {
      ...naRow(na),
      notFoundExpected: na.filter((x) => x.expectsNotFound).length,
      notFoundMatched: na.filter((x) => x.notFoundMatched).length,
      nearMiss: { ...naRow(near), unmetExpected: near.filter((x) => x.expectsUnmet).length, unmetNamed: near.filter((x) => x.unmetNamed).length },
    },
    citations: {
      total: sum((o) => o.citations.total),
      valid: sum((o) => o.citations.valid),
      unverifiable: sum((o) => o.citations.unverifiable),
      ratioP50: percentile(ratios, 50),
      ratioP95: percentile(ratios, 95),
      ratioMax: ratios.length ? Math.max(...ratios) : Number.NaN,
    },
    latencyMs: { p50: percentile(outcomes.map((o) => o.ms), 50), p95: percentile(outcomes.map((o) => o.ms), 95) },
    errors: outcomes.filter((o) => o.error !== undefined).length,
  };
}

/** Every question through every searcher, scored. A searcher that throws scores as an empty answer. */
export async function runEval(opts: RunEvalOptions): Promise<EvalReport> {
  const k = opts.k ?? 10;
  const tolerance = opts.tolerance ?? 0.1;
  const files = new Map(opts.gt.files.map((f) => [f.sha256, f]));
  const names = Object.keys(opts.searchers);
  const outcomes: QuestionOutcome[] = [];
  const summary: Record<string, SearcherSummary> = {};
  for (const name of names) {
    const searcher = opts.searchers[name]!;
    const mine: QuestionOutcome[] = [];
    for (const [i, q] of opts.questions.entries()) {
      mine.push(await answerOne(q, name, searcher, files, k, tolerance));
      opts.onProgress?.(name, i + 1, opts.questions.length);
    }
    summary[name] = summarise(mine);
    outcomes.push(...mine);
  }
  const questionCounts: EvalReport['questionCounts'] = {};
  for (const q of opts.questions) questionCounts[q.kind] = (questionCounts[q.kind] ?? 0) + 1;
  const reference = opts.reference ?? (names.includes('bm25-clean') ? 'bm25-clean' : null);
  return { k, tolerance, reference, meta: opts.meta ?? {}, questionCounts, searchers: names, summary, outcomes };
}

export { formatReport } from './report.js';
