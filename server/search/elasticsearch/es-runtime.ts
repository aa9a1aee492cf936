/**
 * Opening the Elasticsearch side of a scaled-out archive (KWERENDA_BACKEND=elasticsearch): the
 * client, the index templates and aliases (created at every start if missing), the search backend
 * and the outbox sync (./es-sync.ts). The composition root (server/main.ts) calls this; nothing
 * else builds a client.
 */
import { Client } from '@elastic/elasticsearch';
import type { Logger } from '../../log.js';
import type { SearchOptions, ChunkHit } from '../../domain/types.js';
import { archiveEmbedding, getSetting, keyDimensions, queueSearchSync, setSetting, write, type Db } from '../../store/db.js';
import { searchIndexEmbedder, setSearchIndexEmbedder, vectorKey } from '../../store/vector-generations.js';
import { ElasticsearchBackend, type EsBackendOptions } from './es-backend.js';
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
    // Which model's vectors the index answers with: the archive's, until a reembed moves it.
    const archive = archiveEmbedding(args.db);
    if (searchIndexEmbedder(args.db) === null && archive?.spec) setSearchIndexEmbedder(args.db, archive.key, archive.spec);
  });
  return {
    client,
    prefix: args.prefix,
    indexer,
    backend: new IndexFollowingBackend(args.db, { client, prefix: args.prefix, dimensions: args.dimensions }),
    sync: new SearchIndexSync(args.db, indexer, args.logger),
    stempel: ensured.stempel,
    close: () => client.close(),
  };
}

/**
 * The search backend of a running server that follows `kwerenda reembed`: a question embedded by
 * another model than the one the index answers with finds nothing by vector (never a comparison
 * across models), and once the aliases point to a generation of another vector size, questions of
 * that size are searched there.
 */
class IndexFollowingBackend extends ElasticsearchBackend {
  private readonly sized = new Map<number, ElasticsearchBackend>();

  constructor(
    private readonly db: Db,
    private readonly opts: EsBackendOptions,
  ) {
    super(opts);
  }

  override async vector(embedding: Float32Array, opts: SearchOptions): Promise<ChunkHit[]> {
    const answers = this.db.open ? searchIndexEmbedder(this.db)?.key : undefined;
    const made = embedding instanceof Float32Array ? vectorKey(embedding) : undefined;
    if (made !== undefined && answers !== undefined && made !== answers) return [];
    if (answers !== undefined && embedding instanceof Float32Array && embedding.length !== this.dimensions && embedding.length === keyDimensions(answers)) {
      let other = this.sized.get(embedding.length);
      if (!other) this.sized.set(embedding.length, (other = new ElasticsearchBackend({ ...this.opts, dimensions: embedding.length })));
      return other.vector(embedding, opts);
    }
    return super.vector(embedding, opts);
  }
}
