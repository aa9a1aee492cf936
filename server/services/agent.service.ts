/**
 * The agent search: question → plan (LLM, or rules when there is none or it fails) → searches →
 * fusion → optional bounded rerank → citations verified against the stored pages → a response that
 * holds documents, passages and the plan, and no prose. Every response is recorded as shown.
 */
import { z } from 'zod';
import type { Embedder } from '../../ingest/embed.js';
import { normaliseSignature } from '../../ingest/metadata/index.js';
import { readQuestion, withPlannedConditions } from '../agent/question.js';
import { PlanExecutor, identifierKey, type ExecutedStep } from '../agent/executor.js';
import { PlannerError, plainText, type Plan, type Planner, type PlanStep, MAX_STEPS } from '../agent/plan.js';
import { askedConditions } from '../agent/conditions.js';
import { buildDrafts, identifierKeysOf, questionIdentifiers, type Draft } from '../agent/results.js';
import { verifyCitations } from '../domain/citations.js';
import { zSearchFilters, type AskedCondition, type MetadataHit, type NotFound, type ResultCondition, type SearchFilters, type SearchResult, type Viewer } from '../domain/types.js';
import { DomainError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SearchBackend } from '../search/backend.js';
import type { Searches } from '../store/searches.js';
import type { Actor } from '../store/users.js';
import { DEFAULT_PESEL_POLICY, type PeselPolicy } from '../security/masking.js';

export const MAX_QUESTION_CHARS = 500;

export const zAgentRequest = z
  .object({
    question: z.string({ error: 'pytanie musi być tekstem' }),
    limit: z.number().int().min(1).max(50).optional(),
    filters: zSearchFilters.optional(),
  })
  .strict();
export type AgentRequest = z.infer<typeof zAgentRequest>;

export type Strategy = 'agent' | 'hybrid' | 'keyword' | 'vector';

export interface AgentResponse {
  id: string;
  question: string;
  mode: 'llm' | 'rules' | 'hybrid' | 'keyword' | 'vector';
  degraded?: { reason: string };
  plan: ExecutedStep[];
  notFound?: NotFound[];
  /** What the question asks of a document, as planned; absent when it asks nothing beyond its words. */
  conditions?: AskedCondition[];
  /**
   * No result is shown to meet every condition: `unmet` are the conditions the closest results (those
   * missing the fewest) do not meet, contradicted or not shown. Absent when there are no results.
   */
  partial?: { unmet: AskedCondition[] };
  results: SearchResult[];
}

export interface Reranker {
  /** Candidate chunk ids in the model's order; only ids from `candidates`. Throws on failure. */
  rerank(question: string, candidates: { chunkId: string; text: string }[], signal: AbortSignal): Promise<string[]>;
}

/**
 * Drops terms and steps the model introduced that neither the question nor the archive contains —
 * the archive as `viewer` sees it (a term only a restricted document holds does not ground a plan).
 */
export type Grounder = (
  plan: Plan,
  question: string,
  filters: SearchFilters | undefined,
  viewer: Viewer,
) => Promise<{ plan: Plan | null; dropped: { step: number; term: string; reason: string }[] }>;

export interface AgentDeps {
  backend: SearchBackend;
  embedder: Embedder;
  rules: Planner;
  llm?: { planner: Planner; ground: Grounder; reranker?: Reranker };
  searches: Searches;
  logger: Logger;
  budgetMs: number;
  /** KWERENDA_MEANING_WEIGHT: a number, or `auto` (by the archive's embedder, read at each search: it may be moved by `kwerenda reembed`). */
  meaningWeight?: number | 'auto';
  /** The question vector's similarity to the archive at large (store/vector-background.ts). */
  background?: (query: Float32Array) => { mean: number; spread: number } | null;
  /** Who sees PESEL / identity-card numbers; default: supervisors only. */
  pesel?: PeselPolicy;
}

const TIER: Record<string, number> = { high: 0, medium: 1, low: 2 };

