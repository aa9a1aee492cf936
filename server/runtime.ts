/**
 * The archive runtime every command needs — the record in SQLite, the embedder, the search index
 * when scaled out — and the ingest side on top of it. Split from the composition root (main.ts),
 * which adds search, the HTTP API and its services, so that `kwerenda ingest` loads no web server,
 * and the Elasticsearch client and BullMQ are loaded only when configured.
 */
import { APIConnectionError } from 'openai';
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
import { archiveEmbedding, embedderKey, ensureVectorTable, getSetting, openDb, type Db, type EmbedderSpec } from './store/db.js';
import { searchIndexEmbedder, tagVectors } from './store/vector-generations.js';
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
  /** No warning when the configured embedder is not the archive's (`kwerenda reembed` is about to move it). */
  quietEmbedderMismatch?: boolean;
}

export interface IngestRuntime extends Runtime {
  pool: OcrEngine;
  queue: JobQueue;
  ingest: IngestService;
}

export async function createEmbedder(config: Readonly<Config>): Promise<Embedder> {
  const e = config.embeddings;
  if (!e.baseUrl) return new HashingEmbedder();
  const http = httpEmbedder({ ...e, baseUrl: e.baseUrl, inputType: e.inputType }, config);
  if (e.dimensions === undefined) await http.probe();
  return http;
}

/** An embedding server's client: who and how to prompt from the caller, the key and the request pacing from the configuration. */
function httpEmbedder(
  model: { baseUrl: string; model: string; dimensions?: number; queryPrefix: string; passagePrefix: string; inputType: boolean },
  config: Readonly<Config>,
): HttpEmbedder {
  const e = config.embeddings;
  return new HttpEmbedder({
    ...model,
    apiKey: e.apiKey,
    timeoutMs: e.timeoutMs,
    batchSize: e.batchSize,
    concurrency: e.concurrency,
    retries: e.retries,
  });
}

/** How to rebuild the configured embedder (`dimensions`: its vector size, known once probed). */
export function configuredSpec(config: Readonly<Config>, dimensions: number): EmbedderSpec {
  const e = config.embeddings;
  if (!e.baseUrl) return { kind: 'hash', dimensions };
  return {
    kind: 'openai',
    baseUrl: e.baseUrl,
    model: e.model,
    dimensions,
    queryPrefix: e.queryPrefix,
    passagePrefix: e.passagePrefix,
    inputType: e.inputType ?? false,
  };
}

/** The configured embedder's id, known without asking its server. */
function configuredId(config: Readonly<Config>): string {
  const e = config.embeddings;
  if (!e.baseUrl) return new HashingEmbedder().id;
  return new HttpEmbedder({ ...e, baseUrl: e.baseUrl, dimensions: e.dimensions ?? 1 }).id;
}

/** An embedder rebuilt from an archive's spec; the API key and the request pacing come from the configuration. */
export function embedderFromSpec(spec: EmbedderSpec, config: Readonly<Config>): Embedder {
  if (spec.kind === 'hash') return new HashingEmbedder(spec.dimensions);
  return httpEmbedder(spec, config);
}

/** A server address for messages and logs: without credentials or a query string. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(nieprawidłowy adres)';
  }
}

/** Names an embedder for people: the model and server, or the offline hashing embedder. */
export function describeSpec(spec: EmbedderSpec): string {
  return spec.kind === 'hash' ? `offline hash-ngram-v1 (${spec.dimensions} wym.)` : `${spec.model} na ${shownUrl(spec.baseUrl)} (${spec.dimensions} wym.)`;
}

/** A connection failure of the archive's embedding server, said plainly. */
export class EmbeddingServerError extends Error {}

interface Bound {
  key: string;
  spec: EmbedderSpec;
  embedder: Embedder;
}

/**
 * The archive's embedder, following the archive: before each call it checks which embedder the
 * archive's vectors are made by (one settings read) and, once `kwerenda reembed` switched it,
 * rebuilds that one from its stored spec — so a server or worker started before the switch embeds
 * questions and passages with the new model from then on, without a restart. Vectors it returns are
 * tagged with the embedder's key (server/store/vector-generations.ts): the archive refuses to store,
 * and the search to compare, vectors of a model it no longer uses.
 *
 * When the archive's embedder is an embedding server that does not answer, every call fails with an
 * EmbeddingServerError naming the server (vector search and ingest need it; browsing, keyword search
 * and reading documents do not).
 */
export class ArchiveEmbedder implements Embedder {
  private query: Bound | null = null;
  private searchIndex = false;

  constructor(
    private readonly db: Db,
    private readonly config: Readonly<Config>,
    private current: Bound,
    private readonly configured: Bound | null,
  ) {}

  get id(): string {
    return this.current.embedder.id;
  }

  get dimensions(): number {
    return this.current.embedder.dimensions;
  }

  /** The archive's embedder key this embedder currently uses. */
  get key(): string {
    return this.current.key;
  }

