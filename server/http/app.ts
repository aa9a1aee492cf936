/**
 * The HTTP API (Express 5). Routes validate, call a service and shape the response; services never
 * see req/res. Every /api route needs a bearer token. Errors are `{error: {code, message}}`: 4xx for
 * anything the caller sent, 5xx only for our own faults.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../log.js';
import type { SearchBackend } from '../search/backend.js';
import type { AgentService } from '../services/agent.service.js';
import type { DocumentService } from '../services/document.service.js';
import type { Users } from '../store/users.js';
import { authenticate } from './auth.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { agentRoutes } from './routes/agent.js';
import { auditRoutes, type AuditDeps } from './routes/audit.js';
import { ingestRoutes, overviewRoutes } from './routes/ingest.js';
import type { OverviewService } from '../services/overview.service.js';
import type { UploadService } from '../services/upload.service.js';
import { documentRoutes } from './routes/documents.js';

export interface AppDeps {
  backend: SearchBackend;
  agent: AgentService;
  documents: DocumentService;
  users: Users;
  logger: Logger;
  /** Past searches and verdicts for supervisors (`/api/audit/...`); without it those routes are absent. */
  audit?: AuditDeps;
  /** Upload and ingest progress for records staff (`/api/ingest/...`); without it those routes are absent. */
  uploads?: UploadService;
  overview?: OverviewService;
  /** Largest JSON body accepted, e.g. "64kb". */
  bodyLimit?: string;
  /** The built web UI (index.html + ES modules); default dist/web. */
  webDir?: string;
}

/** The UI may load only its own scripts and styles, and images from itself or blob: URLs. */
const UI_CSP = "default-src 'self'; img-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** dist/web next to the compiled server (dist/server/http), or under the repo when run from source. */
function defaultWebDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const built = path.resolve(here, '..', '..', 'web');
  return fs.existsSync(path.join(built, 'index.html')) ? built : path.resolve(here, '..', '..', 'dist', 'web');
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.set({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    });
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
  api.use(authenticate(deps.users));
  api.use(express.json({ limit: deps.bodyLimit ?? '64kb', strict: true }));
  api.use(agentRoutes(deps.agent));
  api.use(documentRoutes(deps.documents));
  if (deps.audit) api.use(auditRoutes(deps.audit));
  if (deps.uploads) api.use(ingestRoutes(deps.uploads));
  if (deps.overview) api.use(overviewRoutes(deps.overview));
  api.use(notFoundHandler);
  app.use('/api', api);

  const ui = express.Router();
  ui.use((_req, res, next) => {
    res.set('Content-Security-Policy', UI_CSP);
    next();
  });
  ui.use(express.static(deps.webDir ?? defaultWebDir(), { index: 'index.html', dotfiles: 'ignore', fallthrough: true }));
  app.use('/', ui);

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
