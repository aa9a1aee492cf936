/**
 * The LLM planner: the model sees the clerk's question and filters (never document text) and writes a
 * search plan under a JSON schema. The reply is validated with zod; an invalid one gets exactly one
 * repair attempt (the model is told what was wrong), then the planner gives up with a PlannerError and
 * the agent falls back to the rules planner. Questions are searches of personal data: nothing here is
 * logged. The plan is not grounded yet: the agent runs `groundPlan` (grounding.ts) on it. The clerk's
 * filters are shown to the model but not copied into steps — the executor applies them to every step.
 */
import { zPlan, PlannerError, type Plan, type PlanContext, type Planner, type PlanStep } from '../agent/plan.js';
import { createLlmClient, deadline, toPlannerError, type ChatMessage, type LlmClient, type LlmSettings } from './client.js';
import { planJsonSchema } from './plan-schema.js';
import { plannerMessages, repairMessages } from './prompts.js';

export interface LlmPlannerOptions {
  /** Time for the whole planning, repair included. */
  timeoutMs: number;
  /**
   * Room for a whole plan: eight steps and six conditions in JSON run to about 1,000 tokens when a
   * small model fills every field (Gemma 3 270M: 973); a reply cut at the limit is not JSON.
   */
  maxTokens?: number;
  /** Told how each model reply fared: valid at once, valid after the repair, or invalid twice (for the eval's counts). */
  observe?: (outcome: 'valid' | 'repaired' | 'invalid') => void;
}

export type ParsedPlan = { ok: true; plan: Plan } | { ok: false; problems: string[] };

export class LlmPlanner implements Planner {
  readonly id = 'llm' as const;

  constructor(
    private readonly client: LlmClient,
    private readonly opts: LlmPlannerOptions,
  ) {}

  static fromConfig(settings: LlmSettings): LlmPlanner {
    return new LlmPlanner(createLlmClient(settings), { timeoutMs: settings.timeoutMs });
  }

  async plan(question: string, ctx: PlanContext): Promise<Plan> {
    const dl = deadline(this.opts.timeoutMs, ctx.signal);
    try {
      const messages = plannerMessages(question, ctx.filters);
      const first = await this.ask(messages, dl.signal);
      const parsed = parsePlanReply(first);
      if (parsed.ok) {
        this.opts.observe?.('valid');
        return parsed.plan;
      }
      const second = await this.ask(repairMessages(messages, first, parsed.problems), dl.signal);
      const repaired = parsePlanReply(second);
      this.opts.observe?.(repaired.ok ? 'repaired' : 'invalid');
      if (repaired.ok) return repaired.plan;
      throw new PlannerError('invalid_output', 'model zwrócił nieprawidłowy plan');
    } catch (err) {
      throw toPlannerError(err, this.opts.timeoutMs, dl.timedOut());
    } finally {
      dl.dispose();
    }
  }

  private ask(messages: ChatMessage[], signal: AbortSignal): Promise<string> {
    return this.client.structuredCompletion({
      messages,
      schemaName: 'search_plan',
      jsonSchema: planJsonSchema(),
      signal,
      maxTokens: this.opts.maxTokens ?? 1100,
    });
  }
}

/**
 * Parses and validates a model reply. On success, filter steps without filters and duplicate steps
 * are removed and at least one searching step remains. On failure, `problems` are short summaries for
 * the repair prompt.
 */
export function parsePlanReply(raw: string): ParsedPlan {
  let data: unknown;
  try {
    data = JSON.parse(stripFence(raw));
  } catch {
    return { ok: false, problems: [raw.trim() === '' ? 'odpowiedź jest pusta' : 'odpowiedź nie jest poprawnym JSON-em'] };
  }
  const result = zPlan.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 6).map((i) => `${i.path.join('.') || '(całość)'}: ${i.message}`.slice(0, 160));
    return { ok: false, problems };
  }
  const steps: PlanStep[] = [];
  const seen = new Set<string>();
  for (const step of result.data.steps) {
    const kept = usable(step);
    if (!kept) continue;
    const key = JSON.stringify(kept);
    if (seen.has(key)) continue;
    seen.add(key);
    steps.push(kept);
  }
  if (!steps.some((s) => s.type !== 'followCase')) {
    return { ok: false, problems: ['plan nie zawiera żadnego kroku wyszukiwania (keyword, semantic, identifier lub filter)'] };
  }
  return { ok: true, plan: { steps } };
}

/** A filter step needs a filter; the clerk's own filters are applied to every step by the executor. */
function usable(step: PlanStep): PlanStep | null {
  return step.type === 'filter' && Object.keys(step.filters).length === 0 ? null : step;
}

/** Some servers wrap JSON in a Markdown fence despite the schema. */
export function stripFence(raw: string): string {
  // String operations, not one pattern: the reply's length is the model server's to choose, and a
  // fence pattern with lazy gaps between blank runs backtracks polynomially on long blank runs.
  const t = raw.trim();
  if (!t.startsWith('```') || t.length < 6 || !t.endsWith('```')) return raw;
  let body = t.slice(3, -3);
  if (body.slice(0, 4).toLowerCase() === 'json') body = body.slice(4);
  return body.trim();
}
