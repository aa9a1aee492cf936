/**
 * The HTTP API (Express 5). Routes validate, call a service and shape the response; services never
 * see req/res. Every route is registered through `route()` with its rule from the permission table
 * (server/security/permissions.ts); callers are identified by bearer token (scripts) or session
 * cookie + CSRF token (the browser). Errors are `{error: {code, message}}`: 4xx for anything the
 * caller sent, 5xx only for our own faults, never with a stack trace.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { DomainError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SearchBackend } from '../search/backend.js';
import type { AgentService } from '../services/agent.service.js';
import type { PeselPolicy } from '../security/masking.js';
import type { DocumentService } from '../services/document.service.js';
import type { OverviewService } from '../services/overview.service.js';
import type { UploadService } from '../services/upload.service.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Sessions } from '../store/sessions.js';
import type { Actor, Users } from '../store/users.js';
import { identify } from './auth.js';
import { anonymousBodyDeadline, closeIfBodyUnread } from './node-server.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { agentRoutes } from './routes/agent.js';
import { auditRoutes, type AuditDeps } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { documentRoutes } from './routes/documents.js';
import { docTypeRoutes } from './routes/doc-types.js';
import { ingestRoutes, overviewRoutes } from './routes/ingest.js';
import { userRoutes } from './routes/users.js';
import { restrictionRoutes } from './routes/restrictions.js';
import type { Restrictions } from '../store/restrictions.js';
import { webhookRoutes } from './routes/webhooks.js';
import type { Webhooks } from '../store/webhooks.js';
import { oidcRoutes } from './routes/oidc.js';
import { openApiRoutes } from './routes/openapi.js';
import type { OidcClient } from '../security/oidc.js';
import { mcpRootRouter, mcpRoutes } from '../mcp/http.js';

export interface SecurityDeps {
  sessions: Sessions;
  audit: AuditLog;
  sessionMaxHours: number;
  /** Login attempts per client address per minute. */
  loginPerMinute: number;
  /** Searches per user per minute. */
  searchPerMinute: number;
  /** Express "trust proxy" (false: the socket address is the client). */
  trustProxy: string | number | false;
  /** Single sign-on through the city's identity provider; without it the SSO routes answer 404. */
  oidc?: OidcClient;
}

export interface AppDeps {
  backend: SearchBackend;
  agent: AgentService;
  documents: DocumentService;
  users: Users;
  logger: Logger;
  security: SecurityDeps;
  /** Past searches and verdicts for supervisors (`/api/audit/...`); without it those routes are absent. */
  audit?: AuditDeps;
  /** Upload and ingest progress for records staff (`/api/ingest/...`); without it those routes are absent. */
  uploads?: UploadService;
  overview?: OverviewService;
  /** Restricted documents for admins (`/api/restrictions`); without it those routes are absent. */
  restrictions?: Restrictions;
  /** Scaled out: resolves once the search index has applied queued changes (throws a 503 DomainError if it cannot). */
  searchIndexApplied?: () => Promise<void>;
  /** Webhooks for admins (`/api/webhooks`); without it those routes are absent. */
  webhooks?: Webhooks;
  /** Who sees PESEL / identity-card numbers unmasked; default: supervisors only. */
  pesel?: PeselPolicy;
  /** Largest JSON body accepted, e.g. "64kb". */
  bodyLimit?: string;
  /** The built web UI (index.html + ES modules); default dist/web. */
  webDir?: string;
}

/** The UI may load only its own scripts and styles, and images from itself or blob: URLs. */
const UI_CSP = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  upgradeInsecureRequests: null,
};

/** dist/web next to the compiled server (dist/server/http), or under the repo when run from source. */
function defaultWebDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const built = path.resolve(here, '..', '..', 'web');
  return fs.existsSync(path.join(built, 'index.html')) ? built : path.resolve(here, '..', '..', 'dist', 'web');
}

function limiter(perMinute: number, key: (req: Request, res: Response) => string, message: string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: key,
    handler: (_req, _res, next) => next(new DomainError('rate_limited', message, 429)),
  });
}

