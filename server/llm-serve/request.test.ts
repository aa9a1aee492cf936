import { describe, expect, it } from 'vitest';
import { LlmServeError } from './errors.js';
import { parseChatRequest } from './request.js';

const limits = { maxTokens: 4096 };
const user = [{ role: 'user', content: 'Pytanie' }];
const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };

function refusal(body: unknown): LlmServeError {
  try {
    parseChatRequest(body, limits);
  } catch (err) {
    if (err instanceof LlmServeError) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('parseChatRequest', () => {
  it('reads each of the three ways the product asks for JSON, with the same grammar schema', () => {
    const viaFormat = parseChatRequest({ messages: user, response_format: { type: 'json_schema', json_schema: { name: 'plan', schema, strict: true } } }, limits);
    const viaGuided = parseChatRequest({ messages: user, guided_json: schema }, limits);
    const viaTool = parseChatRequest(
      {
        messages: user,
        tools: [{ type: 'function', function: { name: 'search_plan', parameters: schema } }],
        tool_choice: { type: 'function', function: { name: 'search_plan' } },
      },
      limits,
    );
    expect(viaFormat.json?.schema).toEqual({ type: 'object', additionalProperties: false, properties: { a: { type: 'string' } } });
    expect(viaGuided.json?.schema).toEqual(viaFormat.json?.schema);
    expect(viaTool.json?.schema).toEqual(viaFormat.json?.schema);
    expect(viaTool.toolName).toBe('search_plan');
    expect(viaFormat.toolName).toBeUndefined();
  });

  it('defaults to greedy decoding and a capped reply length', () => {
    const job = parseChatRequest({ messages: user }, limits);
    expect(job).toMatchObject({ temperature: 0, maxTokens: 1024 });
    expect(job.json).toBeUndefined();
    expect(parseChatRequest({ messages: user }, { maxTokens: 512 }).maxTokens).toBe(512);
  });

  it('refuses bad bodies in OpenAI error shape, naming the field', () => {
    const cases: [unknown, string][] = [
      [{}, 'messages'],
      [{ messages: [] }, 'messages'],
      [{ messages: [{ role: 'wizard', content: 'x' }] }, 'messages.0.role'],
      [{ messages: user, temperature: 'hot' }, 'temperature'],
      [{ messages: user, max_tokens: 0 }, 'max_tokens'],
      [{ messages: user, max_tokens: 10_000 }, 'max_tokens'],
      [{ messages: user, stream: true }, 'stream'],
      [{ messages: [{ role: 'assistant', content: 'x' }] }, 'messages'],
    ];
    for (const [body, param] of cases) {
      const e = refusal(body);
      expect(e.status, JSON.stringify(body)).toBe(400);
      expect(e.toBody().error).toMatchObject({ type: 'invalid_request_error' });
      expect(e.toBody().error.param ?? e.message, JSON.stringify(body)).toContain(param);
    }
  });

  it('refuses a schema the grammar cannot enforce, saying which parameter and keyword', () => {
    const e = refusal({ messages: user, guided_json: { type: 'integer', minimum: 3 } });
    expect(e.code).toBe('unsupported_schema');
    expect(e.param).toBe('guided_json');
    expect(e.message).toContain('minimum');
  });

  it('answers with a tool call only when the client forces one function', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: schema } }];
    expect(refusal({ messages: user, tools, tool_choice: 'auto' }).param).toBe('tool_choice');
    expect(refusal({ messages: user, tools, tool_choice: { type: 'function', function: { name: 'g' } } }).message).toContain('not among tools');
    expect(parseChatRequest({ messages: user, tools, tool_choice: 'required' }, limits).toolName).toBe('f');
    expect(parseChatRequest({ messages: user, tools, tool_choice: 'none' }, limits).json).toBeUndefined();
  });

  it('refuses two output constraints at once rather than pick one', () => {
    expect(refusal({ messages: user, guided_json: schema, response_format: { type: 'json_object' } }).code).toBe('invalid_value');
  });
});
