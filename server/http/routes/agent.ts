import { Router, type RequestHandler, type Response } from 'express';
import { DomainError } from '../../errors.js';
import type { AgentService } from '../../services/agent.service.js';
import { DEFAULT_PESEL_POLICY, hasIdentifier, type PeselPolicy } from '../../security/masking.js';
import { ROLE_LABELS } from '../../security/permissions.js';
import { actorOf } from '../auth.js';
import { route } from '../route.js';
import type { Role } from '../../store/users.js';

const FILTER_KEYS = ['caseNumber', 'docType', 'dateFrom', 'dateTo', 'precinct', 'parcel'] as const;

/**
 * A role that may not see PESEL or identity-card numbers may not search by them either (the results
 * would confirm whose number it is). Checks the question and every filter value of a request body.
 * Also used by the MCP tools (server/mcp).
 */
export function refuseIdentifierSearch(pesel: PeselPolicy, role: Role, body: unknown): void {
  if (pesel.maySee(role) || body === null || typeof body !== 'object') return;
  const { question, filters } = body as { question?: unknown; filters?: unknown };
  const texts = [question, ...(filters !== null && typeof filters === 'object' ? Object.values(filters) : [])];
  if (texts.some((t) => typeof t === 'string' && hasIdentifier(t))) {
    const who = pesel.visibleRoles().map((role) => ROLE_LABELS[role]).join(', ');
    const what = 'wyszukiwanie według numeru PESEL lub numeru dowodu osobistego';
    throw new DomainError('pesel_search_forbidden', who ? `${what} jest dostępne tylko dla: ${who}` : `${what} jest wyłączone`, 403);
  }
}

function refuseIdentifiers(pesel: PeselPolicy, res: Response, body: unknown): void {
  refuseIdentifierSearch(pesel, actorOf(res).role, body);
}

export function agentRoutes(agent: AgentService, limiter: RequestHandler, pesel: PeselPolicy = DEFAULT_PESEL_POLICY): Router {
  const r = Router();

  route(r, 'POST', '/agent/search', limiter, async (req, res) => {
    refuseIdentifiers(pesel, res, req.body);
    res.json(await agent.search(req.body, actorOf(res), 'agent'));
  });

  /** Direct hybrid search (keyword + vector, fused) without the planner. */
  route(r, 'GET', '/search', limiter, async (req, res) => {
    const q = req.query.q;
    if (typeof q !== 'string') throw new DomainError('invalid_question', 'brak parametru q (jeden tekst)');
    const body: Record<string, unknown> = { question: q };
    if (req.query.limit !== undefined) {
      const limit = Number(req.query.limit);
      if (typeof req.query.limit !== 'string' || !Number.isInteger(limit)) throw new DomainError('invalid_request', 'limit musi być liczbą całkowitą');
      body.limit = limit;
    }
    const filters: Record<string, string> = {};
    for (const k of FILTER_KEYS) {
      const v = req.query[k];
      if (v === undefined) continue;
      if (typeof v !== 'string') throw new DomainError('invalid_request', `parametr ${k} może wystąpić raz`);
      filters[k] = v;
    }
    if (Object.keys(filters).length > 0) body.filters = filters;
    refuseIdentifiers(pesel, res, body);
    res.json(await agent.search(body, actorOf(res), 'hybrid'));
  });
  return r;
}
