/**
 * The LLM reranker: the model may only reorder retrieved chunks. It sees the question and the top
 * candidates (each cut short, inside delimited data blocks), and must answer `{order: [ids]}` with the
 * ids constrained to the candidates by an `enum`. Whatever it answers, only candidate ids come back,
 * each once: unknown and repeated ids are dropped, candidates it left out follow in their old order.
 * No text from the model ever leaves this module. Failures throw a PlannerError (reason safe to show),
 * which the agent turns into degraded mode (the fused order stands).
 */
import { z } from 'zod';
import { PlannerError } from '../agent/plan.js';
import type { ChunkId } from '../domain/types.js';
import { createLlmClient, deadline, toPlannerError, type LlmClient, type LlmSettings } from './client.js';
import { rerankMessages } from './prompts.js';

export interface RerankCandidate {
  chunkId: ChunkId;
  text: string;
}

export interface LlmRerankerOptions {
  timeoutMs: number;
  /** Candidates sent to the model (the rest keep their place after them). Default 20. */
  maxCandidates?: number;
  /** Characters of each candidate's text sent. Default 600. */
  maxChars?: number;
}

const zRerankReply = z.object({ order: z.array(z.string()).max(1000) }).strict();

/** The reply schema: an ordered list of candidate ids, nothing else. */
export function rerankJsonSchema(ids: string[]): Record<string, unknown> {
  return {
    type: 'object',
    properties: { order: { type: 'array', items: { type: 'string', enum: ids } } },
    required: ['order'],
    additionalProperties: false,
  };
}

export class LlmReranker {
  constructor(
    private readonly client: LlmClient,
    private readonly opts: LlmRerankerOptions,
  ) {}

  static fromConfig(settings: LlmSettings): LlmReranker {
    return new LlmReranker(createLlmClient(settings), { timeoutMs: settings.timeoutMs });
  }

  /** Candidate ids, best first: a permutation of the (deduplicated) candidate ids. */
  async rerank(question: string, candidates: RerankCandidate[], signal?: AbortSignal): Promise<ChunkId[]> {
    const unique = dedupe(candidates);
    if (unique.length <= 1) return unique.map((c) => c.chunkId);
    const sent = unique.slice(0, this.opts.maxCandidates ?? 20);
    const ids = sent.map((c) => c.chunkId);
    const dl = deadline(this.opts.timeoutMs, signal);
    let raw: string;
    try {
      raw = await this.client.structuredCompletion({
        messages: rerankMessages(question, sent.map((c) => ({ id: c.chunkId, text: c.text })), this.opts.maxChars ?? 600),
        schemaName: 'rerank',
        jsonSchema: rerankJsonSchema(ids),
        signal: dl.signal,
        maxTokens: 64 + 16 * ids.length + ids.reduce((n, id) => n + id.length, 0),
      });
    } catch (err) {
      throw toPlannerError(err, this.opts.timeoutMs, dl.timedOut());
    } finally {
      dl.dispose();
    }
    const order = parseOrder(raw);
    if (!order) throw new PlannerError('invalid_output', 'model zwrócił nieprawidłową kolejność wyników');
    return mergeOrder(order, ids, unique.slice(sent.length).map((c) => c.chunkId));
  }
}

function parseOrder(raw: string): string[] | null {
  try {
    const parsed = zRerankReply.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data.order : null;
  } catch {
    return null;
  }
}

/** The model's order restricted to `sent` ids (each once), then the sent ids it left out, then `rest`. */
export function mergeOrder(order: string[], sent: ChunkId[], rest: ChunkId[]): ChunkId[] {
  const allowed = new Set(sent);
  const out: ChunkId[] = [];
  const seen = new Set<ChunkId>();
  for (const id of order) {
    if (allowed.has(id) && !seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
  }
  for (const id of sent) if (!seen.has(id)) out.push(id);
  return [...out, ...rest];
}

function dedupe(candidates: RerankCandidate[]): RerankCandidate[] {
  const seen = new Set<ChunkId>();
  return candidates.filter((c) => !seen.has(c.chunkId) && (seen.add(c.chunkId), true));
}
