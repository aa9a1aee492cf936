import { Router, type RequestHandler } from 'express';
import { DomainError } from '../../errors.js';
import type { AgentService } from '../../services/agent.service.js';
import { actorOf } from '../auth.js';
import { route } from '../route.js';

const FILTER_KEYS = ['caseNumber', 'docType', 'dateFrom', 'dateTo', 'precinct', 'parcel'] as const;

export function agentRoutes(agent: AgentService, limiter: RequestHandler): Router {
  const r = Router();

  route(r, 'POST', '/agent/search', limiter, async (req, res) => {
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
    res.json(await agent.search(body, actorOf(res), 'hybrid'));
  });
  return r;
}
