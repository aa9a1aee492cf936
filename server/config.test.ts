import { meaningWeight } from './services/agent.service.js';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration from the environment', () => {
  it('runs with no settings at all: embedded archive in ./data, offline embeddings', () => {
    const c = loadConfig({});
    expect(c.backend).toBe('sqlite');
    expect(c.dataDir.endsWith('data')).toBe(true);
    expect(c.embeddings.baseUrl).toBeUndefined();
    expect(c.ingest.workers).toBeGreaterThan(0);
    expect(Object.isFrozen(c.ingest)).toBe(true);
    expect(c.ingest.ocrModel).toBe('bundled');
    expect(loadConfig({ KWERENDA_OCR_MODEL: 'system' }).ingest.ocrModel).toBe('system');
  });

  it('LLM_METADATA: on by default, off with false or 0, anything else refused', () => {
    expect(loadConfig({}).llm.metadata).toBe(true);
    expect(loadConfig({ LLM_METADATA: 'false' }).llm.metadata).toBe(false);
    expect(loadConfig({ LLM_METADATA: '0' }).llm.metadata).toBe(false);
    expect(() => loadConfig({ LLM_METADATA: 'maybe' })).toThrow(/LLM_METADATA/);
  });

  it('treats empty variables as unset', () => {
    const c = loadConfig({ EMBEDDINGS_BASE_URL: '', KWERENDA_WORKERS: '', REDIS_URL: ' ' });
    expect(c.embeddings.baseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
  });

  it('lists every bad value at once, and hides secrets', () => {
    let err: unknown;
    try {
      loadConfig({
        KWERENDA_BACKEND: 'mysql',
        KWERENDA_WORKERS: 'many',
        EMBEDDINGS_BASE_URL: 'not a url',
        KWERENDA_PAGE_TIMEOUT_S: '-3',
        KWERENDA_OCR_MODEL: 'fast',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const key of ['KWERENDA_BACKEND', 'KWERENDA_WORKERS', 'EMBEDDINGS_BASE_URL', 'KWERENDA_PAGE_TIMEOUT_S', 'KWERENDA_OCR_MODEL']) {
      expect(problems).toContain(key);
    }
  });

  it('refuses settings that cannot work together', () => {
    expect(() => loadConfig({ KWERENDA_BACKEND: 'elasticsearch' })).toThrow(/ELASTICSEARCH_URL/);
    expect(() => loadConfig({ EMBEDDINGS_BASE_URL: 'http://127.0.0.1:8080/v1' })).toThrow(/EMBEDDINGS_MODEL/);
  });

  it('prompts the embedding model by a named preset, each prefix overridable', () => {
    const e = (env: Record<string, string>) => loadConfig(env).embeddings;
    expect(e({})).toMatchObject({ queryPrefix: 'zapytanie: ', passagePrefix: '', inputType: false });
    expect(e({ EMBEDDINGS_PREFIXES: 'e5' })).toMatchObject({ queryPrefix: 'query: ', passagePrefix: 'passage: ', inputType: false });
    expect(e({ EMBEDDINGS_PREFIXES: 'input_type' })).toMatchObject({ queryPrefix: '', passagePrefix: '', inputType: true });
    expect(e({ EMBEDDINGS_PREFIXES: 'e5', EMBEDDINGS_QUERY_PREFIX: '' })).toMatchObject({ queryPrefix: '', passagePrefix: 'passage: ' });
    expect(() => loadConfig({ EMBEDDINGS_PREFIXES: 'bge' })).toThrow(/EMBEDDINGS_PREFIXES/);
  });

  it('weighs meaning by the embedder unless told a number', () => {
    expect(loadConfig({}).search.meaningWeight).toBe('auto');
    expect(loadConfig({ KWERENDA_MEANING_WEIGHT: '0.5' }).search.meaningWeight).toBe(0.5);
    expect(() => loadConfig({ KWERENDA_MEANING_WEIGHT: '2' })).toThrow(/KWERENDA_MEANING_WEIGHT/);
    expect(meaningWeight('auto', 'hash-ngram-v1')).toBe(0);
    expect(meaningWeight('auto', 'openai:multilingual-e5-small-q4:1a2b3c4d')).toBe(1);
    expect(meaningWeight(0.3, 'hash-ngram-v1')).toBe(0.3);
  });

  it('reads passwords as a list', () => {
    expect(loadConfig({ KWERENDA_PDF_PASSWORDS: 'a,b' }).ingest.pdfPasswords).toEqual(['a', 'b']);
  });
});
