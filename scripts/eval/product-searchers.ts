/**
 * The product's searchers, as the evaluation sees them: keyword-only, vector-only, hybrid without
 * a planner (GET /api/search) and the agent (rules planner; the LLM cannot run here) over an
 * ingested data dir, each mapped to `{sha256, confidence, citations}` and `notFound`.
 */
import { loadConfig } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { createSearchRuntime } from '../../server/main.js';
import { UNRESTRICTED_VIEWER } from '../../server/domain/types.js';
import type { AgentResponse, Strategy } from '../../server/services/agent.service.js';
import { cliOperator } from '../../server/store/users.js';
import type { EvalAnswer, EvalSearcher } from './runner.js';

export interface ProductSearchers {
  /** Named searchers, e.g. "keyword", "vector", "hybrid+planner". */
  searchers: Record<string, EvalSearcher>;
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
  };
}

export async function productSearchers(dataDir: string): Promise<ProductSearchers> {
  const rt = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: dataDir }), { logger: silentLogger });
  const searcher =
    (strategy: Strategy): EvalSearcher =>
    async (question) =>
      // The evaluation measures the whole archive: the system's own viewer, never a person's.
      toAnswer(await rt.agent.search({ question, limit: 10 }, cliOperator(), strategy, UNRESTRICTED_VIEWER));
  return {
    searchers: {
      keyword: searcher('keyword'),
      vector: searcher('vector'),
      hybrid: searcher('hybrid'),
      'hybrid+planner': searcher('agent'),
    },
    close: () => rt.close(),
  };
}
