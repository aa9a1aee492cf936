/**
 * The supervisors' audit API: past searches exactly as they were shown (stored, never re-run), and
 * verdicts on their results. Supervisor and admin only — a clerk or records user reading the audit
 * log would be a leak of who asked what. What each view shows follows the reader's rights now
 * (services/audit-view.service.ts): identifiers masked for roles that may not see them, and a
 * document the reader may not read never named — a stored result becomes `{rank, restricted:
 * true}` and cannot be given a verdict, an event about it loses the document's id.
 *
 * Reading the trail is itself recorded: each successful read is one `audit.read` entry (which view,
 * its filters, how many items it returned) — one per request, never one per item shown, so reading
 * entries about reads does not multiply them. The event log leaves `audit.read` entries out unless
 * asked for (`action=audit.read`, or the `audit` group), so a page of events is not its own readers.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import type { SearchBackend } from '../../search/backend.js';
import type { PeselPolicy } from '../../security/masking.js';
import { AuditViewService } from '../../services/audit-view.service.js';
import { AUDIT_ACTIONS, AUDIT_GROUPS, type AuditLog } from '../../store/audit-log.js';
import type { Searches } from '../../store/searches.js';
import type { Users } from '../../store/users.js';
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
  /** Who sees identifiers unmasked (`KWERENDA_PESEL_VISIBLE_ROLES`); default: supervisors only. */
  pesel?: PeselPolicy;
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

const EVENT_GROUPS = AUDIT_GROUPS;

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
  results?: { rank: number; document: { id: string } }[];
}

/** The filters a read named (only those given), for its audit entry. */
const given = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export function auditRoutes(deps: AuditDeps): Router {
  const r = Router();
  const view = new AuditViewService(deps.backend, deps.pesel);
  const read = (res: Response, what: string, details: Record<string, unknown>, target: string | null = null) =>
    deps.log.append({ actor: actorOf(res), action: 'audit.read', target, details: { view: what, ...details } });

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
    const actor = actorOf(res);
    read(res, 'searches', { filters: given({ user, dateFrom, dateTo, limit, offset }), returned: page.items.length });
    res.json({ total: page.total, limit, offset, searches: page.items.map((s) => view.listItem(s, actor)) });
  });

  /** The stored response exactly as the clerk received it, beside who asked, and its verdicts. */
  route(r, 'GET', '/audit/searches/:id', async (req, res) => {
    const s = stored(req);
    const actor = actorOf(res);
    const hidden = await view.hiddenRanks(s.response, actor);
    const verdicts = <T extends { rank: number; documentId: string | null }>(list: T[]) =>
      list.map((v) => (hidden.has(v.rank) ? { ...v, documentId: null } : v));
    const shown = await view.storedSearch(s, hidden, actor);
    read(res, 'search', {}, `search:${s.id}`);
    res.json({
      id: s.id,
      userId: s.userId,
      userName: s.userId === null ? null : (deps.users.byId(s.userId)?.name ?? null),
      createdAt: s.createdAt,
      question: shown.question,
      mode: s.mode,
      degraded: s.degraded,
      resultCount: s.resultCount,
      response: shown.response,
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
    if ((await view.hiddenRanks({ results: [result] }, actorOf(res))).size > 0) {
      throw new DomainError('result_restricted', `wynik na pozycji ${body.data.rank} dotyczy dokumentu o ograniczonym dostępie; nie można go ocenić`, 403);
    }
    const v = deps.verdicts.record(
      { searchId: s.id, rank: body.data.rank, documentId: result.document.id, verdict: body.data.verdict },
      actorOf(res),
    );
    res.status(201).json(v);
  });

  route(r, 'GET', '/audit/verdicts/summary', (_req, res) => {
    const weeks = deps.verdicts.summary();
    read(res, 'verdicts.summary', { returned: weeks.length });
    res.json({ weeks });
  });

  /** Everything else in the trail: logins, document views, ingest outcomes, user changes. */
  route(r, 'GET', '/audit/events', async (req, res) => {
    const q = zEventsQuery.safeParse(req.query);
    if (!q.success) throw new DomainError('invalid_request', firstIssue(q.error));
    const { action, user, target, dateFrom, dateTo, limit, offset } = q.data;
    if (dateFrom && dateTo && dateFrom > dateTo) throw new DomainError('invalid_request', 'data początkowa jest późniejsza niż końcowa');
    const page = deps.log.list({
      limit,
      offset,
      ...(action !== undefined ? { action } : { exclude: ['audit.read'] as const }),
      ...(user !== undefined ? { actor: user } : {}),
      ...(target !== undefined ? { target } : {}),
      ...(dateFrom !== undefined ? { from: dateFrom } : {}),
      ...(dateTo !== undefined ? { to: dateTo } : {}),
    });
    const events = await view.events(page.items, actorOf(res));
    read(res, 'events', { filters: given({ action, user, target, dateFrom, dateTo, limit, offset }), returned: events.length });
    res.json({ total: page.total, limit, offset, events });
  });

  return r;
}
