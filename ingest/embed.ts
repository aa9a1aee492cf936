/**
 * Embeddings behind one interface. With EMBEDDINGS_BASE_URL set, an OpenAI-compatible
 * `/v1/embeddings` server (vLLM, TEI, llama.cpp, Ollama) serves a real model. Without it, an
 * offline hashing embedder needs no weights: it maps character n-grams of the folded text into a
 * fixed-size vector, so it captures spelling similarity (inflection, OCR damage), not meaning.
 */
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { z } from 'zod';
import { foldForCompare } from './text/fold.js';

export interface Embedder {
  /** Stable id: an archive is bound to the embedder that built it. */
  readonly id: string;
  readonly dimensions: number;
  /** Unit-length vectors, one per text. */
  embed(texts: string[], kind: 'query' | 'passage'): Promise<Float32Array[]>;
}

export const HASH_DIMENSIONS = 384;

/** Offline default: signed feature hashing of character 3- to 5-grams of each folded word. */
export class HashingEmbedder implements Embedder {
  readonly id = 'hash-ngram-v1';
  constructor(readonly dimensions = HASH_DIMENSIONS) {}

  /** Queries and passages are embedded alike: there is no model to prompt. */
  async embed(texts: string[], _kind: 'query' | 'passage' = 'passage'): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): Float32Array {
    const v = new Float32Array(this.dimensions);
    const words = foldForCompare(text).match(/[\p{L}\p{N}]+/gu) ?? [];
    for (const word of words) {
      const w = `<${word}>`;
      for (let n = 3; n <= 5; n++) {
        for (let i = 0; i + n <= w.length; i++) this.add(v, w.slice(i, i + n), 1 / n);
      }
      this.add(v, `w:${word}`, 1);
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
    return v;
  }

  private add(v: Float32Array, feature: string, weight: number): void {
    const h = fnv1a(feature);
    const index = h % this.dimensions;
    v[index]! += (h & 0x80000000 ? -1 : 1) * weight;
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const zEmbeddingResponse = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()) })),
});

export interface HttpEmbedderOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  dimensions?: number;
  timeoutMs: number;
  queryPrefix: string;
  passagePrefix: string;
  /** Send `input_type: query|passage` in each request (servers that add their model's prefixes). */
  inputType?: boolean;
  /** Texts per request (default 32). */
  batchSize?: number;
  /** Requests in flight at once (default 2). */
  concurrency?: number;
  /** Retries of a failed request with backoff, by the OpenAI client (default 3). */
  retries?: number;
}

/** An OpenAI-compatible embeddings endpoint, through the official client. */
export class HttpEmbedder implements Embedder {
  readonly id: string;
  private readonly client: OpenAI;
  private dims: number | undefined;

  constructor(private readonly opts: HttpEmbedderOptions) {
    this.client = new OpenAI({
      baseURL: opts.baseUrl,
      apiKey: opts.apiKey || 'not-needed',
      timeout: opts.timeoutMs,
      maxRetries: opts.retries ?? 3,
    });
    this.dims = opts.dimensions;
    const prompting = `${opts.queryPrefix}|${opts.passagePrefix}${opts.inputType ? '|input_type' : ''}`;
    this.id = `openai:${opts.model}:${createHash('sha256').update(prompting).digest('hex').slice(0, 8)}`;
  }

  get dimensions(): number {
    if (this.dims === undefined) throw new Error('embedding dimensions unknown until the first call (call probe())');
    return this.dims;
  }

  /** Asks the server once to learn the vector size. */
  async probe(): Promise<number> {
    const [v] = await this.embed(['test'], 'passage');
    return v!.length;
  }

  /** Batches of `batchSize` texts, up to `concurrency` requests at once; vectors in input order. */
  async embed(texts: string[], kind: 'query' | 'passage'): Promise<Float32Array[]> {
    const size = this.opts.batchSize ?? 32;
    const batches: string[][] = [];
    for (let i = 0; i < texts.length; i += size) batches.push(texts.slice(i, i + size));
    const results: Float32Array[][] = new Array(batches.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < batches.length) {
        const b = next++;
        results[b] = await this.embedBatch(batches[b]!, kind);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? 2, batches.length) }, lane));
    return results.flat();
  }

  private async embedBatch(texts: string[], kind: 'query' | 'passage'): Promise<Float32Array[]> {
    const prefix = kind === 'query' ? this.opts.queryPrefix : this.opts.passagePrefix;
    const batch = texts.map((t) => prefix + t);
    const body: OpenAI.EmbeddingCreateParams & { input_type?: string } = { model: this.opts.model, input: batch, encoding_format: 'float' };
    if (this.opts.inputType) body.input_type = kind;
    const raw = await this.client.embeddings.create(body);
    const parsed = zEmbeddingResponse.parse(raw);
    if (parsed.data.length !== batch.length) throw new Error(`embedding server returned ${parsed.data.length} vectors for ${batch.length} texts`);
    const sorted = [...parsed.data].sort((a, b) => a.index - b.index);
    return sorted.map((d) => {
      const v = Float32Array.from(d.embedding);
      this.dims ??= v.length;
      if (v.length !== this.dims) throw new Error(`embedding size ${v.length}, expected ${this.dims}`);
      return normalise(v);
    });
  }
}

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}
