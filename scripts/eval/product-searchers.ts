/**
 * The product's searchers, as the evaluation sees them: keyword-only, vector-only, hybrid without
 * a planner (GET /api/search), the agent with the rules planner and, when a model server is given,
 * the agent with the LLM planner — each over an ingested data dir, mapped to
 * `{sha256, confidence, citations}` and `notFound`. The LLM searcher also counts how the model's
 * plans fared (valid, repaired, invalid), why the agent fell back, and how long each answer took.
 */
import { loadConfig } from '../../server/config.js';
import { silentLogger, type Logger } from '../../server/log.js';
import { createSearchRuntime } from '../../server/main.js';
import { UNRESTRICTED_VIEWER } from '../../server/domain/types.js';
import type { AgentResponse, Strategy } from '../../server/services/agent.service.js';
import { cliOperator } from '../../server/store/users.js';
import type { EvalAnswer, EvalSearcher } from './runner.js';

export interface LlmCounts {
  questions: number;
  /** Replies valid at once / after the repair prompt / invalid twice. */
  valid: number;
  repaired: number;
  invalid: number;
  /** Answers planned by the model (after grounding) vs by the rules after a fallback, with the reasons shown. */
  llmPlans: number;
  fallbacks: Record<string, number>;
  /** Terms and steps the grounding dropped (invented by the model, absent from the archive). */
  droppedTerms: number;
  /** Answers whose results the model reordered without complaint (the reranker path). */
  reranked: number;
  rerankFailed: number;
  latencyMs: number[];
}

export interface ProductSearchers {
  /** Named searchers, e.g. "keyword", "vector", "hybrid+planner", "hybrid+llm". */
  searchers: Record<string, EvalSearcher>;
  /** Set when an LLM planner was evaluated. */
  llm: LlmCounts | null;
  close(): Promise<void>;
}

function toAnswer(r: AgentResponse): EvalAnswer {
  return {
    results: r.results.map((x) => ({
      sha256: x.document.source.sha256,
      confidence: x.confidence,
      citations: x.citations.map((c) => ({ page: c.page, quote: c.quote })),
    })),
    ...(r.notFound ? { notFound: r.notFound } : {}),
    ...(r.partial ? { partial: r.partial } : {}),
  };
}

const RERANK_FAILED = 'model nie uszeregował wyników';

/**
 * `env`: the embedder's settings (the archive's); `llmEnv`: settings of a model server for the
 * planner, or null. The rules searchers never see the model.
 */
export async function productSearchers(dataDir: string, env: Record<string, string> = {}, llmEnv: Record<string, string> | null = null): Promise<ProductSearchers> {
  const rt = await createSearchRuntime(loadConfig({ ...env, KWERENDA_DATA_DIR: dataDir }), { logger: silentLogger });
  const searcher =
    (strategy: Strategy, on = rt): EvalSearcher =>
    async (question) =>
      // The evaluation measures the whole archive: the system's own viewer, never a person's.
      toAnswer(await on.agent.search({ question, limit: 10 }, cliOperator(), strategy, UNRESTRICTED_VIEWER));
  const searchers: Record<string, EvalSearcher> = {
    keyword: searcher('keyword'),
    vector: searcher('vector'),
    hybrid: searcher('hybrid'),
    'hybrid+planner': searcher('agent'),
  };
  let llm: LlmCounts | null = null;
  let llmRt: Awaited<ReturnType<typeof createSearchRuntime>> | null = null;
  if (llmEnv) {
    const counts: LlmCounts = { questions: 0, valid: 0, repaired: 0, invalid: 0, llmPlans: 0, fallbacks: {}, droppedTerms: 0, reranked: 0, rerankFailed: 0, latencyMs: [] };
    llm = counts;
    const logger: Logger = {
      ...silentLogger,
      warn: (event) => {
        if (event === 'plan_term_dropped') counts.droppedTerms++;
      },
    };
    const budget = String(Number(llmEnv.LLM_TIMEOUT_MS ?? 4000) * 3 + 10_000);
    const on = await createSearchRuntime(loadConfig({ KWERENDA_SEARCH_BUDGET_MS: budget, ...env, ...llmEnv, KWERENDA_DATA_DIR: dataDir }), {
      logger,
      observePlanner: (o) => counts[o]++,
    });
    llmRt = on;
    searchers['hybrid+llm'] = async (question) => {
      const t0 = Date.now();
      const r = await on.agent.search({ question, limit: 10 }, cliOperator(), 'agent', UNRESTRICTED_VIEWER);
      counts.latencyMs.push(Date.now() - t0);
      counts.questions++;
      if (r.mode === 'llm') {
        counts.llmPlans++;
        if (r.degraded?.reason.startsWith(RERANK_FAILED)) counts.rerankFailed++;
        else if (r.results.length > 1) counts.reranked++;
      } else {
        const why = r.degraded?.reason ?? 'rules (no reason given)';
        counts.fallbacks[why] = (counts.fallbacks[why] ?? 0) + 1;
      }
      return toAnswer(r);
    };
  }
  return {
    searchers,
    llm,
    close: async () => {
      await llmRt?.close();
      await rt.close();
    },
  };
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** The LLM planner's counts as a Markdown section. */
export function formatLlmCounts(c: LlmCounts): string {
  const lines = [
    '## LLM planner (hybrid+llm)',
    '',
    `| questions | replies valid at once | repaired | invalid twice | planned by the model | fell back to rules | terms dropped by grounding | reranked | rerank failed | latency p50 / p95 |`,
    '|---|---|---|---|---|---|---|---|---|---|',
    `| ${c.questions} | ${c.valid} | ${c.repaired} | ${c.invalid} | ${c.llmPlans} | ${c.questions - c.llmPlans} | ${c.droppedTerms} | ${c.reranked} | ${c.rerankFailed} | ${(pct(c.latencyMs, 50) / 1000).toFixed(1)} s / ${(pct(c.latencyMs, 95) / 1000).toFixed(1)} s |`,
  ];
  const reasons = Object.entries(c.fallbacks).sort((a, b) => b[1] - a[1]);
  if (reasons.length) {
    lines.push('', 'Why the agent fell back to the rules (the reason each response carried in `degraded`):', '');
    for (const [why, n] of reasons) lines.push(`- ${n} × ${why}`);
  }
  return `${lines.join('\n')}\n`;
}
