/**
 * `kwerenda llm-serve` with the real Gemma 3 270M GGUF (started by the model suite's global setup),
 * spoken to as the product speaks to it: through the official `openai` client. What matters is what
 * a client sees — JSON that obeys the schema it sent, a tool call, a reply cut by max_tokens, OpenAI's
 * error shape, a server that forgets a client who left — not what the 270M model says (it plans badly).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { inject } from 'vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zPlan } from '../agent/plan.js';
import { planJsonSchema } from '../llm/plan-schema.js';
import { plannerMessages } from '../llm/prompts.js';

const BASE_URL_LINE = /^http:\/\/127\.0\.0\.1:\d{1,5}\/v1$/;
const PORT_ZERO = /:0\/v1$/;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let openai: OpenAI;
let base: string;

beforeAll(() => {
  base = inject('llmUrl');
  openai = new OpenAI({ baseURL: base, apiKey: 'not-needed', maxRetries: 0, timeout: 280_000 });
});

type Body = Record<string, unknown>;
const create = (body: Body, opts?: { signal?: AbortSignal }) =>
  openai.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, opts);

const health = async (): Promise<{ pending: number; generated_tokens: number }> =>
  (await fetch(`${base.slice(0, -'/v1'.length)}/health`)).json() as Promise<{ pending: number; generated_tokens: number }>;

const zCity = z.object({ city: z.string().max(40), population: z.number().int().optional() }).strict();
const citySchema = {
  type: 'object',
  properties: { city: { type: 'string', maxLength: 40 }, population: { type: 'integer' } },
  required: ['city'],
  additionalProperties: false,
};
const cityQuestion = [{ role: 'user', content: 'Jakie jest największe miasto w Polsce? Odpowiedz w JSON.' }];

describe('kwerenda llm-serve over the real model', () => {
  it('answers the product planner\'s real request (json_schema, the plan schema) with a plan zod accepts', async () => {
    const messages = plannerMessages('decyzja o pozwoleniu na budowę dla działki 45/7 obręb Oporów z 2016 roku', undefined);
    const r = await create({
      model: 'gemma',
      messages,
      temperature: 0,
      max_tokens: 1500,
      stream: false,
      response_format: { type: 'json_schema', json_schema: { name: 'search_plan', schema: planJsonSchema(), strict: true } },
    });
    const choice = r.choices[0]!;
    expect(choice.finish_reason).toBe('stop');
    expect(r.object).toBe('chat.completion');
    const parsed = zPlan.safeParse(JSON.parse(choice.message.content!));
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(r.usage!.prompt_tokens).toBeGreaterThan(300);
    expect(r.usage!.completion_tokens).toBeGreaterThan(5);
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
  });

  it('follows vLLM\'s guided_json, leaving an optional property out rather than inventing it is allowed', async () => {
    const r = await create({ model: 'gemma', messages: cityQuestion, temperature: 0, max_tokens: 200, guided_json: citySchema });
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(zCity.safeParse(JSON.parse(r.choices[0]!.message.content!)).success).toBe(true);
  });

  it('answers a forced function as a tool call whose arguments are the JSON', async () => {
    const r = await create({
      model: 'gemma',
      messages: cityQuestion,
      temperature: 0,
      max_tokens: 200,
      tools: [{ type: 'function', function: { name: 'city_answer', description: 'Zwróć wynik w tej postaci.', parameters: citySchema } }],
      tool_choice: { type: 'function', function: { name: 'city_answer' } },
    });
    const choice = r.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    if (call.type !== 'function') return;
    expect(call.function.name).toBe('city_answer');
    expect(zCity.safeParse(JSON.parse(call.function.arguments)).success).toBe(true);
  });

  it('answers any JSON object for response_format json_object', async () => {
    const r = await create({ model: 'gemma', messages: cityQuestion, temperature: 0, max_tokens: 300, response_format: { type: 'json_object' } });
    if (r.choices[0]!.finish_reason === 'stop') {
      const value = JSON.parse(r.choices[0]!.message.content!);
      expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
    } else {
      expect(r.choices[0]!.message.content!.trimStart().startsWith('{')).toBe(true);
    }
  });

  it('stops at max_tokens and says so with finish_reason length', async () => {
    const r = await create({ model: 'gemma', messages: [{ role: 'user', content: 'Opisz szczegółowo historię Wrocławia.' }], temperature: 0, max_tokens: 5 });
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.usage!.completion_tokens).toBe(5);
  });

  it('refuses bad requests with 400 in OpenAI\'s error shape, which the openai client reads', async () => {
    const bad: [Body, string][] = [
      [{ model: 'gemma', messages: [] }, 'messages'],
      [{ model: 'gemma', messages: [{ role: 'user', content: 42 }] }, 'messages.0.content'],
      [{ model: 'gemma', messages: cityQuestion, stream: true }, 'stream'],
      [{ model: 'gemma', messages: cityQuestion, guided_json: { type: 'integer', minimum: 1 } }, 'guided_json'],
    ];
    for (const [body, param] of bad) {
      const err = await create(body).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, JSON.stringify(body)).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.status).toBe(400);
      expect(e.type).toBe('invalid_request_error');
      expect(e.param).toBe(param);
    }
    const raw = await fetch(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messages": [' });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_json' } });
  });

  it('says why when llama.cpp cannot compile the grammar of a schema', async () => {
    const err = await create({
      model: 'gemma',
      messages: cityQuestion,
      max_tokens: 5,
      response_format: { type: 'json_schema', json_schema: { name: 'long', schema: { type: 'array', items: { const: 7 }, minItems: 1500 }, strict: true } },
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.code).toBe('unsupported_schema');
    expect(e.message).toContain('llama.cpp cannot compile a grammar');
  });

  it('stops the generation of a client that gave up and serves the next request', async () => {
    // A reply this grammar forces to be at least 2000 tokens long (1000 items of "7, "), unless stopped.
    const long = { type: 'array', items: { const: 7 }, minItems: 1000 };
    const before = (await health()).generated_tokens;
    const gaveUp = new AbortController();
    const abandoned = create({ model: 'gemma', messages: [{ role: 'user', content: 'Wypisz liczby.' }], max_tokens: 3000, guided_json: long }, { signal: gaveUp.signal });
    abandoned.catch(() => undefined);
    // Leave once the model is writing it (or at once if the request failed instead).
    let settled = false;
    abandoned.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled && (await health()).generated_tokens === before) await new Promise((r) => setTimeout(r, 100));
    gaveUp.abort();
    await expect(abandoned).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    const next = await create({ model: 'gemma', messages: cityQuestion, temperature: 0, max_tokens: 3 });
    expect(next.choices[0]!.finish_reason).toBe('length');
    const after = await health();
    expect(after.pending).toBe(0);
    // Had the abandoned reply run on, it alone would have added 2000 tokens before `next` was served.
    expect(after.generated_tokens - before).toBeLessThan(2000);
  });

  it('refuses with context_length_exceeded a request that cannot fit the context, and still fits a long one without max_tokens', async () => {
    // ~3,300 tokens: with the default cap of 1024 more it would not fit the suite's 4096-token context.
    const long = 'decyzja o pozwoleniu na budowę '.repeat(370);
    const err = await create({ model: 'gemma', messages: [{ role: 'user', content: long }], max_tokens: 4000 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
    const fits = await create({ model: 'gemma', messages: [{ role: 'user', content: `${long} Odpowiedz w JSON.` }], guided_json: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } });
    expect(fits.choices[0]!.finish_reason).toBe('stop');
    expect(typeof JSON.parse(fits.choices[0]!.message.content!).ok).toBe('boolean');
  });

  it('lists its model and answers /health', async () => {
    const models = await openai.models.list();
    expect(models.data).toHaveLength(1);
    expect(models.data[0]!.id).toBe('gemma-3-270m-q4_k_m');
    expect((await health()).pending).toBe(0);
  });
});

describe('the llm-serve command', () => {
  it('prints its base URL as the last stdout line once ready, serves, and stops on SIGTERM with exit 0', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'kwerenda.js'), 'llm-serve', '--model', inject('ggufPath'), '--port', '0', '--ctx', '1024', '--threads', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.endsWith('/v1\n')) resolve(out.trimEnd().split('\n').at(-1)!);
      });
      void exited.then((code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    expect(url).toMatch(BASE_URL_LINE);
    expect(url).not.toMatch(PORT_ZERO);
    expect(out).toContain('Model: Gemma 3 270m');
    const models = await (await fetch(`${url}/models`)).json();
    expect(models).toMatchObject({ object: 'list', data: [{ id: 'gemma-3-270m-q4_k_m', context_length: 1024 }] });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(err).toContain('Zatrzymywanie serwera modelu');
    expect(out.trimEnd().split('\n').at(-1)).toBe(url);
  });
});
