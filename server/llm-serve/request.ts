/**
 * The chat-completions request as this server accepts it, checked with zod, and what it asks the
 * model for: plain text, or JSON under a schema (from `response_format`, vLLM's `guided_json`, or a
 * forced function call). Anything this server cannot honour is refused here with OpenAI's error
 * shape, before the request waits for the model.
 */
import { z } from 'zod';
import { LlmServeError } from './errors.js';
import { anyObjectSchema, toGrammarSchema, type GrammarSchema, type OmitRules } from './schema-grammar.js';

/** What a reply may cost when the client does not say. */
export const DEFAULT_MAX_TOKENS = 1024;

const zText = z.union([
  z.string(),
  // OpenAI's content parts; only text parts carry anything a text model can read.
  z.array(z.object({ type: z.literal('text'), text: z.string() })).transform((parts) => parts.map((p) => p.text).join('')),
]);

const zMessage = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer']), content: zText }),
  z.object({ role: z.literal('user'), content: zText }),
  z.object({ role: z.literal('assistant'), content: zText.nullish() }),
]);

const zSchemaObject = z.record(z.string(), z.unknown());

const zResponseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({ name: z.string().min(1).max(64), schema: zSchemaObject, strict: z.boolean().nullish(), description: z.string().optional() }),
  }),
]);

const zTool = z.object({
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1).max(64), description: z.string().optional(), parameters: zSchemaObject.optional(), strict: z.boolean().nullish() }),
});

const zToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
]);

export const zChatRequest = z.object({
  model: z.string().optional(),
  messages: z.array(zMessage).min(1).max(200),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  stream: z.boolean().nullish(),
  n: z.literal(1).nullish(),
  response_format: zResponseFormat.nullish(),
  guided_json: zSchemaObject.nullish(),
  tools: z.array(zTool).max(64).nullish(),
  tool_choice: zToolChoice.nullish(),
});

export type ChatRole = 'system' | 'user' | 'assistant';

/** What the engine is asked to do for one request. */
export interface ChatJob {
  messages: { role: ChatRole; content: string }[];
  temperature: number;
  topP?: number;
  seed?: number;
  maxTokens: number;
  /** False when the client left max_tokens to the server: the cap then shrinks to what the context leaves. */
  maxTokensAsked: boolean;
  /** Absent: free text. */
  json?: { schema: GrammarSchema; omit: OmitRules; param: string };
  /** Set when the reply is to be sent as a call of this function, its arguments being the JSON. */
  toolName?: string;
}

/** Parses a request body; throws LlmServeError (400) with a message naming what is wrong. */
export function parseChatRequest(body: unknown, limits: { maxTokens: number }): ChatJob {
  const parsed = zChatRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.') || '(body)';
    throw LlmServeError.invalid(`${where}: ${issue.message}`, 'invalid_value', where);
  }
  const req = parsed.data;
  if (req.stream) {
    throw LlmServeError.invalid('stream: true is not supported by this server; send stream: false', 'unsupported_value', 'stream');
  }
  const messages = req.messages.map((m) => ({
    role: (m.role === 'developer' ? 'system' : m.role) as ChatRole,
    content: m.content ?? '',
  }));
  if (messages.at(-1)!.role === 'assistant') {
    throw LlmServeError.invalid('the last message must be from the user or the system', 'invalid_value', 'messages');
  }
  const asked = req.max_completion_tokens ?? req.max_tokens;
  const maxTokens = asked ?? Math.min(DEFAULT_MAX_TOKENS, limits.maxTokens);
  if (maxTokens > limits.maxTokens) {
    throw LlmServeError.invalid(`max_tokens may be at most ${limits.maxTokens} with this server's context size`, 'invalid_value', 'max_tokens');
  }
  const job: ChatJob = { messages, temperature: req.temperature ?? 0, maxTokens, maxTokensAsked: asked != null };
  if (req.top_p != null) job.topP = req.top_p;
  if (req.seed != null) job.seed = req.seed;
  const wanted = requestedSchema(req);
  if (wanted) {
    const mapped = wanted.schema === 'any-object' ? { ok: true as const, schema: anyObjectSchema(), omit: { root: [], defs: {} } } : toGrammarSchema(wanted.schema);
    if (!mapped.ok) throw LlmServeError.invalid(`${wanted.param}: ${mapped.problem}`, 'unsupported_schema', wanted.param);
    job.json = { schema: mapped.schema, omit: mapped.omit, param: wanted.param };
    if (wanted.toolName) job.toolName = wanted.toolName;
  }
  return job;
}

type Wanted = { schema: Record<string, unknown> | 'any-object'; param: string; toolName?: string };

function requestedSchema(req: z.infer<typeof zChatRequest>): Wanted | null {
  const asked: Wanted[] = [];
  if (req.response_format?.type === 'json_schema') asked.push({ schema: req.response_format.json_schema.schema, param: 'response_format.json_schema.schema' });
  if (req.response_format?.type === 'json_object') asked.push({ schema: 'any-object', param: 'response_format' });
  if (req.guided_json) asked.push({ schema: req.guided_json, param: 'guided_json' });
  const tool = forcedTool(req);
  if (tool) asked.push(tool);
  if (asked.length > 1) {
    throw LlmServeError.invalid(`give one output constraint, not several (${asked.map((a) => a.param).join(', ')})`, 'invalid_value', asked[1]!.param);
  }
  return asked[0] ?? null;
}

/** Only a call the client forces can be honoured: a small model left to choose a tool chooses badly. */
function forcedTool(req: z.infer<typeof zChatRequest>): Wanted | null {
  const tools = req.tools ?? [];
  const choice = req.tool_choice;
  if (tools.length === 0) {
    if (choice && typeof choice === 'object') throw LlmServeError.invalid('tool_choice names a function but tools is empty', 'invalid_value', 'tool_choice');
    return null;
  }
  if (choice === 'none') return null;
  let name: string | undefined;
  if (choice && typeof choice === 'object') name = choice.function.name;
  else if (choice === 'required' && tools.length === 1) name = tools[0]!.function.name;
  if (name === undefined) {
    throw LlmServeError.invalid(
      'this server answers with a tool call only when tool_choice forces one function ({"type":"function","function":{"name":…}})',
      'unsupported_value',
      'tool_choice',
    );
  }
  const tool = tools.find((t) => t.function.name === name);
  if (!tool) throw LlmServeError.invalid(`tool_choice names ${JSON.stringify(name)}, which is not among tools`, 'invalid_value', 'tool_choice');
  const parameters = tool.function.parameters ?? { type: 'object', properties: {} };
  return { schema: parameters, param: `tools.${tools.indexOf(tool)}.function.parameters`, toolName: name };
}