const ipKey = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.security.trustProxy);
  app.use((req, res, next) => {
    closeIfBodyUnread(req, res); // a 401 must not wait for (or hold a socket for) an unread body
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: UI_CSP },
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: false, // only over TLS: below
    }),
  );
  // HSTS only on answers that came over TLS — directly, or through a proxy trusted by
  // KWERENDA_TRUST_PROXY that says so (X-Forwarded-Proto) — never over plain http, where it means
  // nothing and an untrusted proxy's word would be taken. No includeSubDomains: the server may sit
  // on a host whose other subdomains are not ours to pin to TLS.
  app.use((req, res, next) => {
    if (req.secure) res.set('Strict-Transport-Security', 'max-age=31536000');
    next();
  });

  app.get('/healthz', async (_req, res) => {
    const h = await deps.backend.health().catch((e: unknown) => ({ ok: false, backend: deps.backend.id, detail: String(e) }));
    res.status(h.ok ? 200 : 503).json({ status: h.ok ? 'ok' : 'unavailable', backend: h.backend });
  });

  const api = express.Router();
  api.use((_req, res, next) => {
    // Responses carry personal data: never cache them anywhere.
    res.set('Cache-Control', 'no-store');
    next();
  });
  api.use(identify(deps.users, deps.security.sessions));
  // Bodies are read only for a known caller, or for the sign-in itself (within a short deadline).
  const json = express.json({ limit: deps.bodyLimit ?? '64kb', strict: true });
  api.use((req, res, next) => {
    if (res.locals.actor) return json(req, res, next);
    if (!req.path.startsWith('/auth/')) return next();
    anonymousBodyDeadline(req, res);
    return json(req, res, next);
  });

  const loginLimiter = limiter(deps.security.loginPerMinute, ipKey, 'zbyt wiele prób logowania z tego adresu; spróbuj ponownie za minutę');
  const searchLimiter = limiter(
    deps.security.searchPerMinute,
    (req, res) => (res.locals.actor as Actor | undefined)?.name ?? ipKey(req),
    'zbyt wiele wyszukiwań w krótkim czasie; spróbuj ponownie za minutę',
  );
  api.use(
    authRoutes({ users: deps.users, sessions: deps.security.sessions, audit: deps.security.audit, loginLimiter, sessionMaxHours: deps.security.sessionMaxHours }),
  );
  api.use(openApiRoutes());
  api.use(agentRoutes(deps.agent, searchLimiter, deps.pesel));
  api.use(documentRoutes(deps.documents, deps.security.audit, deps.pesel));
  api.use(docTypeRoutes(deps.documents, deps.pesel));
  const mcp = mcpRoutes({ agent: deps.agent, documents: deps.documents, audit: deps.security.audit, logger: deps.logger, ...(deps.pesel ? { pesel: deps.pesel } : {}) }, searchLimiter);
  api.use(mcp);
  if (deps.audit) api.use(auditRoutes(deps.audit));
  if (deps.uploads) api.use(ingestRoutes(deps.uploads, deps.pesel));
  if (deps.overview) api.use(overviewRoutes(deps.overview));
  api.use(userRoutes(deps.users));
  if (deps.restrictions) api.use(restrictionRoutes(deps.restrictions, deps.searchIndexApplied));
  if (deps.webhooks) api.use(webhookRoutes(deps.webhooks));
  api.use(
    oidcRoutes({ oidc: deps.security.oidc, users: deps.users, sessions: deps.security.sessions, audit: deps.security.audit, sessionMaxHours: deps.security.sessionMaxHours, limiter: loginLimiter }),
  );
  api.use(notFoundHandler);
  app.use('/api', api);
  // MCP clients are pointed at `/mcp` (the transport's usual address): the same routes, the same
  // bearer-only identification and the same search limiter as under /api.
  app.use(mcpRootRouter(mcp, identify(deps.users, deps.security.sessions), json));

  app.use(express.static(deps.webDir ?? defaultWebDir(), { index: 'index.html', dotfiles: 'ignore', fallthrough: true }));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
