/**
 * Where the rest of the application waits for the search index: ingest before reporting a file
 * done, the API before answering a restriction change. Kept apart from es-runtime.ts so that
 * wiring them costs no load of the Elasticsearch client.
 */
import { DomainError, IngestError } from '../../errors.js';
import type { ElasticsearchRuntime } from './es-runtime.js';

/** Writes one ready document to Elasticsearch before its file counts as done (ingest/pipeline.ts PipelineContext.afterReady). */
export function indexBeforeDone(es: Pick<ElasticsearchRuntime, 'sync'>): (documentId: number) => Promise<void> {
  return async (documentId) => {
    const outcome = await es.sync.drain([documentId]);
    if (outcome.failed > 0) throw new IngestError('search_index', outcome.error ?? 'nieznany błąd', false);
  };
}

/** Drains the outbox to Elasticsearch; a 503 for the caller when it cannot (the next drain retries). */
export function searchIndexApplied(es: Pick<ElasticsearchRuntime, 'sync'>): () => Promise<void> {
  return async () => {
    const outcome = await es.sync.drain();
    if (outcome.failed > 0) {
      throw new DomainError(
        'search_index_unavailable',
        'zmianę zapisano, ale indeks wyszukiwania jeszcze jej nie uwzględnia (Elasticsearch niedostępny); zostanie ponowiona automatycznie',
        503,
      );
    }
  };
}
