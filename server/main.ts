/**
 * Composition root: the one place where implementations are chosen (by configuration) and wired.
 */
import http from 'node:http';
import { HashingEmbedder, HttpEmbedder, type Embedder } from '../ingest/embed.js';
import { createOcrEngine, type OcrEngine } from '../ingest/extract/ocr-engine.js';
import { RulesPlanner } from './agent/rules-planner.js';
import type { Config } from './config.js';
import { createApp, type AppDeps } from './http/app.js';
import { answerMalformedRequestsInJson } from './http/node-server.js';
import { createLlmClient } from './llm/client.js';
import { groundPlan } from './llm/grounding.js';
import { LlmPlanner } from './llm/llm-planner.js';
import { LlmReranker } from './llm/llm-reranker.js';
import { createLogger, type Logger } from './log.js';
import type { SearchBackend } from './search/backend.js';
import type { Viewer } from './domain/types.js';
import { SqliteSearchBackend } from './search/sqlite/sqlite-backend.js';
import { AgentService, type AgentDeps } from './services/agent.service.js';
import { PeselPolicy } from './security/masking.js';
import { DocumentService } from './services/document.service.js';
import { PageImageService } from './services/page-image.service.js';
import { AuditLog } from './store/audit-log.js';
import { Searches } from './store/searches.js';
import { Sessions } from './store/sessions.js';
import { Users } from './store/users.js';
import { Verdicts } from './store/verdicts.js';
import { Restrictions } from './store/restrictions.js';
import { OidcClient } from './security/oidc.js';
import { OverviewService } from './services/overview.service.js';
import { SqliteQueue } from './queue/sqlite-queue.js';
import { BullMqQueue, type BullMqQueueOptions } from './queue/bullmq-queue.js';
import type { JobQueue } from './queue/queue.js';
import { IngestService } from './services/ingest.service.js';
import { UploadService, type UploadLimits } from './services/upload.service.js';
import { Archive } from './store/archive.js';
import { ensureVectorTable, openDb, type Db } from './store/db.js';
import { Ledger } from './store/ledger.js';
import { WebhookDispatcher, type DispatcherOptions } from './services/webhooks.service.js';
import type { Client as EsClient } from '@elastic/elasticsearch';
import { indexBeforeDone, openElasticsearch, searchIndexApplied, type ElasticsearchRuntime } from './search/elasticsearch/es-runtime.js';

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
    ...(config.redisUrl ? { remote: { url: config.redisUrl, slots: config.ingest.remoteOcrSlots } } : {}),
  });
  // Pages and files in flight follow the engine (remote: the requests kept open for OCR workers elsewhere).
  const size = pool.size;
  const queue: JobQueue = config.redisUrl
    ? new BullMqQueue({
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

export interface SearchRuntime extends Runtime {
  backend: SearchBackend;
  agent: AgentService;
  documents: DocumentService;
  users: Users;
  searches: Searches;
  verdicts: Verdicts;
  sessions: Sessions;
  /** The tamper-evident audit trail. */
  auditLog: AuditLog;
  /** Restricted documents: rules by case, folder or document (admins). */
  restrictions: Restrictions;
  logger: Logger;
  /** Web uploads; its ingest workers start on the first upload and stop with the runtime. */
  uploads: UploadService;
  /** Who sees PESEL / identity-card numbers unmasked (KWERENDA_PESEL_VISIBLE_ROLES). */
  pesel: PeselPolicy;
  /** Sends recorded webhook deliveries; started by createHttpServer (`kwerenda serve`), stopped by close(). */
  webhooks: WebhookDispatcher;
}

/** The LLM side of the agent, when LLM_BASE_URL is configured. */
function createLlm(config: Readonly<Config>, backend: SearchBackend): AgentDeps['llm'] {
  if (!config.llm.baseUrl) return undefined;
  const client = createLlmClient(config.llm);
  // A term the model introduced is kept only if the archive, as the asking viewer sees it, contains it as a phrase.
  const exists = (viewer: Viewer) => async (term: string) =>
    (await backend.keyword({ terms: [{ forms: [{ text: term }] }], match: 'all' }, { limit: 1, viewer })).length > 0;
  return {
    planner: new LlmPlanner(client, config.llm),
    ground: (plan, question, filters, viewer) => groundPlan(plan, question, exists(viewer), filters ? { filters } : {}),
    ...(config.llm.rerank ? { reranker: new LlmReranker(client, config.llm) } : {}),
  };
}

/** Everything search needs: backend, agent, documents, users; no OCR pool. */
export async function createSearchRuntime(
  config: Readonly<Config>,
  opts: {
    logger?: Logger;
    /**
     * 'auto' keeps an in-memory int8 copy of the vectors (fast kNN for a server, built on first use);
     * 'vec0' searches sqlite-vec directly (no build cost: right for one question from the command line).
     */
    vectorSearch?: 'auto' | 'vec0';
    uploadLimits?: Partial<UploadLimits>;
    /** Webhook dispatcher pacing (tests shorten the backoff). */
    webhooks?: Partial<DispatcherOptions>;
  } & RuntimeOptions = {},
): Promise<SearchRuntime> {
  const base = await createRuntime(config, opts);
  const logger = opts.logger ?? createLogger(config.logLevel);
  const backend: SearchBackend = base.elasticsearch?.backend ?? new SqliteSearchBackend(base.db, { vectorSearch: opts.vectorSearch ?? 'auto' });
  const auditLog = new AuditLog(base.db, config.timeZone);
  const searches = new Searches(base.db, auditLog, config.timeZone);
  const pageImages = new PageImageService(base.db, base.config.dataDir, {
    pageTimeoutMs: config.ingest.pageTimeoutMs,
    pdfWorkerMemoryMb: config.ingest.pdfWorkerMemoryMb,
    pdfPasswords: config.ingest.pdfPasswords,
    maxImagePixels: config.ingest.maxImagePixels,
    pageImageDpi: config.ingest.pageImageDpi,
  });
  const pesel = new PeselPolicy(config.security.peselVisibleRoles);
  const agent = new AgentService({
    pesel,
    backend,
    embedder: base.embedder,
    rules: new RulesPlanner(),
    llm: createLlm(config, backend),
    searches,
    logger,
    budgetMs: config.search.budgetMs,
  });
  const uploads = new UploadService({
    dataDir: config.dataDir,
    ledger: base.ledger,
    startWorkers: () => createIngestRuntime(config),
    limits: { ...config.uploads, ...opts.uploadLimits },
    logger,
  });
  const webhooks = new WebhookDispatcher(base.db, { logger, ...opts.webhooks });
  return {
    ...base,
    backend,
    agent,
    documents: new DocumentService(backend, base.db, config.dataDir, pageImages),
    users: new Users(base.db, auditLog),
    restrictions: new Restrictions(base.db, auditLog),
    searches,
    verdicts: new Verdicts(base.db, auditLog),
    sessions: new Sessions(
      base.db,
      { idleMinutes: config.security.sessionIdleMinutes, maxHours: config.security.sessionMaxHours },
      { maxFailures: config.security.loginMaxFailures, lockSeconds: config.security.loginLockSeconds, maxLockSeconds: 3600 },
    ),
    auditLog,
    logger,
    uploads,
    pesel,
    webhooks,
    close: async () => {
      await webhooks.stop();
      await uploads.close();
      await pageImages.close();
      await base.close();
    },
  };
}

/** Everything the HTTP app needs, from a search runtime. */
export function appDeps(rt: SearchRuntime): AppDeps {
  return {
    backend: rt.backend,
    agent: rt.agent,
    documents: rt.documents,
    users: rt.users,
    logger: rt.logger,
    uploads: rt.uploads,
    audit: { searches: rt.searches, verdicts: rt.verdicts, users: rt.users, log: rt.auditLog, backend: rt.backend },
    overview: new OverviewService(rt.db, rt.elasticsearch !== null),
    restrictions: rt.restrictions,
    ...(rt.elasticsearch ? { searchIndexApplied: searchIndexApplied(rt.elasticsearch) } : {}),
    webhooks: rt.webhooks.store,
    pesel: rt.pesel,
    security: {
      sessions: rt.sessions,
      audit: rt.auditLog,
      sessionMaxHours: rt.config.security.sessionMaxHours,
      loginPerMinute: rt.config.security.loginPerMinute,
      searchPerMinute: rt.config.security.searchPerMinute,
      trustProxy: rt.config.http.trustProxy,
      ...(rt.config.oidc ? { oidc: new OidcClient(rt.config.oidc, rt.db) } : {}),
    },
  };
}


/** Starts the HTTP API; resolves once it listens. */
export function createHttpServer(rt: SearchRuntime, host: string, port: number): Promise<http.Server> {
  // Build the in-memory vector index before the first clerk waits for it.
  if (rt.backend instanceof SqliteSearchBackend) rt.backend.warmUp();
  rt.webhooks.start();
  rt.elasticsearch?.sync.start(); // retries whatever a crash or an outage left in the outbox
  const app = createApp(appDeps(rt));
  const server = http.createServer({ requireHostHeader: false }, app);
  answerMalformedRequestsInJson(server);
  // Uploads of scanned case files may take long on a slow network; a stalled client is still cut
  // off by headersTimeout (headers) and keepAliveTimeout, and /api authenticates before reading a body.
  server.requestTimeout = 30 * 60_000;
  server.headersTimeout = 15_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
