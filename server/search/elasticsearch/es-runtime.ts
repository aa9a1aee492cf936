/**
 * Opening the Elasticsearch side of a scaled-out archive (KWERENDA_BACKEND=elasticsearch): the
 * client, the index templates and aliases (created at every start if missing), the search backend
 * and the outbox sync (./es-sync.ts). The composition root (server/main.ts) calls this; nothing
 * else builds a client.
 */
import { Client } from '@elastic/elasticsearch';
import type { Logger } from '../../log.js';
import { getSetting, queueSearchSync, setSetting, write, type Db } from '../../store/db.js';
import { ElasticsearchBackend } from './es-backend.js';
import { ElasticsearchIndexer } from './es-indexer.js';
import { esReason, esWhere } from './es-errors.js';
import { SearchIndexSync } from './es-sync.js';

export { esReason, esWhere };

export interface ElasticsearchRuntime {
  client: Client;
  prefix: string;
  indexer: ElasticsearchIndexer;
  backend: ElasticsearchBackend;
  sync: SearchIndexSync;
  /** Whether the Polish analyzer comes from analysis-stempel (else the documented fallback). */
  stempel: boolean;
  close(): Promise<void>;
}

export async function openElasticsearch(args: {
  url: string;
  prefix: string;
  dimensions: number;
  db: Db;
  logger?: Pick<Logger, 'warn'>;
  /** Tests pass a client on the nock-able HttpConnection. */
  client?: Client;
}): Promise<ElasticsearchRuntime> {
  const client = args.client ?? new Client({ node: args.url, requestTimeout: 30_000, maxRetries: 2 });
  const indexer = new ElasticsearchIndexer({ client, prefix: args.prefix, dimensions: args.dimensions });
  let ensured: { stempel: boolean; created: boolean };
  try {
    ensured = await indexer.ensureIndices();
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new Error(`Elasticsearch ${esWhere(args.url)} nie jest dostępny: ${esReason(err)}`);
  }
  write(args.db, () => {
    const first = getSetting(args.db, 'search_index') === undefined;
    setSetting(args.db, 'search_index', 'elasticsearch');
    // New indices (or an embedded archive moving to Elasticsearch): every ready document goes in.
    if (ensured.created || first) {
      queueSearchSync(args.db, args.db.prepare("SELECT id FROM documents WHERE status = 'ready'").pluck().all() as number[], 'index');
    }
  });
  return {
    client,
    prefix: args.prefix,
    indexer,
    backend: new ElasticsearchBackend({ client, prefix: args.prefix, dimensions: args.dimensions }),
    sync: new SearchIndexSync(args.db, indexer, args.logger),
    stempel: ensured.stempel,
    close: () => client.close(),
  };
}