/** The offline hashing embedder's similarity is spelling, not meaning: it earns no weight by default. */
export function meaningWeight(setting: number | 'auto', embedderId: string): number {
  if (setting !== 'auto') return setting;
  return embedderId.startsWith('hash-') ? 0 : 1;
}

export class AgentService {
  constructor(private readonly deps: AgentDeps) {}

  /** Validates an untrusted request body; throws DomainError('invalid_question' | 'invalid_request'). */
  parseRequest(body: unknown): Required<Pick<AgentRequest, 'question' | 'limit'>> & { filters?: SearchFilters } {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new DomainError('invalid_request', 'treść żądania musi być obiektem JSON z polem "question"');
    }
    if (!('question' in body) || typeof (body as { question: unknown }).question !== 'string') {
      throw new DomainError('invalid_question', 'brak pytania (pole "question" musi być tekstem)');
    }
    const parsed = zAgentRequest.safeParse(body);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new DomainError('invalid_request', `nieprawidłowe pole ${i.path.join('.') || 'żądania'}: ${i.message}`);
    }
    if (parsed.data.question.length > MAX_QUESTION_CHARS) {
      throw new DomainError('invalid_question', `pytanie jest za długie (najwyżej ${MAX_QUESTION_CHARS} znaków)`);
    }
    const question = plainText(parsed.data.question, MAX_QUESTION_CHARS);
    if (!/[\p{L}\p{N}]/u.test(question)) throw new DomainError('invalid_question', 'pytanie jest puste');
    return { question, limit: parsed.data.limit ?? 10, ...(parsed.data.filters ? { filters: parsed.data.filters } : {}) };
  }

  /**
   * Answers as `viewer` — by default the actor who asked, whose search is recorded. Only the system's
   * own evaluation and benchmarks pass another viewer (UNRESTRICTED_VIEWER); HTTP routes never do.
   */
  async search(body: unknown, actor: Actor, strategy: Strategy = 'agent', viewer: Viewer = actor): Promise<AgentResponse> {
    const req = this.parseRequest(body);
    const started = Date.now();
    const budget = new AbortController();
    const timer = setTimeout(() => budget.abort(), this.deps.budgetMs);
    try {
      const read = readQuestion(req.question);
      // Planning may use at most half the budget, so that the rules planner and the searches that
      // follow a model that timed out still have time.
      const planSignal = AbortSignal.any([budget.signal, AbortSignal.timeout(Math.max(1, Math.floor(this.deps.budgetMs / 2)))]);
      const planned = await this.plan(req.question, req.filters, strategy, planSignal, viewer);
      // A model's plan may read conditions the rules did not (grounded in the question).
      const facts = planned.plan.conditions ? withPlannedConditions(read, planned.plan.conditions) : read;
      // A role that may not see PESEL / identity-card numbers finds nothing through them (agent/masked-search.ts).
      const hideIdentifiers = !(this.deps.pesel ?? DEFAULT_PESEL_POLICY).maySee(actor.role);
      const steps = strategy === 'agent' ? withQuestionIdentifiers(planned.plan.steps, facts) : planned.plan.steps;
      const weight = meaningWeight(this.deps.meaningWeight ?? 'auto', this.deps.embedder.id);
      const evidence = await new PlanExecutor({
        backend: this.deps.backend,
        embedder: this.deps.embedder,
        filters: req.filters,
        viewer,
        signal: budget.signal,
        hideIdentifiers,
        // Meaning is read only when it counts (not for the hashing embedder by default).
        ...(weight > 0 ? { meaning: { background: this.deps.background ?? (() => null) } } : {}),
      }).run(steps);

      const keys = strategy === 'agent' ? identifierKeysOf(facts, normaliseValue) : [];
      const noFacts = { ...facts, caseNumbers: [], parcels: [], addresses: [], investors: [] };
      let drafts = await buildDrafts({
        backend: this.deps.backend,
        viewer,
        evidence,
        facts: strategy === 'agent' ? facts : noFacts,
        depth: Math.min(50, req.limit * 2),
        identifierKeys: keys,
        hideIdentifiers,
        meaningWeight: weight,
      });
      let degraded = planned.degraded;
      drafts = orderDrafts(drafts);
      if (planned.mode === 'llm' && this.deps.llm?.reranker && !budget.signal.aborted) {
        try {
          drafts = await this.rerank(req.question, drafts, budget.signal);
        } catch (err) {
          this.deps.logger.warn('rerank_failed', { reason: err instanceof PlannerError ? err.failure : 'error' });
          degraded ??= { reason: 'model nie uszeregował wyników; kolejność według wyszukiwarki' };
        }
      }
      if (evidence.truncated) degraded = { reason: `przekroczono limit czasu wyszukiwania (${this.deps.budgetMs / 1000} s); wyniki mogą być niepełne` };

      const results = await this.verified(drafts.slice(0, req.limit), viewer);
      const notFound: NotFound[] =
        strategy === 'agent'
          ? questionIdentifiers(facts)
              .filter((i) => (evidence.identifierDocs.get(identifierKey(i.kind, normaliseValue(i.kind, i.value)))?.size ?? 0) === 0)
              .map((i) => ({ kind: i.kind, value: i.precinct ? `${i.value} (obręb ${i.precinct})` : i.value }))
          : [];
      const asked = strategy === 'agent' ? askedConditions(facts, questionIdentifiers(facts).map((i) => ({ kind: i.kind, value: i.precinct ? `${i.value} (obręb ${i.precinct})` : i.value }))) : [];
      const partial = partialAnswer(asked, results);
      const built: AgentResponse = {
        id: this.deps.searches.newId(),
        question: req.question,
        mode: planned.mode,
        ...(degraded ? { degraded } : {}),
        plan: evidence.steps,
        ...(notFound.length > 0 ? { notFound } : {}),
        ...(asked.length > 0 ? { conditions: asked } : {}),
        ...(partial ? { partial } : {}),
        results,
      };
      // Recorded exactly as this caller sees it (identifiers masked for roles that may not see them),
      // so a supervisor reopening the search later sees what the clerk saw.
      const response = await (this.deps.pesel ?? DEFAULT_PESEL_POLICY).response(built, actor.role, async (doc, page) =>
        (await this.deps.backend.page(doc, page, viewer))?.text ?? null,
      );
      this.deps.searches.record(
        {
          id: response.id,
          question: response.question,
          mode: response.mode,
          degraded: degraded?.reason,
          resultCount: results.length,
          resultIds: results.map((r) => r.document.id),
          response,
        },
        actor,
      );
      this.deps.logger.info('search', {
        id: response.id,
        user: actor.name,
        mode: response.mode,
        degraded: degraded !== undefined,
        steps: evidence.steps.length,
        results: results.length,
        ms: Date.now() - started,
      });
      return response;
    } finally {
      clearTimeout(timer);
    }
  }

  private async plan(
    question: string,
    filters: SearchFilters | undefined,
    strategy: Strategy,
    signal: AbortSignal,
    viewer: Viewer,
  ): Promise<{ plan: Plan; mode: AgentResponse['mode']; degraded?: { reason: string } }> {
    if (strategy === 'keyword') return { plan: { steps: [{ type: 'keyword', query: question }] }, mode: 'keyword' };
    if (strategy === 'vector') return { plan: { steps: [{ type: 'semantic', query: question }] }, mode: 'vector' };
    if (strategy === 'hybrid') {
      return { plan: { steps: [{ type: 'keyword', query: question }, { type: 'semantic', query: question }] }, mode: 'hybrid' };
    }
    const ctx = { ...(filters ? { filters } : {}), signal };
    const llm = this.deps.llm;
    if (llm) {
      try {
        const raw = await llm.planner.plan(question, ctx);
        const grounded = await llm.ground(raw, question, filters, viewer);
        for (const d of grounded.dropped) this.deps.logger.warn('plan_term_dropped', { step: d.step, reason: d.reason });
        if (grounded.plan && grounded.plan.steps.length > 0) return { plan: grounded.plan, mode: 'llm' };
        return { ...(await this.rules(question, ctx)), degraded: { reason: 'plan modelu odrzucony (nieugruntowane wyszukiwania)' } };
      } catch (err) {
        const reason = err instanceof PlannerError ? err.reason : 'model niedostępny';
        this.deps.logger.warn('planner_fallback', { failure: err instanceof PlannerError ? err.failure : 'error' });
        return { ...(await this.rules(question, ctx)), degraded: { reason } };
      }
    }
    return this.rules(question, ctx);
  }

  private async rules(question: string, ctx: { filters?: SearchFilters; signal: AbortSignal }) {
    return { plan: await this.deps.rules.plan(question, ctx), mode: 'rules' as const };
  }

  /** The model reorders candidates within a confidence tier only: it cannot lift a weak match above a strong one. */
  private async rerank(question: string, drafts: Draft[], signal: AbortSignal): Promise<Draft[]> {
    const top = drafts.slice(0, 20).filter((d) => d.bestChunkId !== null);
    if (top.length < 2) return drafts;
    const order = await this.deps.llm!.reranker!.rerank(
      question,
      top.map((d) => ({ chunkId: d.bestChunkId!, text: d.rerankText })),
      signal,
    );
    const position = new Map<string, number>();
    order.forEach((id, i) => {
      if (!position.has(id)) position.set(id, i);
    });
    const pos = (d: Draft) => (d.bestChunkId !== null && position.has(d.bestChunkId) ? position.get(d.bestChunkId)! : Infinity);
    const index = new Map(drafts.map((d, i) => [d, i]));
    return [...drafts].sort((a, b) => TIER[a.confidence]! - TIER[b.confidence]! || pos(a) - pos(b) || index.get(a)! - index.get(b)!);
  }

  /** Reads each cited page again and keeps only citations that are exactly its text. */
  private async verified(drafts: Draft[], viewer: Viewer): Promise<SearchResult[]> {
    const pages = new Map<string, Awaited<ReturnType<SearchBackend['page']>>>();
    for (const d of drafts) {
      for (const c of d.candidates) {
        const key = `${c.documentId}:${c.page}`;
        if (!pages.has(key)) pages.set(key, await this.deps.backend.page(c.documentId, c.page, viewer));
      }
    }
    const results: SearchResult[] = [];
    for (const d of drafts) {
      const { citations, rejected } = verifyCitations(d.candidates, (doc, page) => pages.get(`${doc}:${page}`));
      for (const r of rejected) {
        this.deps.logger.warn('citation_dropped', { document: d.documentId, page: r.candidate.page, reason: r.reason });
      }
      if (citations.length === 0) {
        this.deps.logger.warn('result_dropped', { document: d.documentId, reason: 'no_verified_citation' });
        continue;
      }
      const doc = d.document;
      const conditions = await this.shownConditions(d, viewer, pages);
      // High means every condition is shown met: one whose citation did not verify is not.
      const confidence = d.confidence === 'high' && conditions.some((c) => c.met !== 'yes') ? 'medium' : d.confidence;
      results.push({
        rank: results.length + 1,
        score: d.score,
        confidence,
        document: {
          id: doc.id,
          title: doc.title,
          caseNumber: doc.caseNumber,
          docType: doc.docType,
          date: doc.date,
          source: doc.source,
          pageCount: doc.pageCount,
          ...(doc.externalId ? { externalId: doc.externalId } : {}),
          ...(doc.externalUrl ? { externalUrl: doc.externalUrl } : {}),
          ...firstValue(doc.metadata, 'issuer'),
          ...firstValue(doc.metadata, 'outcome'),
        },
        citations,
        ...(conditions.length > 0 ? { conditions } : {}),
      });
    }
    return results;
  }

  /**
   * The draft's conditions as the clerk may see them: a citation only where its quote still stands at
   * its span on the page; a `yes` with neither such a citation nor the archive's record is shown as `unknown`.
   */
  private async shownConditions(d: Draft, viewer: Viewer, pages: Map<string, Awaited<ReturnType<SearchBackend['page']>>>): Promise<ResultCondition[]> {
    const out: ResultCondition[] = [];
    for (const c of d.conditions) {
      const e = c.citation;
      let citation: ResultCondition['citation'];
      if (e) {
        const key = `${d.documentId}:${e.page}`;
        if (!pages.has(key)) pages.set(key, await this.deps.backend.page(d.documentId, e.page, viewer));
        const text = pages.get(key)?.text;
        if (text !== undefined && e.quote.length > 0 && text.slice(e.start, e.end) === e.quote) citation = e;
      }
      const recorded = c.met === 'yes' && !citation ? c.recorded : undefined;
      const met = c.met === 'yes' && !citation && !recorded ? 'unknown' : c.met;
      out.push({ kind: c.kind, value: c.value, met, ...(citation ? { citation } : {}), ...(recorded ? { recorded } : {}) });
    }
    return out;
  }
}

