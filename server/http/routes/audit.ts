/**
 * The supervisors' audit API: past searches exactly as they were shown (stored, never re-run), and
 * verdicts on their results. Supervisor and admin only — a clerk or records user reading the audit
 * log would be a leak of who asked what. A stored result whose document the supervisor may not
 * read (a restricted case) is shown as `{rank, restricted: true}` — no title, no citations — and
 * cannot be given a verdict; the plan's "other documents of the case" step loses the case names.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Viewer } from '../../domain/types.js';
import { DomainError } from '../../errors.js';
import type { SearchBackend } from '../../search/backend.js';
import { AUDIT_ACTIONS, type AuditLog } from '../../store/audit-log.js';
import type { Searches } from '../../store/searches.js';
import type { Role, Users } from '../../store/users.js';
import { VERDICTS, type Verdicts } from '../../store/verdicts.js';
import { actorOf } from '../auth.js';
import { parseParams, zSearchParams } from '../params.js';
import { route } from '../route.js';

/** The stores the audit API reads and appends to. */
export interface AuditDeps {
  searches: Searches;
  verdicts: Verdicts;
  users: Users;
  log: AuditLog;
  /** Decides which stored results the supervisor may still see (restricted documents). */
  backend: SearchBackend;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_PAGE = 200;

/** Request schemas of the audit routes (also in the OpenAPI description). */
export const zVerdictBody = z
  .object({
    rank: z.number({ error: 'pozycja (rank) musi być liczbą' }).int().min(1),
    verdict: z.enum(VERDICTS, { error: `ocena musi być jedną z: ${VERDICTS.join(', ')}` }),
  })
  .strict();

export const zListQuery = z
  .object({
    user: z.string().trim().min(1).max(64).optional(),
    dateFrom: z.string().regex(DAY, 'data w formacie RRRR-MM-DD').optional(),
    dateTo: z.string().regex(DAY, 'data w formacie RRRR-MM-DD').optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

const EVENT_GROUPS = ['auth', 'ingest', 'document'] as const;

export const zEventsQuery = z
  .object({
    action: z.enum([...AUDIT_ACTIONS, ...EVENT_GROUPS], { error: `rodzaj zdarzenia: jeden z ${[...EVENT_GROUPS, ...AUDIT_ACTIONS].join(', ')}` }).optional(),
    user: z.string().trim().min(1).max(80).optional(),
    target: z.string().trim().min(1).max(200).optional(),
    dateFrom: z.string().regex(DAY, 'data w formacie RRRR-MM-DD').optional(),
    dateTo: z.string().regex(DAY, 'data w formacie RRRR-MM-DD').optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

function firstIssue(e: z.ZodError): string {
  const i = e.issues[0]!;
  return `nieprawidłowe pole ${i.path.join('.') || 'żądania'}: ${i.message}`;
}

interface StoredResponse {
  results?: { rank: number; document: { id: string; caseNumber?: string | null } }[];
  plan?: { type: string; label: string }[];
}

/** Ranks of stored results whose document `viewer` may not read (asked of the backend, as the viewer). */
async function hiddenRanks(backend: SearchBackend, response: StoredResponse, viewer: Viewer): Promise<Set<number>> {
  const results = response.results ?? [];
  if (results.length === 0) return new Set();
  const visible = new Set((await backend.documents(results.map((r) => r.document.id), viewer)).map((d) => d.id));
  return new Set(results.filter((r) => !visible.has(r.document.id)).map((r) => r.rank));
}

/** The stored response with hidden results reduced to their rank. */
function redacted(response: StoredResponse, hidden: Set<number>): unknown {
  if (hidden.size === 0) return response;
  const cases = (response.results ?? []).filter((r) => hidden.has(r.rank)).map((r) => r.document.caseNumber).filter((c): c is string => !!c);
  return {
    ...response,
    // followCase labels name the cases of the documents found: not the question's words, the archive's.
    ...(response.plan ? { plan: response.plan.map((p) => (p.type === 'followCase' && cases.some((c) => p.label.includes(c)) ? { ...p, label: 'pozostałe pisma sprawy' } : p)) } : {}),
    results: (response.results ?? []).map((r) => (hidden.has(r.rank) ? { rank: r.rank, restricted: true } : r)),
  };
}

export function auditRoutes(deps: AuditDeps): Router {
  const r = Router();

  const stored = (req: Request) => {
    const missing = () => new DomainError('search_not_found', 'nie ma takiego wyszukiwania w dzienniku', 404);
    const s = deps.searches.get(parseParams(zSearchParams, req.params, missing).id);
    if (!s) throw missing();
    return s;
  };

  route(r, 'GET', '/audit/searches', (req, res) => {
    const q = zListQuery.safeParse(req.query);
    if (!q.success) throw new DomainError('invalid_request', firstIssue(q.error));
    const { user, dateFrom, dateTo, limit, offset } = q.data;
    if (dateFrom && dateTo && dateFrom > dateTo) throw new DomainError('invalid_request', 'data początkowa jest późniejsza niż końcowa');
    const page = deps.searches.list({
      limit,
      offset,
      ...(user !== undefined ? { userName: user } : {}),
      ...(dateFrom !== undefined ? { from: dateFrom } : {}),
      ...(dateTo !== undefined ? { to: dateTo } : {}),
    });
    res.json({ total: page.total, limit, offset, searches: page.items });
  });

  /** The stored response exactly as the clerk received it, beside who asked, and its verdicts. */
  route(r, 'GET', '/audit/searches/:id', async (req, res) => {
    const s = stored(req);
    const hidden = await hiddenRanks(deps.backend, s.response as StoredResponse, actorOf(res));
    const verdicts = <T extends { rank: number; documentId: string | null }>(list: T[]) =>
      list.map((v) => (hidden.has(v.rank) ? { ...v, documentId: null } : v));
    res.json({
      id: s.id,
      userId: s.userId,
      userName: s.userId === null ? null : (deps.users.byId(s.userId)?.name ?? null),
      createdAt: s.createdAt,
      question: s.question,
      mode: s.mode,
      degraded: s.degraded,
      resultCount: s.resultCount,
      response: redacted(s.response as StoredResponse, hidden),
      verdicts: verdicts(deps.verdicts.current(s.id)),
      history: verdicts(deps.verdicts.history(s.id)),
    });
  });

  route(r, 'POST', '/audit/searches/:id/verdicts', async (req, res) => {
    const s = stored(req);
    const body = zVerdictBody.safeParse(req.body);
    if (!body.success) throw new DomainError('invalid_verdict', firstIssue(body.error));
    const result = (s.response as StoredResponse).results?.find((x) => x.rank === body.data.rank);
    if (!result) throw new DomainError('invalid_verdict', `wyszukiwanie nie pokazało wyniku na pozycji ${body.data.rank}`);
    if ((await hiddenRanks(deps.backend, { results: [result] }, actorOf(res))).size > 0) {
      throw new DomainError('result_restricted', `wynik na pozycji ${body.data.rank} dotyczy dokumentu o ograniczonym dostępie; nie można go ocenić`, 403);
    }
    const v = deps.verdicts.record(
      { searchId: s.id, rank: body.data.rank, documentId: result.document.id, verdict: body.data.verdict },
      actorOf(res),
    );
    res.status(201).json(v);
  });

  route(r, 'GET', '/audit/verdicts/summary', (_req, res) => {
    res.json({ weeks: deps.verdicts.summary() });
  });

  /** Everything else in the trail: logins, document views, ingest outcomes, user changes. */
  route(r, 'GET', '/audit/events', (req, res) => {
    const q = zEventsQuery.safeParse(req.query);
    if (!q.success) throw new DomainError('invalid_request', firstIssue(q.error));
    const { action, user, target, dateFrom, dateTo, limit, offset } = q.data;
    if (dateFrom && dateTo && dateFrom > dateTo) throw new DomainError('invalid_request', 'data początkowa jest późniejsza niż końcowa');
    const page = deps.log.list({
      limit,
      offset,
      ...(action !== undefined ? { action } : {}),
      ...(user !== undefined ? { actor: user } : {}),
      ...(target !== undefined ? { target } : {}),
      ...(dateFrom !== undefined ? { from: dateFrom } : {}),
      ...(dateTo !== undefined ? { to: dateTo } : {}),
    });
    res.json({ total: page.total, limit, offset, events: page.items });
  });

  return r;
}
