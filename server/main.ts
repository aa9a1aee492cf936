/**
 * Composition root: the one place where implementations are chosen (by configuration) and wired.
 * The archive and ingest runtimes live in runtime.ts; this adds search, the HTTP API and their
 * services. The web server and the LLM client are loaded only by the commands that use them.
 */
import type http from 'node:http';
import { RulesPlanner } from './agent/rules-planner.js';
import type { Config } from './config.js';
import type { AppDeps } from './http/app.js';
import { createLogger, type Logger } from './log.js';
import type { SearchBackend } from './search/backend.js';
import type { Viewer } from './domain/types.js';
import { SqliteSearchBackend } from './search/sqlite/sqlite-backend.js';
import { AgentService, type AgentDeps } from './services/agent.service.js';
import type { LlmPlannerOptions } from './llm/llm-planner.js';
import { PeselPolicy } from './security/masking.js';
import { DocumentService } from './services/document.service.js';
import { PageImageService } from './services/page-image.service.js';
import { AuditLog } from './store/audit-log.js';
import { Searches } from './store/searches.js';
import { Sessions } from './store/sessions.js';
import { Users } from './store/users.js';
import { Verdicts } from './store/verdicts.js';
import { VectorBackground } from './store/vector-background.js';
import { Restrictions } from './store/restrictions.js';
import { OidcClient } from './security/oidc.js';
import { OverviewService } from './services/overview.service.js';
import { UploadService, type UploadLimits } from './services/upload.service.js';
import { WebhookDispatcher, webhookSettings, type DispatcherOptions } from './services/webhooks.service.js';
import { searchIndexApplied } from './search/elasticsearch/es-hooks.js';
import { createIngestRuntime, createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';

export { createEmbedder, createIngestRuntime, createRuntime } from './runtime.js';
export type { IngestRuntime, Runtime, RuntimeOptions } from './runtime.js';

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
async function createLlm(
  config: Readonly<Config>,
  backend: SearchBackend,
  observePlanner?: LlmPlannerOptions['observe'],
): Promise<AgentDeps['llm']> {
  if (!config.llm.baseUrl) return undefined;
  const [{ createLlmClient }, { groundPlan }, { LlmPlanner }, { LlmReranker }] = await Promise.all([
    import('./llm/client.js'),
    import('./llm/grounding.js'),
    import('./llm/llm-planner.js'),
    import('./llm/llm-reranker.js'),
  ]);
  const client = createLlmClient(config.llm);
  // A term the model introduced is kept only if the archive, as the asking viewer sees it, contains it as a phrase.
  const exists = (viewer: Viewer) => async (term: string) =>
    (await backend.keyword({ terms: [{ forms: [{ text: term }] }], match: 'all' }, { limit: 1, viewer })).length > 0;
  return {
    planner: new LlmPlanner(client, { ...config.llm, ...(observePlanner ? { observe: observePlanner } : {}) }),
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
    /** How the LLM planner's replies fared (the eval counts them). */
    observePlanner?: LlmPlannerOptions['observe'];
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
    pdfWindowMb: config.ingest.pdfWindowMb,
  });
  const pesel = new PeselPolicy(config.security.peselVisibleRoles);
  const background = new VectorBackground(base.db);
  const agent = new AgentService({
    pesel,
    backend,
    embedder: base.embedder,
    rules: new RulesPlanner(),
    llm: await createLlm(config, backend, opts.observePlanner),
    searches,
    logger,
    budgetMs: config.search.budgetMs,
    meaningWeight: config.search.meaningWeight,
    background: (q) => background.of(q),
  });
  const uploads = new UploadService({
    dataDir: config.dataDir,
    ledger: base.ledger,
    startWorkers: () => createIngestRuntime(config),
    limits: { ...config.uploads, ...opts.uploadLimits },
    logger,
  });
  const webhooks = new WebhookDispatcher(base.db, { logger, ...webhookSettings(config), ...opts.webhooks });
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
    audit: { searches: rt.searches, verdicts: rt.verdicts, users: rt.users, log: rt.auditLog, backend: rt.backend, pesel: rt.pesel },
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
export async function createHttpServer(rt: SearchRuntime, host: string, port: number): Promise<http.Server> {
  const [{ default: nodeHttp }, { createApp }, { answerMalformedRequestsInJson, limitSlowClients }] = await Promise.all([
    import('node:http'),
    import('./http/app.js'),
    import('./http/node-server.js'),
  ]);
  // Build the in-memory vector index before the first clerk waits for it.
  if (rt.backend instanceof SqliteSearchBackend) rt.backend.warmUp();
  rt.webhooks.start();
  rt.elasticsearch?.sync.start(); // retries whatever a crash or an outage left in the outbox
  const app = createApp(appDeps(rt));
  const server = nodeHttp.createServer({ requireHostHeader: false }, app);
  answerMalformedRequestsInJson(server);
  limitSlowClients(server); // timeouts: see there
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
