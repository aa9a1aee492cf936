/**
 * The archive runtime every command needs — the record in SQLite, the embedder, the search index
 * when scaled out — and the ingest side on top of it. Split from the composition root (main.ts),
 * which adds search, the HTTP API and its services, so that `kwerenda ingest` loads no web server,
 * and the Elasticsearch client and BullMQ are loaded only when configured.
 */
import { HashingEmbedder, HttpEmbedder, type Embedder } from '../ingest/embed.js';
import type { PipelineContext } from '../ingest/pipeline.js';
import { createOcrEngine, type OcrEngine } from '../ingest/extract/ocr-engine.js';
import type { Config } from './config.js';
import { createLogger } from './log.js';
import type { BullMqQueueOptions } from './queue/bullmq-queue.js';
import type { JobQueue } from './queue/queue.js';
import { SqliteQueue } from './queue/sqlite-queue.js';
import { indexBeforeDone } from './search/elasticsearch/es-hooks.js';
import type { ElasticsearchRuntime } from './search/elasticsearch/es-runtime.js';
import { IngestService } from './services/ingest.service.js';
import { Archive } from './store/archive.js';
import { ensureVectorTable, openDb, type Db } from './store/db.js';
import { Ledger } from './store/ledger.js';
import type { Client as EsClient } from '@elastic/elasticsearch';

export interface Runtime {
  config: Readonly<Config>;
  db: Db;
  archive: Archive;
  ledger: Ledger;
  embedder: Embedder;
  /** Scaled out (KWERENDA_BACKEND=elasticsearch): the search index kept in step with the archive; else null. */
  elasticsearch: ElasticsearchRuntime | null;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Tests: an Elasticsearch client on the nock-able HttpConnection. */
  esClient?: EsClient;
}

export interface IngestRuntime extends Runtime {
  pool: OcrEngine;
  queue: JobQueue;
  ingest: IngestService;
}

export async function createEmbedder(config: Readonly<Config>): Promise<Embedder> {
  const e = config.embeddings;
  if (!e.baseUrl) return new HashingEmbedder();
  const http = new HttpEmbedder({
    baseUrl: e.baseUrl,
    model: e.model,
    apiKey: e.apiKey,
    dimensions: e.dimensions,
    timeoutMs: e.timeoutMs,
    queryPrefix: e.queryPrefix,
    passagePrefix: e.passagePrefix,
    inputType: e.inputType,
    batchSize: e.batchSize,
    concurrency: e.concurrency,
    retries: e.retries,
  });
  if (e.dimensions === undefined) await http.probe();
  return http;
}

/**
 * The archive record (SQLite in the data dir) and, scaled out, the Elasticsearch index beside it.
 * Why the record, ledger, users and audit trail stay in SQLite when scaled out: see
 * server/search/elasticsearch/es-sync.ts.
 */
export async function createRuntime(config: Readonly<Config>, opts: RuntimeOptions = {}): Promise<Runtime> {
  const db = openDb(config.dataDir);
  let elasticsearch: ElasticsearchRuntime | null = null;
  try {
    const embedder = await createEmbedder(config);
    ensureVectorTable(db, embedder.id, embedder.dimensions);
    if (config.backend === 'elasticsearch') {
      // Loaded only when scaled out: the client and its dependencies take ~0.2 s to load.
      const { openElasticsearch } = await import('./search/elasticsearch/es-runtime.js');
      elasticsearch = await openElasticsearch({
        url: config.elasticsearchUrl!,
        prefix: config.elasticsearchPrefix,
        dimensions: embedder.dimensions,
        db,
        logger: createLogger(config.logLevel),
        ...(opts.esClient ? { client: opts.esClient } : {}),
      });
    }
    const es = elasticsearch;
    return {
      config,
      db,
      archive: new Archive(db, config.dataDir),
      ledger: new Ledger(db),
      embedder,
      elasticsearch: es,
      close: async () => {
        if (es) {
          await es.sync.stop();
          await es.close();
        }
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}


/**
 * LLM_METADATA with a model configured: the model proposes what the rules left unknown, grounded on
 * the page (server/llm/metadata-proposer.ts). Only a reason code and counts are logged, at debug level.
 */
async function metadataProposer(config: Readonly<Config>): Promise<NonNullable<PipelineContext['proposeMetadata']>> {
  const { LlmMetadataProposer } = await import('./llm/metadata-proposer.js');
  const proposer = LlmMetadataProposer.fromConfig(config.llm);
  const log = createLogger(config.logLevel);
  return async (pages, values) => {
    const out = await proposer.propose(pages, values);
    if (out.asked) log.debug('llm_metadata', { failure: out.failure, kept: out.values.length, rejected: out.rejected });
    return out.values;
  };
}

/**
 * The ingest side. With REDIS_URL the queue is BullMQ, independent of the search backend (several
 * worker processes may share one SQLite archive); `consume` (default false) says whether this
 * process also runs the jobs — in scaled-out mode only `kwerenda worker` does; `ingest` and `serve` enqueue.
 */
export async function createIngestRuntime(
  config: Readonly<Config>,
  workers?: number,
  opts: { consume?: boolean; onJob?: BullMqQueueOptions['onJob'] } & RuntimeOptions = {},
): Promise<IngestRuntime> {
  const base = await createRuntime(config, opts);
  const pool = await createOcrEngine(config.ingest.ocrEngine, workers ?? config.ingest.workers, {
    model: config.ingest.ocrModel,
    ...(config.redisUrl ? { remote: { url: config.redisUrl, slots: config.ingest.remoteOcrSlots } } : {}),
  });
  // Pages and files in flight follow the engine (remote: the requests kept open for OCR workers elsewhere).
  const size = pool.size;
  const queue: JobQueue = config.redisUrl
    ? new (await import('./queue/bullmq-queue.js')).BullMqQueue({
        url: config.redisUrl,
        consume: opts.consume ?? false,
        ...(opts.onJob ? { onJob: opts.onJob } : {}),
        onError: (e) => process.stderr.write(`Kolejka Redis: ${e.message}\n`),
      })
    : new SqliteQueue(base.db);
  const ingest = new IngestService(
    base.ledger,
    queue,
    {
      archive: base.archive,
      ledger: base.ledger,
      pool,
      embedder: base.embedder,
      pageWindow: size + 1,
      ...(base.elasticsearch ? { afterReady: indexBeforeDone(base.elasticsearch) } : {}),
      ...(config.llm.baseUrl && config.llm.metadata ? { proposeMetadata: await metadataProposer(config) } : {}),
      ocr: {
        timeoutMs: config.ingest.pageTimeoutMs,
        maxPixels: config.ingest.maxImagePixels,
        osd: config.ingest.osd,
        viewerDpi: config.ingest.pageImageDpi,
      },
      pdf: {
        timeoutMs: config.ingest.pageTimeoutMs,
        memoryMb: config.ingest.pdfWorkerMemoryMb,
        passwords: config.ingest.pdfPasswords,
        maxImagePixels: config.ingest.maxImagePixels,
        windowBytes: config.ingest.pdfWindowMb * 1024 * 1024,
      },
    },
    config.ingest.attempts,
    // Files in flight: enough to keep every OCR worker fed across file boundaries.
    Math.max(2, size),
  );
  return {
    ...base,
    pool,
    queue,
    ingest,
    close: async () => {
      await queue.close();
      await pool.close();
      await base.close();
    },
  };
}
