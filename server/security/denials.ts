/**
 * Failed authorizations in the audit trail (`auth.denied`): a 401 or 403 from the route guard, a
 * bearer token that does not authenticate, an MCP tool refused to its caller. Each entry says who
 * (when known), where (method and route pattern, never a query string), the status and a reason
 * code — never the token.
 *
 * A flood must not fill the trail, so entries are budgeted per caller and per minute:
 * - a signed-in caller: up to `perUserPerMinute` entries (they are accountable, and one of them
 *   probing routes is worth seeing in full);
 * - a caller without valid credentials: one entry per client address per minute, and at most
 *   `anonymousPerMinute` such entries a minute from all addresses together.
 * Refusals over the budget are counted, not lost: the next entry written for that caller carries
 * `unrecordedBefore`, how many of its refusals since its previous entry were not written one by one
 * (and `unrecordedElsewhere` on an anonymous entry: refusals of callers that could not be tracked or
 * were forgotten before their next entry).
 * The budget lives in the process: with several API instances each has its own.
 */
import type { AuditAction, AuditLog } from '../store/audit-log.js';
import type { Actor } from '../store/users.js';

export interface Denial {
  /** The identified caller, or null (no credentials, or credentials that did not authenticate). */
  actor: Actor | null;
  ip: string | null;
  method: string;
  /** The route pattern (`/api/users/:name`), an MCP tool (`mcp:search_archive`) or, before routing, the path. */
  route: string;
  status: number;
  /** A reason code: unauthenticated, invalid_token, forbidden, csrf, user_disabled, role_changed … */
  reason: string;
}

export interface DenialBudget {
  perUserPerMinute: number;
  perAddressPerMinute: number;
  anonymousPerMinute: number;
  /** Callers tracked at once; beyond that, refusals of new callers are only counted. */
  maxTracked: number;
}

export const DEFAULT_DENIAL_BUDGET: DenialBudget = { perUserPerMinute: 20, perAddressPerMinute: 1, anonymousPerMinute: 30, maxTracked: 10_000 };

/** The audit action of a failed authorization. */
export const AUTH_DENIED: AuditAction = 'auth.denied';

const WINDOW_MS = 60_000;
const MAX_ROUTE = 200;

interface Budget {
  windowStart: number;
  written: number;
  unrecorded: number;
}

/** One recorder per audit trail, so every router and the MCP tools share one budget. */
const recorders = new WeakMap<AuditLog, DenialLog>();

export class DenialLog {
  private readonly callers = new Map<string, Budget>();
  private anonymous = { windowStart: 0, written: 0 };
  /** Refusals of callers not (or no longer) tracked, carried on the next anonymous entry. */
  private elsewhere = 0;

  constructor(
    private readonly audit: AuditLog,
    private readonly budget: DenialBudget = DEFAULT_DENIAL_BUDGET,
    private readonly now: () => number = Date.now,
  ) {}

  /** The shared recorder of `audit`. */
  static of(audit: AuditLog): DenialLog {
    let log = recorders.get(audit);
    if (!log) {
      log = new DenialLog(audit);
      recorders.set(audit, log);
    }
    return log;
  }

  record(d: Denial): void {
    const t = this.now();
    const anonymous = d.actor === null;
    const key = anonymous ? `ip:${d.ip ?? 'unknown'}` : `user:${d.actor!.userId ?? d.actor!.name}`;
    const caller = this.caller(key, t);
    if (!caller) {
      this.elsewhere++;
      return;
    }
    const limit = anonymous ? this.budget.perAddressPerMinute : this.budget.perUserPerMinute;
    if (anonymous && t - this.anonymous.windowStart >= WINDOW_MS) this.anonymous = { windowStart: t, written: 0 };
    if (caller.written >= limit || (anonymous && this.anonymous.written >= this.budget.anonymousPerMinute)) {
      caller.unrecorded++;
      return;
    }
    const details: Record<string, unknown> = { method: d.method, route: d.route.slice(0, MAX_ROUTE), status: d.status, reason: d.reason };
    if (caller.unrecorded > 0) details.unrecordedBefore = caller.unrecorded;
    if (anonymous && this.elsewhere > 0) details.unrecordedElsewhere = this.elsewhere;
    this.audit.append({ actor: d.actor, action: AUTH_DENIED, target: d.actor?.name ?? null, ip: d.ip ?? d.actor?.ip ?? null, details });
    caller.written++;
    caller.unrecorded = 0;
    if (anonymous) {
      this.anonymous.written++;
      this.elsewhere = 0;
    }
  }

  /** The budget of one caller in the current minute; null when no more callers can be tracked. */
  private caller(key: string, t: number): Budget | null {
    let b = this.callers.get(key);
    if (!b && this.callers.size >= this.budget.maxTracked) this.prune(t);
    if (!b) {
      if (this.callers.size >= this.budget.maxTracked) return null;
      b = { windowStart: t, written: 0, unrecorded: 0 };
      this.callers.set(key, b);
    }
    if (t - b.windowStart >= WINDOW_MS) {
      b.windowStart = t;
      b.written = 0;
    }
    return b;
  }

  /** Forgets callers whose minute is over; their unwritten counts move to `elsewhere`. */
  private prune(t: number): void {
    for (const [key, b] of this.callers) {
      if (t - b.windowStart < WINDOW_MS) continue;
      this.elsewhere += b.unrecorded;
      this.callers.delete(key);
    }
  }
}
