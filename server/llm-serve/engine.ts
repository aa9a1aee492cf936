/**
 * The model behind `kwerenda llm-serve`: one GGUF loaded with node-llama-cpp on the CPU, one context
 * and one conversation slot. The chat wrapper is node-llama-cpp's reading of the GGUF's own chat
 * template (its built-in equivalent when it recognises the template, the Jinja template itself
 * otherwise). node-llama-cpp is imported here, when a model is loaded, so no other command pays for
 * it. Its prebuilt binaries come from npm; `build: 'never'` keeps it from compiling or downloading
 * llama.cpp when they do not fit this machine: it fails instead.
 *
 * Nothing here logs: prompts and replies are the clerks' questions and whatever the model wrote.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ChatHistoryItem, Llama, LlamaChat, LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import { LlmServeError } from './errors.js';
import { SerialQueue } from './queue.js';
import type { ChatJob } from './request.js';
import { dropOmitted } from './schema-grammar.js';

export interface EngineOptions {
  modelPath: string;
  contextSize: number;
  /** CPU threads for generation; default: the cores this process may use. */
  threads?: number;
}

export interface Completion {
  content: string;
  finishReason: 'stop' | 'length';
  promptTokens: number;
  completionTokens: number;
}

export interface EngineInfo {
  /** The model's id in `/v1/models` and replies: the GGUF's file name without `.gguf`. */
  id: string;
  name: string | null;
  chatWrapper: string;
  contextSize: number;
  threads: number;
}

export class LlmEngine {
  private readonly queue = new SerialQueue();
  private readonly grammars = new Map<string, LlamaGrammar>();
  private closed = false;

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequence: LlamaContextSequence,
    private readonly chat: LlamaChat,
    readonly info: EngineInfo,
  ) {}

  static async load(opts: EngineOptions): Promise<LlmEngine> {
    const { getLlama, LlamaChat, LlamaLogLevel } = await import('node-llama-cpp');
    // node-llama-cpp's own default counted 4 threads on a 2-core machine; more threads than cores
    // makes llama.cpp's spinning workers fight and generation crawl.
    const threads = opts.threads ?? availableParallelism();
    const llama = await getLlama({
      gpu: false,
      build: 'never',
      skipDownload: true,
      progressLogs: false,
      logLevel: LlamaLogLevel.error,
      // llama.cpp's own errors say what failed with the file or memory, never what was asked.
      logger: (_level, message) => process.stderr.write(`llama.cpp: ${message.trimEnd()}\n`),
      maxThreads: threads,
    });
    let model: LlamaModel | undefined;
    try {
      model = await llama.loadModel({ modelPath: opts.modelPath, gpuLayers: 0 });
      const context = await model.createContext({
        contextSize: opts.contextSize,
        sequences: 1,
        threads,
      });
      const sequence = context.getSequence();
      const chat = new LlamaChat({ contextSequence: sequence });
      const base = path.basename(opts.modelPath);
      const info: EngineInfo = {
        id: base.toLowerCase().endsWith('.gguf') ? base.slice(0, -5) : base,
        name: model.fileInfo.metadata.general?.name ?? null,
        chatWrapper: chat.chatWrapper.wrapperName,
        contextSize: context.contextSize,
        threads: context.currentThreads,
      };
      return new LlmEngine(llama, model, context, sequence, chat, info);
    } catch (err) {
      await model?.dispose();
      await llama.dispose();
      throw err;
    }
  }

  /** Requests queued or running. */
  get pending(): number {
    return this.queue.depth;
  }

  /** Tokens generated since the start, stopped generations included. */
  get generatedTokens(): number {
    return this.sequence.tokenMeter.usedOutputTokens;
  }

  /**
   * Answers one chat request, after every earlier one. An aborted `signal` takes the request out of
   * the line, or stops its generation and frees the slot for the next; the promise then rejects.
   */
  complete(job: ChatJob, signal: AbortSignal): Promise<Completion> {
    if (this.closed) return Promise.reject(LlmServeError.internal());
    return this.queue.run(() => this.generate(job, signal), signal);
  }

  private async generate(job: ChatJob, signal: AbortSignal): Promise<Completion> {
    const history = toHistory(job.messages);
    const promptTokens = this.chat.chatWrapper
      .generateContextState({ chatHistory: history })
      .contextText.tokenize(this.model.tokenizer).length;
    const room = this.info.contextSize - promptTokens;
    const maxTokens = job.maxTokensAsked ? job.maxTokens : Math.min(job.maxTokens, room);
    if (maxTokens > room || maxTokens < 1) throw LlmServeError.contextExceeded(promptTokens, this.info.contextSize);
    const grammar = job.json ? await this.grammarFor(job.json.schema, job.json.param) : undefined;
    const before = this.sequence.tokenMeter.usedOutputTokens;
    const response = await this.chat.generateResponse(history, {
      signal,
      maxTokens,
      temperature: job.temperature,
      ...(job.topP !== undefined ? { topP: job.topP } : {}),
      ...(job.seed !== undefined ? { seed: job.seed } : {}),
      ...(grammar ? { grammar } : {}),
    });
    const finishReason = response.metadata.stopReason === 'maxTokens' ? 'length' : 'stop';
    let content = response.response;
    if (job.json && finishReason === 'stop') content = tidyJson(content, job.json.omit);
    return { content, finishReason, promptTokens, completionTokens: this.sequence.tokenMeter.usedOutputTokens - before };
  }

  /** Compiles a grammar once per distinct schema: a planner sends the same one every time. */
  private async grammarFor(schema: Record<string, unknown>, param: string): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    const known = this.grammars.get(key);
    if (known) return known;
    let grammar: LlamaGrammar;
    try {
      grammar = await this.llama.createGrammarForJsonSchema(schema as never);
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0]!.slice(0, 300) : 'unknown reason';
      throw LlmServeError.invalid(`llama.cpp cannot compile a grammar for this schema: ${reason}`, 'unsupported_schema', param);
    }
    if (this.grammars.size >= 32) this.grammars.delete(this.grammars.keys().next().value!);
    this.grammars.set(key, grammar);
    return grammar;
  }

  /**
   * Frees the model once the requests already in line are done (the HTTP server aborts those whose
   * clients it disconnects, so this does not wait for long generations).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.run(async () => undefined).catch(() => undefined);
    this.chat.dispose();
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}

function toHistory(messages: ChatJob['messages']): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'system'
      ? { type: 'system', text: m.content }
      : m.role === 'user'
        ? { type: 'user', text: m.content }
        : { type: 'model', response: [m.content] },
  );
  history.push({ type: 'model', response: [] });
  return history;
}

/** The grammar's JSON with the stand-in nulls of omitted optional properties removed. */
function tidyJson(text: string, omit: NonNullable<ChatJob['json']>['omit']): string {
  try {
    return JSON.stringify(dropOmitted(JSON.parse(text), omit));
  } catch {
    return text;
  }
}
