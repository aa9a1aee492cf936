/**
 * The OpenAI-compatible HTTP face of `kwerenda llm-serve`: `POST /v1/chat/completions`,
 * `GET /v1/models`, `GET /health`. Plain node:http (three routes need no framework). A client that
 * disconnects before its answer aborts its request: it leaves the queue, or its generation stops and
 * the next request gets the model. Requests and replies are never logged.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LlmServeError } from './errors.js';
import { parseChatRequest, type ChatJob } from './request.js';
import type { Completion, EngineInfo } from './engine.js';

/** What the HTTP layer needs of the engine (the tests of parsing and routing need no model). */
export interface ChatEngine {
  readonly info: EngineInfo;
  readonly pending: number;
  readonly generatedTokens: number;
  complete(job: ChatJob, signal: AbortSignal): Promise<Completion>;
}

/** Planner prompts are a few kB; a megabyte leaves room for long conversations and big schemas. */
const MAX_BODY_BYTES = 1024 * 1024;

export function createLlmHttpServer(engine: ChatEngine): Server {
  const started = Math.floor(Date.now() / 1000);
  return createServer((req, res) => {
    void route(engine, started, req, res).catch((err: unknown) => {
      const e = err instanceof LlmServeError ? err : LlmServeError.internal();
      if (!(err instanceof LlmServeError)) {
        process.stderr.write(`llm-serve: błąd generowania (${err instanceof Error ? err.name : typeof err})\n`);
      }
      send(res, e.status, e.toBody());
    });
  });
}

async function route(engine: ChatEngine, started: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  if (path === '/health') {
    if (req.method !== 'GET') throw LlmServeError.methodNotAllowed(req.method ?? '', path);
    return send(res, 200, { status: 'ok', model: engine.info.id, pending: engine.pending, generated_tokens: engine.generatedTokens });
  }
  if (path === '/v1/models') {
    if (req.method !== 'GET') throw LlmServeError.methodNotAllowed(req.method ?? '', path);
    return send(res, 200, {
      object: 'list',
      data: [{ id: engine.info.id, object: 'model', created: started, owned_by: 'kwerenda', context_length: engine.info.contextSize }],
    });
  }
  if (path === '/v1/chat/completions') {
    if (req.method !== 'POST') throw LlmServeError.methodNotAllowed(req.method ?? '', path);
    return chatCompletions(engine, req, res);
  }
  throw LlmServeError.notFound(path);
}

async function chatCompletions(engine: ChatEngine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req);
  const job = parseChatRequest(body, { maxTokens: engine.info.contextSize });
  // The response's 'close' before it is finished means the client is gone (it aborted, timed out or died).
  const gone = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) gone.abort(new Error('client disconnected'));
  };
  res.on('close', onClose);
  let done: Completion;
  try {
    done = await engine.complete(job, gone.signal);
  } catch (err) {
    if (gone.signal.aborted) return; // nobody to answer
    throw err;
  } finally {
    res.off('close', onClose);
  }
  send(res, 200, toOpenAiCompletion(engine.info.id, job, done));
}

/** The OpenAI `chat.completion` object; a forced function's JSON goes out as its call's arguments. */
export function toOpenAiCompletion(model: string, job: ChatJob, done: Completion): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: done.content };
  if (job.toolName) {
    message.content = null;
    message.tool_calls = [
      { id: `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`, type: 'function', function: { name: job.toolName, arguments: done.content } },
    ];
  }
  // OpenAI says 'tool_calls' for a completed forced call, 'length' for any reply cut by max_tokens.
  const finish = done.finishReason === 'length' ? 'length' : job.toolName ? 'tool_calls' : 'stop';
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
    usage: { prompt_tokens: done.promptTokens, completion_tokens: done.completionTokens, total_tokens: done.promptTokens + done.completionTokens },
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    req.resume();
    throw LlmServeError.invalid('send the body as application/json', 'invalid_content_type');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    throw LlmServeError.tooLarge(MAX_BODY_BYTES);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      throw LlmServeError.tooLarge(MAX_BODY_BYTES);
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw LlmServeError.invalid('the body is not valid JSON', 'invalid_json');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
