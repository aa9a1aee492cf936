/**
 * A small OpenAI-compatible HTTP server for tests (node:http on 127.0.0.1, port 0). It speaks just
 * enough of `POST /v1/chat/completions` and `POST /v1/embeddings` to drive the real `openai`
 * client, with scripted, possibly adversarial behaviour per call: content, a tool call, invalid
 * JSON, an HTTP error, a hang, a dropped connection. Every request is recorded; an unexpected path
 * or an unscripted call answers 599 and lands in `stub.unexpected`, so a test can fail on it.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';

/** What the stub does with one call. Build these with `reply.*`. */
export type StubReply =
  | { kind: 'content'; content: string | null; finishReason?: string }
  | { kind: 'toolCall'; name?: string; arguments: string }
  | { kind: 'embeddings'; vectors: number[][] | ((inputs: string[]) => number[][]) }
  /** A raw HTTP answer: any status, any body (a string is sent as is, anything else as JSON). */
  | { kind: 'raw'; status: number; body: unknown }
  /** Wait `ms` (forever when undefined, until the client goes away or the stub closes), then `then`. */
  | { kind: 'hang'; ms?: number; then?: StubReply }
  /** Destroy the socket without answering. */
  | { kind: 'destroy' };

/** Builders for scripted replies. */
export const reply = {
  content: (content: string | null, finishReason = 'stop'): StubReply => ({ kind: 'content', content, finishReason }),
  /** The model answering with a JSON value as its message content. */
  json: (value: unknown): StubReply => ({ kind: 'content', content: JSON.stringify(value) }),
  toolCall: (args: unknown, name?: string): StubReply => ({
    kind: 'toolCall',
    name,
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
  }),
  invalidJson: (text = '{"steps": [ {"type": "keyword", "query": "decyzja"'): StubReply => ({ kind: 'content', content: text }),
  status: (status: number, body: unknown = { error: { message: `HTTP ${status}`, type: 'server_error' } }): StubReply => ({
    kind: 'raw',
    status,
    body,
  }),
  hang: (ms?: number, then?: StubReply): StubReply => ({ kind: 'hang', ms, then }),
  destroy: (): StubReply => ({ kind: 'destroy' }),
  embeddings: (vectors: number[][] | ((inputs: string[]) => number[][])): StubReply => ({ kind: 'embeddings', vectors }),
};

/** One request as the stub received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when it was not JSON. */
  body: any;
  raw: string;
  /** True when the client closed the connection before the stub answered (e.g. it timed out). */
  clientClosed: boolean;
}

export interface UnexpectedCall {
  method: string;
  path: string;
  reason: string;
}

/** A scripted step: a fixed reply, or a function of the request (return undefined = unscripted). */
export type Script = StubReply | ((req: RecordedRequest) => StubReply | undefined);

export interface OpenAiStub {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `http://127.0.0.1:PORT/v1`, the `baseURL` an OpenAI client wants. */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  readonly unexpected: UnexpectedCall[];
  /** Replies for the next calls, in order (each used once). */
  enqueue(...steps: Script[]): void;
  /** Used for every call once the queue is empty (e.g. "always hang"). */
  setFallback(step: Script | undefined): void;
  /** Scripted steps not used yet. */
  pending(): number;
  /** Ends hanging requests, then stops the server. */
  close(): Promise<void>;
}

const CHAT = '/v1/chat/completions';
const EMBEDDINGS = '/v1/embeddings';
const UNSCRIPTED_STATUS = 599;