/**
 * When no result is shown to meet every condition: the conditions some result does not meet, in the
 * question's order (the closest results are then shown as such, never as answers).
 */
export function partialAnswer(asked: readonly AskedCondition[], results: readonly SearchResult[]): { unmet: AskedCondition[] } | null {
  if (asked.length === 0 || results.length === 0) return null;
  if (results.some((r) => (r.conditions ?? []).length === asked.length && r.conditions!.every((c) => c.met === 'yes'))) return null;
  const met = (r: SearchResult, a: AskedCondition) => r.conditions?.some((c) => c.kind === a.kind && c.value === a.value && c.met === 'yes') ?? false;
  // What the closest results lack: those missing the fewest conditions ("a house permit on Leśnica,
  // a garage permit on Oporów": dom jednorodzinny + Oporów), not every miss of every weaker result.
  const missing = results.map((r) => asked.filter((a) => !met(r, a)));
  const fewest = Math.min(...missing.map((m) => m.length));
  const closest = new Set(missing.filter((m) => m.length === fewest).flat());
  return { unmet: asked.filter((a) => closest.has(a)) };
}

/** `{ [kind]: value }` of the kind's first value in page order, or nothing: the result line shows one issuer and one outcome. */
function firstValue(metadata: MetadataHit[], kind: 'issuer' | 'outcome'): { issuer?: string; outcome?: string } {
  const first = metadata
    .filter((m) => m.kind === kind && m.value.trim() !== '')
    .sort((a, b) => (a.page ?? Infinity) - (b.page ?? Infinity) || (a.start ?? 0) - (b.start ?? 0))[0];
  return first ? { [kind]: first.value } : {};
}

