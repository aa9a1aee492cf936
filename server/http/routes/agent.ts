import { Router, type RequestHandler, type Response } from 'express';
import { DomainError } from '../../errors.js';
import type { AgentService } from '../../services/agent.service.js';
import { DEFAULT_PESEL_POLICY, hasIdentifier, type PeselPolicy } from '../../security/masking.js';
import { ROLE_LABELS } from '../../security/permissions.js';
import { actorOf } from '../auth.js';
import { parseParams, SEARCH_FILTER_KEYS, zSearchQuery } from '../params.js';
import { route } from '../route.js';
import { keywordQuery } from '../../search/polish.js';
import type { Role } from '../../store/users.js';
import type { z } from 'zod';

/**
 * What `GET /api/search` answers for a bad query: the codes and messages it had before it was
 * parsed with `zSearchQuery`, and for the rest the agent's own wording (`nieprawidłowe pole …`).
 */
function searchQueryError(issue: z.core.$ZodIssue): DomainError {
  const key = String(issue.path[0] ?? '');
  if (key === 'q') return new DomainError('invalid_question', issue.message);
  if (issue.code === 'invalid_type' && key === 'limit') return new DomainError('invalid_request', issue.message);
  const isFilter = (SEARCH_FILTER_KEYS as string[]).includes(key);
  if (issue.code === 'invalid_type' && isFilter) return new DomainError('invalid_request', `parametr ${key} może wystąpić raz`);
  return new DomainError('invalid_request', `nieprawidłowe pole ${isFilter ? `filters.${key}` : key}: ${issue.message}`);
}

/**
 * A text as the keyword search reads it: its search terms in order, folded, stop words dropped
 * ("770707 i 11118" → "770707 11118", which the word index matches in "770707 11118" and "770707-11118").
 */
function searchedAs(text: string): string {
  return keywordQuery(text, 'all').terms.map((t) => t.forms[0]?.text ?? '').join(' ');
}

/**
 * A role that may not see PESEL or identity-card numbers may not search by them either (the results
 * would confirm whose number it is). Checks the question and every filter value of a request body,
 * as written and as the search reads them. Parts of a number ("770707") are not identifiers: for
 * them the search itself finds nothing through a number (server/agent/masked-search.ts).
 * Also used by the MCP tools (server/mcp).
 */
export function refuseIdentifierSearch(pesel: PeselPolicy, role: Role, body: unknown): void {
  if (pesel.maySee(role) || body === null || typeof body !== 'object') return;
  const { question, filters } = body as { question?: unknown; filters?: unknown };
  const texts = [question, ...(filters !== null && typeof filters === 'object' ? Object.values(filters) : [])];
  if (texts.some((t) => typeof t === 'string' && (hasIdentifier(t) || hasIdentifier(searchedAs(t))))) {
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
    const { q, limit, ...given } = parseParams(zSearchQuery, req.query, searchQueryError);
    const filters = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
    const body = { question: q, ...(limit !== undefined ? { limit } : {}), ...(Object.keys(filters).length > 0 ? { filters } : {}) };
    refuseIdentifiers(pesel, res, body);
    res.json(await agent.search(body, actorOf(res), 'hybrid'));
  });
  return r;
}
