import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Completion, EngineInfo } from './engine.js';
import { createLlmHttpServer, type ChatEngine } from './http.js';
import type { ChatJob } from './request.js';

/** The routing and the OpenAI shapes, over an engine that answers from a script (the model is the models suite's). */
class ScriptedEngine implements ChatEngine {
  readonly info: EngineInfo = { id: 'bielik-test', name: null, chatWrapper: 'ChatML', contextSize: 2048, threads: 1 };
  pending = 0;
  generatedTokens = 0;
  constructor(private readonly reply: Completion) {}
  async complete(_job: ChatJob): Promise<Completion> {
    return this.reply;
  }
}

const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
let base: string;
const server = createLlmHttpServer(new ScriptedEngine({ content: '{"a":"x"}', finishReason: 'stop', promptTokens: 10, completionTokens: 4 }));

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${base}/v1/chat/completions`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('llm-serve HTTP', () => {
  it('answers a forced function as tool_calls with the JSON as arguments and finish_reason tool_calls', async () => {
    const r = await post({
      messages: [{ role: 'user', content: 'q' }],
      tools: [{ type: 'function', function: { name: 'search_plan', parameters: schema } }],
      tool_choice: { type: 'function', function: { name: 'search_plan' } },
    });
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'bielik-test',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'search_plan', arguments: '{"a":"x"}' } }] } }],
      usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 },
    });
  });

  it('answers a json_schema request with the JSON as content', async () => {
    const r = await post({ messages: [{ role: 'user', content: 'q' }], response_format: { type: 'json_schema', json_schema: { name: 'a', schema, strict: true } } });
    const body = (await r.json()) as { choices: { message: { tool_calls?: unknown } }[] };
    expect(body.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: '{"a":"x"}' } });
    expect(body.choices[0]!.message.tool_calls).toBeUndefined();
  });

  it('refuses what is not a chat completion in OpenAI error shape', async () => {
    const cases: [Promise<Response>, number, string][] = [
      [fetch(`${base}/v1/completions`), 404, 'not_found'],
      [fetch(`${base}/v1/chat/completions`), 405, 'method_not_allowed'],
      [post('{"messages":[{"role":"user","content":"q"}]}', { 'content-type': 'text/plain' }), 400, 'invalid_content_type'],
      [post('{"messages": [', { 'content-type': 'application/json' }), 400, 'invalid_json'],
      [post(JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }] })), 413, 'body_too_large'],
    ];
    for (const [pending, status, code] of cases) {
      const r = await pending;
      expect(r.status, code).toBe(status);
      expect(await r.json()).toMatchObject({ error: { type: 'invalid_request_error', code } });
    }
  });

  it('lists the one model and reports health', async () => {
    expect(await (await fetch(`${base}/v1/models`)).json()).toMatchObject({ object: 'list', data: [{ id: 'bielik-test', object: 'model' }] });
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok', model: 'bielik-test', pending: 0, generated_tokens: 0 });
  });
});
