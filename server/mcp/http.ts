/**
 * MCP over streamable HTTP at `/mcp` (and at `/api/mcp`, beside the rest of the API), in the SDK's
 * stateless mode: every POST carries one JSON-RPC message (or batch) and gets a JSON answer from a
 * server built for the caller alone, so
 * nothing of one caller lives on between requests and any API instance can answer. There is no
 * server-initiated stream and no session to end: GET and DELETE answer 405, as the transport
 * specification allows.
 *
 * Callers authenticate with the API's bearer tokens; a browser session cookie is not accepted (an
 * MCP client is a program, and a cookie is what a browser attaches on its own). Tool-level
 * permission checks decide what each role may do (server/mcp/server.ts).
 */
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { DomainError } from '../errors.js';
import { actorOf } from '../http/auth.js';
import { route } from '../http/route.js';
import { createMcpServer, type McpDeps } from './server.js';

/** Only `Authorization: Bearer …` — the bearer token was already checked by `identify`. */
const bearerOnly: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
  if (req.get('authorization') === undefined) {
    // 400, not 401: the caller is signed in (a session), but this endpoint takes tokens only.
    next(new DomainError('bearer_required', 'MCP wymaga tokenu API w nagłówku Authorization: Bearer …; sesja przeglądarki nie wystarcza', 400));
    return;
  }
  next();
};

/** How many calls of the search tool a JSON-RPC body (one message or a batch) makes. */
export function searchCalls(body: unknown): number {
  const one = (m: unknown) =>
    m !== null && typeof m === 'object' && (m as { method?: unknown }).method === 'tools/call' &&
    ((m as { params?: { name?: unknown } }).params?.name === 'search_archive');
  return Array.isArray(body) ? body.filter(one).length : one(body) ? 1 : 0;
}

/**
 * Counts `n` hits of `limiter` for one request: every search in a batch is a search. The limiter
 * counts a request once, so each further hit is taken by a view of the request of its own (same
 * caller, same key). The first hit over the limit refuses the whole request.
 */
async function hit(limiter: RequestHandler, req: Request, res: Response, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const view = i === 0 ? req : (Object.create(req) as Request);
    await new Promise<void>((resolve, reject) => {
      void limiter(view, res, (err?: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()));
    });
  }
}

/**
 * Refusals before the transport answer in the API's own error shape (`{error: {code, message}}`),
 * like every other route; only what reaches the MCP transport gets JSON-RPC errors.
 */
function methodNotAllowed(_req: Request, res: Response): void {
  res.set('Allow', 'POST');
  throw new DomainError('method_not_allowed', 'MCP działa bez sesji: używaj wyłącznie POST', 405);
}

/** The streamable HTTP transport requires clients to accept both JSON and an event stream. */
const acceptsMcp: RequestHandler = (req, _res, next) => {
  const accept = req.get('accept') ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
    next(new DomainError('not_acceptable', 'klient MCP musi akceptować application/json i text/event-stream (nagłówek Accept)', 406));
    return;
  }
  next();
};

/**
 * The `/mcp` routes. `searchLimiter` (searches per user per minute) applies to calls of
 * `search_archive`, as it does to `POST /api/agent/search` — each call in a JSON-RPC batch counts;
 * listing tools or reading pages does not.
 */
export function mcpRoutes(deps: McpDeps, searchLimiter: RequestHandler): Router {
  const r = Router();
  const limitSearches: RequestHandler = (req, res, next) => {
    hit(searchLimiter, req, res, searchCalls(req.body)).then(() => next(), next);
  };

  route(r, 'POST', '/mcp', bearerOnly, acceptsMcp, limitSearches, async (req, res) => {
    const server = createMcpServer(deps, actorOf(res));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  route(r, 'GET', '/mcp', bearerOnly, methodNotAllowed);
  route(r, 'DELETE', '/mcp', bearerOnly, methodNotAllowed);
  return r;
}

/**
 * The MCP routes at the root (`/mcp`), where MCP clients expect them: the router of `mcpRoutes`
 * (same handlers, same search limiter) behind the API's own preamble — no caching, the caller
 * identified by `identify` (bearer only, enforced by the routes), a JSON body read only for a
 * known caller. Every other root path passes through untouched.
 */
export function mcpRootRouter(mcp: Router, identify: RequestHandler, json: RequestHandler): Router {
  const r = Router();
  r.use('/mcp', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  }, identify, (req, res, next) => (res.locals.actor ? json(req, res, next) : next()));
  r.use(mcp);
  return r;
}