  /**
   * Scaled out: questions are embedded by the model whose vectors the Elasticsearch aliases answer
   * with, which trails the archive's own while a reembed builds the new index generation.
   */
  followSearchIndex(): void {
    this.searchIndex = true;
  }

  async embed(texts: string[], kind: 'query' | 'passage'): Promise<Float32Array[]> {
    const b = kind === 'query' && this.searchIndex ? this.followIndex() : this.follow();
    try {
      return tagVectors(await b.embedder.embed(texts, kind), b.key);
    } catch (err) {
      if (b.spec.kind === 'openai' && err instanceof APIConnectionError) {
        const differs = this.configured?.key !== b.key;
        throw new EmbeddingServerError(
          `Serwer embeddingów archiwum (${shownUrl(b.spec.baseUrl)}, model ${b.spec.model}) nie odpowiada: ${(err as Error).message}.` +
            (differs ? ' Archiwum używa modelu, którym zbudowano jego wektory; uruchom ten serwer albo przenieś archiwum na skonfigurowany model: kwerenda reembed.' : ''),
          { cause: err },
        );
      }
      throw err;
    }
  }

  private followIndex(): Bound {
    const live = this.follow();
    const index = this.db.open ? searchIndexEmbedder(this.db) : null;
    if (index === null || index.key === live.key) return live;
    if (this.query?.key !== index.key) {
      this.query = this.configured?.key === index.key ? this.configured : { ...index, embedder: embedderFromSpec(index.spec, this.config) };
    }
    return this.query;
  }

  private follow(): Bound {
    if (!this.db.open) return this.current;
    const key = getSetting(this.db, 'embedder');
    if (!key || key === this.current.key) return this.current;
    if (this.configured?.key === key) return (this.current = this.configured);
    const spec = archiveEmbedding(this.db)?.spec;
    if (!spec) throw new Error(`archive embeddings "${key}" cannot be rebuilt: the archive does not record their server`);
    return (this.current = { key, spec, embedder: embedderFromSpec(spec, this.config) });
  }
}

/**
 * Which embedder serves the archive. A new archive takes the configured one. An archive made by
 * another embedder than the configured one keeps being searched and fed with its own, rebuilt from
 * the spec it stores (one warning names both and points to `kwerenda reembed`); an archive made
 * before specs were stored, by an embedding server, cannot be rebuilt and is refused as before.
 */
async function bindEmbedder(db: Db, config: Readonly<Config>, quiet = false): Promise<ArchiveEmbedder> {
  const archive = archiveEmbedding(db);
  const wantedId = configuredId(config);
  const wantedDims = config.embeddings.baseUrl ? config.embeddings.dimensions : new HashingEmbedder().dimensions;
  const sameAsConfigured =
    archive === null || (archive.key.startsWith(`${wantedId}:`) && (wantedDims === undefined || archive.key === embedderKey(wantedId, wantedDims)));
  if (sameAsConfigured) {
    const embedder = await createEmbedder(config);
    const key = embedderKey(embedder.id, embedder.dimensions);
    const spec = configuredSpec(config, embedder.dimensions);
    if (archive === null || archive.key === key) {
      ensureVectorTable(db, embedder.id, embedder.dimensions, spec); // records (or refreshes) the spec
      const bound = { key, spec, embedder };
      return new ArchiveEmbedder(db, config, bound, bound);
    }
  }
  const configuredLabel = config.embeddings.baseUrl
    ? `${config.embeddings.model} na ${shownUrl(config.embeddings.baseUrl)} (${wantedId})`
    : `offline hash-ngram-v1`;
  if (!archive!.spec) {
    throw new Error(
      `archiwum zbudowano embeddingami "${archive!.key}", a skonfigurowano ${configuredLabel}; archiwum sprzed tej wersji ` +
        'nie zapisało, jak odtworzyć swój serwer embeddingów: skonfiguruj ten sam serwer (EMBEDDINGS_*) i uruchom ' +
        '`kwerenda reembed` (nic nie przeliczy, zapisze opis serwera), potem skonfiguruj nowy model i uruchom `kwerenda reembed` ponownie',
    );
  }
  if (!quiet) createLogger(config.logLevel).warn('embeddings.config_differs', {
    message: `Archiwum używa modelu ${describeSpec(archive!.spec)}, a skonfigurowano ${configuredLabel}; wyszukiwanie i przyjmowanie dokumentów działa na modelu archiwum. Uruchom \`kwerenda reembed\`, aby przenieść archiwum na skonfigurowany model.`,
    archive: archive!.key,
    configured: wantedId,
  });
  const bound = { key: archive!.key, spec: archive!.spec, embedder: embedderFromSpec(archive!.spec, config) };
  return new ArchiveEmbedder(db, config, bound, null);
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
    const embedder = await bindEmbedder(db, config, opts.quietEmbedderMismatch);
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
    if (es) embedder.followSearchIndex();
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