export async function startOpenAiStub(): Promise<OpenAiStub> {
  const queue: Script[] = [];
  let fallback: Script | undefined;
  const requests: RecordedRequest[] = [];
  const unexpected: UnexpectedCall[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;
  let counter = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const path = (req.url ?? '').split('?')[0] ?? '';
      const rec: RecordedRequest = { method: req.method ?? '', path, headers: req.headers, body, raw, clientClosed: false };
      requests.push(rec);
      res.on('close', () => {
        if (!res.writableFinished) rec.clientClosed = true;
      });
      const fail = (reason: string): void => {
        unexpected.push({ method: rec.method, path, reason });
        send(res, UNSCRIPTED_STATUS, { error: { message: `openai-stub: ${reason}`, type: 'stub_error' } });
      };
      if (rec.method !== 'POST' || (path !== CHAT && path !== EMBEDDINGS)) return fail('unexpected path');
      const step = queue.length > 0 ? queue.shift() : fallback;
      const r = typeof step === 'function' ? step(rec) : step;
      if (r === undefined) return fail('unscripted call');
      perform(r, rec, res, fail);
    });
  });

  function perform(r: StubReply, rec: RecordedRequest, res: http.ServerResponse, fail: (reason: string) => void): void {
    switch (r.kind) {
      case 'hang': {
        if (r.ms === undefined || closing) return; // until the client leaves or close() destroys the socket
        const t = setTimeout(() => {
          timers.delete(t);
          if (res.destroyed || res.writableEnded) return;
          if (r.then) perform(r.then, rec, res, fail);
          else res.destroy();
        }, r.ms);
        timers.add(t);
        return;
      }
      case 'destroy':
        res.socket?.destroy();
        return;
      case 'raw':
        if (typeof r.body === 'string') {
          res.writeHead(r.status, { 'content-type': 'application/json' });
          res.end(r.body);
        } else send(res, r.status, r.body);
        return;
      case 'content':
      case 'toolCall':
        if (rec.path !== CHAT) return fail(`a chat reply was scripted for ${rec.path}`);
        send(res, 200, chatCompletion(r, rec.body, ++counter));
        return;
      case 'embeddings': {
        if (rec.path !== EMBEDDINGS) return fail(`an embeddings reply was scripted for ${rec.path}`);
        const input: unknown = rec.body?.input;
        const inputs = Array.isArray(input) ? input.map(String) : [String(input ?? '')];
        const vectors = typeof r.vectors === 'function' ? r.vectors(inputs) : r.vectors;
        send(res, 200, {
          object: 'list',
          model: String(rec.body?.model ?? 'stub'),
          // The openai client asks for base64 unless told otherwise, and decodes it itself.
          data: vectors.map((v, index) => ({
            object: 'embedding',
            index,
            embedding: rec.body?.encoding_format === 'base64' ? Buffer.from(Float32Array.from(v).buffer).toString('base64') : v,
          })),
          usage: { prompt_tokens: 1, total_tokens: 1 },
        });
        return;
      }
    }
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseUrl: `${url}/v1`,
    requests,
    unexpected,
    enqueue: (...steps) => void queue.push(...steps),
    setFallback: (step) => void (fallback = step),
    pending: () => queue.length,
    close: async () => {
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function chatCompletion(r: Extract<StubReply, { kind: 'content' | 'toolCall' }>, body: any, n: number): unknown {
  const message =
    r.kind === 'content'
      ? { role: 'assistant', content: r.content, refusal: null }
      : {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [
            {
              id: `call_${n}`,
              type: 'function',
              function: { name: r.name ?? String(body?.tools?.[0]?.function?.name ?? 'tool'), arguments: r.arguments },
            },
          ],
        };
  return {
    id: `chatcmpl-stub-${n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: String(body?.model ?? 'stub'),
    choices: [
      { index: 0, message, logprobs: null, finish_reason: r.kind === 'toolCall' ? 'tool_calls' : (r.finishReason ?? 'stop') },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

/**
 * Makes nock refuse every outbound connection except to 127.0.0.1 (where the stub listens), so a
 * test cannot reach a real model server by accident. Returns a function that lifts the block.
 */
export function blockNetwork(): () => void {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  return () => {
    nock.cleanAll();
    nock.enableNetConnect();
  };
}

/** A TCP port on 127.0.0.1 that refuses connections (it was free a moment ago). */
export async function refusedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Registers the usual hooks of a test file that talks to a stub model server: the network blocked
 * for the whole file, a fresh stub for each test, closed after it with no unexpected call. Returns
 * the current test's stub.
 */
export function useOpenAiStub(): () => OpenAiStub {
  let stub: OpenAiStub | undefined;
  let unblock: () => void = () => {};
  beforeAll(() => {
    unblock = blockNetwork();
  });
  afterAll(() => unblock());
  beforeEach(async () => {
    stub = await startOpenAiStub();
  });
  afterEach(async () => {
    await stub!.close();
    expect(stub!.unexpected).toEqual([]);
  });
  return () => stub!;
}
