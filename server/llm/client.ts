/**
 * The one door to an OpenAI-compatible chat server (vLLM serving Bielik, llama.cpp, Ollama). It asks
 * for JSON-schema structured output in one of three dialects and hands back the raw string: callers
 * validate it with zod. No retries here (a slow model must not eat the search budget twice), and
 * nothing is logged: prompts carry clerks' questions, replies may carry anything.
 */
import OpenAI from 'openai';
import type { Config } from '../config.js';
import { PlannerError } from '../agent/plan.js';

export type LlmSettings = Config['llm'];
export type OutputMode = LlmSettings['output'];

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface StructuredRequest {
  messages: ChatMessage[];
  /** Name of the schema (and of the forced tool in 'tools' mode): letters, digits, `_`, `-`. */
  schemaName: string;
  jsonSchema: Record<string, unknown>;
  signal?: AbortSignal;
  /** Defaults to the configured mode. */
  output?: OutputMode;
  maxTokens?: number;
}

/** A chat model that answers with JSON matching a schema (as a string, unvalidated). */
export interface LlmClient {
  readonly model: string;
  structuredCompletion(req: StructuredRequest): Promise<string>;
}

/** Builds the client from `config.llm`; throws when no server is configured. */
export function createLlmClient(settings: LlmSettings): LlmClient {
  if (!settings.baseUrl) throw new Error('LLM_BASE_URL is not set');
  const openai = new OpenAI({
    baseURL: settings.baseUrl,
    // vLLM and llama.cpp accept any key; the client insists on one.
    apiKey: settings.apiKey || 'not-needed',
    maxRetries: 0,
    timeout: settings.timeoutMs,
  });
  return new OpenAiLlmClient(openai, settings.model, settings.output);
}

class OpenAiLlmClient implements LlmClient {
  constructor(
    private readonly openai: OpenAI,
    readonly model: string,
    private readonly defaultOutput: OutputMode,
  ) {}

  async structuredCompletion(req: StructuredRequest): Promise<string> {
    const output = req.output ?? this.defaultOutput;
    const body: Record<string, unknown> = {
      model: this.model,
      messages: req.messages,
      temperature: 0,
      stream: false,
    };
    if (req.maxTokens !== undefined) body.max_tokens = req.maxTokens;
    if (output === 'json_schema') {
      body.response_format = {
        type: 'json_schema',
        json_schema: { name: req.schemaName, schema: req.jsonSchema, strict: true },
      };
    } else if (output === 'guided_json') {
      // Older vLLM: an extra body field the official client passes through untouched.
      body.guided_json = req.jsonSchema;
    } else {
      body.tools = [
        {
          type: 'function',
          function: { name: req.schemaName, description: 'Zwróć wynik w tej postaci.', parameters: req.jsonSchema },
        },
      ];
      body.tool_choice = { type: 'function', function: { name: req.schemaName } };
    }
    const completion = (await this.openai.chat.completions.create(
      body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
      { signal: req.signal },
    )) as unknown as { choices?: { message?: RawMessage }[] };
    const message = completion?.choices?.[0]?.message;
    if (output === 'tools') {
      const call = message?.tool_calls?.find((c) => c?.function?.name === req.schemaName) ?? message?.tool_calls?.[0];
      const args = call?.function?.arguments;
      if (typeof args === 'string') return args;
    }
    return typeof message?.content === 'string' ? message.content : '';
  }
}

interface RawMessage {
  content?: unknown;
  tool_calls?: { function?: { name?: unknown; arguments?: unknown } }[];
}

/** "4 s", "0,5 s": how clerks read a time limit. */
export function seconds(ms: number): string {
  const s = Math.round(ms / 100) / 10;
  return `${s.toLocaleString('pl-PL')} s`;
}

/**
 * A deadline for one model task (all its calls together): the configured timeout, or the caller's
 * signal when that fires first. `timedOut()` tells the two apart afterwards.
 */
export function deadline(timeoutMs: number, caller?: AbortSignal): { signal: AbortSignal; timedOut: () => boolean; dispose: () => void } {
  const ctl = new AbortController();
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    ctl.abort();
  }, timeoutMs);
  const onAbort = (): void => ctl.abort();
  if (caller?.aborted) ctl.abort();
  else caller?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: ctl.signal,
    timedOut: () => fired,
    dispose: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Maps whatever a model call threw to a PlannerError whose reason is safe to show a clerk: it never
 * carries the server's or the model's text.
 */
export function toPlannerError(err: unknown, timeoutMs: number, timedOut: boolean): PlannerError {
  if (err instanceof PlannerError) return err;
  if (timedOut || err instanceof OpenAI.APIConnectionTimeoutError) {
    return new PlannerError('timeout', `model nie odpowiedział w ${seconds(timeoutMs)}`);
  }
  if (err instanceof OpenAI.APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) {
    return new PlannerError('timeout', 'model nie odpowiedział w wyznaczonym czasie');
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new PlannerError('unavailable', 'serwer modelu jest niedostępny');
  }
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    return new PlannerError('unavailable', `serwer modelu zwrócił błąd (HTTP ${err.status})`);
  }
  return new PlannerError('error', 'błąd komunikacji z modelem');
}
