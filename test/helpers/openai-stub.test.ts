import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { blockNetwork, refusedPort, reply, startOpenAiStub, type OpenAiStub } from './openai-stub.js';

let stub: OpenAiStub;
let unblock: () => void;
let client: OpenAI;

beforeAll(() => {
  unblock = blockNetwork();
});
afterAll(() => unblock());
beforeEach(async () => {
  stub = await startOpenAiStub();
  client = new OpenAI({ baseURL: stub.baseUrl, apiKey: 'test', maxRetries: 0, timeout: 60_000 });
});
afterEach(async () => {
  await stub.close();
});

const ask = (content = 'hej') =>
  client.chat.completions.create({ model: 'bielik', messages: [{ role: 'user', content }] });

describe('openai stub', () => {
  it('answers scripted chat replies in order and records each request body', async () => {
    stub.enqueue(reply.json({ a: 1 }), reply.content('drugi'));
    const first = await ask('pierwsze');
    const second = await ask('drugie');
    expect(first.choices[0]?.message.content).toBe('{"a":1}');
    expect(second.choices[0]?.message.content).toBe('drugi');
    expect(stub.requests.map((r) => r.body.messages[0].content)).toEqual(['pierwsze', 'drugie']);
    expect(stub.unexpected).toEqual([]);
  });

  it('answers a forced tool call with the arguments as given', async () => {
    stub.enqueue(reply.toolCall({ order: ['1'] }));
    const res = await client.chat.completions.create({
      model: 'bielik',
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'rerank', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'rerank' } },
    });
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('rerank');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ order: ['1'] });
  });

  it('serves embeddings computed from the inputs', async () => {
    stub.enqueue(reply.embeddings((inputs) => inputs.map((t) => [t.length, 0])));
    const res = await client.embeddings.create({ model: 'e5', input: ['ab', 'abcd'] });
    expect(res.data.map((d) => d.embedding)).toEqual([
      [2, 0],
      [4, 0],
    ]);
    stub.enqueue(reply.embeddings([[0.5, 0.25]]));
    const floats = await client.embeddings.create({ model: 'e5', input: 'a', encoding_format: 'float' });
    expect(floats.data[0]?.embedding).toEqual([0.5, 0.25]);
    expect(stub.requests.map((r) => r.body.encoding_format)).toEqual(['base64', 'float']);
  });

  it('returns HTTP errors as scripted', async () => {
    stub.enqueue(reply.status(500));
    await expect(ask()).rejects.toMatchObject({ status: 500 });
  });

  it('records an unscripted call and an unexpected path as errors with status 599', async () => {
    await expect(ask()).rejects.toMatchObject({ status: 599 });
    const res = await fetch(`${stub.url}/v1/models`);
    expect(res.status).toBe(599);
    expect(stub.unexpected).toEqual([
      { method: 'POST', path: '/v1/chat/completions', reason: 'unscripted call' },
      { method: 'GET', path: '/v1/models', reason: 'unexpected path' },
    ]);
  });

  it('flags a chat reply scripted for the embeddings endpoint', async () => {
    stub.enqueue(reply.content('tekst'));
    await expect(client.embeddings.create({ model: 'e5', input: 'a' })).rejects.toMatchObject({ status: 599 });
    expect(stub.unexpected[0]?.reason).toMatch(/chat reply was scripted/);
  });

  it('drops the connection when told to', async () => {
    stub.enqueue(reply.destroy());
    await expect(ask()).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('hangs until the client gives up, and notes that the client went away', async () => {
    stub.enqueue(reply.hang());
    const ctl = new AbortController();
    const pending = client.chat.completions.create(
      { model: 'bielik', messages: [{ role: 'user', content: 'x' }] },
      { signal: ctl.signal },
    );
    await waitFor(() => stub.requests.length === 1);
    ctl.abort();
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    await waitFor(() => stub.requests[0]?.clientClosed === true);
  });

  it('answers after a finite hang with the scripted follow-up', async () => {
    stub.enqueue(reply.hang(20, reply.content('po chwili')));
    const res = await ask();
    expect(res.choices[0]?.message.content).toBe('po chwili');
  });

  it('close() ends a request hanging forever', async () => {
    stub.setFallback(reply.hang());
    const pending = ask();
    await waitFor(() => stub.requests.length === 1);
    await stub.close();
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    stub = await startOpenAiStub(); // afterEach closes this one
  });

  it('lets a function of the request choose the reply', async () => {
    stub.setFallback((req) => (req.body?.messages?.[0]?.content === 'tak' ? reply.content('ok') : undefined));
    expect((await ask('tak')).choices[0]?.message.content).toBe('ok');
    await expect(ask('nie')).rejects.toMatchObject({ status: 599 });
    expect(stub.unexpected).toHaveLength(1);
  });
});

describe('blockNetwork', () => {
  it('refuses connections to other hosts while the stub stays reachable', async () => {
    await expect(fetch('http://192.0.2.1/v1/models')).rejects.toThrow();
    stub.enqueue(reply.content('lokalnie'));
    expect((await ask()).choices[0]?.message.content).toBe('lokalnie');
  });

  it('refusedPort gives a port nobody listens on', async () => {
    const port = await refusedPort();
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}