function normaliseValue(kind: string, value: string): string {
  return kind === 'caseNumber' ? (normaliseSignature(value) ?? value) : value;
}

/** Confidence tier first (a document not naming the question's identifier is never above one that does), then score, then fused rank. */
function orderDrafts(drafts: Draft[]): Draft[] {
  return [...drafts].sort((a, b) => TIER[a.confidence]! - TIER[b.confidence]! || b.score - a.score || b.fused - a.fused);
}

/** Identifiers named in the question are always looked up, whatever the planner chose (notFound depends on it). */
function withQuestionIdentifiers(steps: readonly PlanStep[], facts: ReturnType<typeof readQuestion>): PlanStep[] {
  const out = [...steps];
  const have = new Set(
    steps.flatMap((s) => (s.type === 'identifier' ? [identifierKey(s.kind, normaliseValue(s.kind, s.value))] : [])),
  );
  for (const i of questionIdentifiers(facts)) {
    const key = identifierKey(i.kind, normaliseValue(i.kind, i.value));
    if (have.has(key)) continue;
    have.add(key);
    out.unshift({ type: 'identifier', kind: i.kind, value: i.value, ...(i.precinct ? { precinct: i.precinct } : {}) });
  }
  return out.slice(0, MAX_STEPS + 4);
}
