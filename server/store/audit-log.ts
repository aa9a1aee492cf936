/**
 * The audit trail: who did what, when. Append-only (triggers refuse UPDATE and DELETE) and
 * tamper-evident: every entry stores the SHA-256 of the previous entry's hash and its own canonical
 * content, so changing, removing or reordering any entry breaks the chain from there on, and
 * `verify()` names the first broken entry. Entries that point at a stored record (a search as it was
 * shown, a verdict) carry that record's hash too, so editing the record is caught as well.
 *
 * Never put passwords, tokens or document text in `details`: ids, names of actions, counts, the
 * question a clerk asked (the GDPR record of who searched what) and reasons.
 */
import { createHash } from 'node:crypto';
import { dayRange, DEFAULT_TIME_ZONE } from '../domain/time.js';
import { write, type Db } from './db.js';
import type { Actor } from './users.js';

export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'search',
  'verdict',
  'document.view',
  'page.view',
  'page.image',
  'file.download',
  'ingest.batch',
  'ingest.file',
  'user.created',
  'user.changed',
  'user.password',
  'token.created',
  'token.revoked',
  'restriction.added',
  'restriction.removed',
  'webhook.added',
  'webhook.removed',
  'audit.export',
  'search_index.rebuilt',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
  /** null for the system itself (e.g. an ingest worker). Its `ip` is recorded unless `ip` is given. */
  actor: Actor | null;
  action: AuditAction;
  /** What it was done to: a document id, `search:<id>`, a user name, a batch id… */
  target?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorId: number | null;
  actorName: string | null;
  actorRole: string | null;
  action: AuditAction;
  target: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  action?: AuditAction | 'auth' | 'ingest' | 'document';
  actor?: string;
  target?: string;
  /** Inclusive calendar days, YYYY-MM-DD, in the log's time zone. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export type VerifyResult =
  | { ok: true; checked: number; lastHash: string }
  | { ok: false; checked: number; firstBroken: { seq: number; reason: string } };

interface Row {
  seq: number;
  at: string;
  actor_id: number | null;
  actor_name: string | null;
  actor_role: string | null;
  action: AuditAction;
  target: string | null;
  details: string;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

/** JSON with object keys sorted at every level: one byte sequence per value. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** The hash an entry must carry: over the previous hash and every other column. */
export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  return sha256(
    canonicalJson({
      prev: e.prevHash,
      seq: e.seq,
      at: e.at,
      actorId: e.actorId,
      actorName: e.actorName,
      actorRole: e.actorRole,
      action: e.action,
      target: e.target,
      details: e.details,
      ip: e.ip,
    }),
  );
}

const toEntry = (r: Row): AuditEntry => ({
  seq: r.seq,
  at: r.at,
  actorId: r.actor_id,
  actorName: r.actor_name,
  actorRole: r.actor_role,
  action: r.action,
  target: r.target,
  details: JSON.parse(r.details) as Record<string, unknown>,
  ip: r.ip,
  prevHash: r.prev_hash,
  hash: r.hash,
});

export class AuditLog {
  /** `timeZone`: the zone whose calendar days the `from`/`to` filters name. */
  constructor(
    private readonly db: Db,
    private readonly timeZone: string = DEFAULT_TIME_ZONE,
  ) {}

  /** Appends one entry at the end of the chain (inside the caller's transaction if there is one). */
  append(input: AuditInput): AuditEntry {
    return write(this.db, () => {
      const last = this.db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as
        | { seq: number; hash: string }
        | undefined;
      const base: Omit<AuditEntry, 'hash'> = {
        seq: (last?.seq ?? 0) + 1,
        at: new Date().toISOString(),
        actorId: input.actor?.userId ?? null,
        actorName: input.actor?.name ?? null,
        actorRole: input.actor?.role ?? null,
        action: input.action,
        target: input.target ?? null,
        // Round-trip through JSON so the hash covers exactly what is stored (no undefined, no Dates).
        details: JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>,
        ip: input.ip ?? input.actor?.ip ?? null,
        prevHash: last?.hash ?? GENESIS_HASH,
      };
      const entry: AuditEntry = { ...base, hash: entryHash(base) };
      this.db
        .prepare(
          `INSERT INTO audit_events(seq, at, actor_id, actor_name, actor_role, action, target, details, ip, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          entry.seq,
          entry.at,
          entry.actorId,
          entry.actorName,
          entry.actorRole,
          entry.action,
          entry.target,
          JSON.stringify(entry.details),
          entry.ip,
          entry.prevHash,
          entry.hash,
        );
      return entry;
    });
  }

  list(q: AuditQuery): { total: number; items: AuditEntry[] } {
    const { sql, args } = this.where(q);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM audit_events ${sql}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM audit_events ${sql} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .all(...args, q.limit, q.offset) as Row[];
    return { total, items: rows.map(toEntry) };
  }

  /** Entries of a date range (inclusive days in the log's time zone), oldest first, streamed. */
  *range(from?: string, to?: string): Generator<AuditEntry> {
    const { sql, args } = this.where({ from, to });
    for (const r of this.db.prepare(`SELECT * FROM audit_events ${sql} ORDER BY seq`).iterate(...args) as IterableIterator<Row>) {
      yield toEntry(r);
    }
  }

  /** The WHERE clause of a query: an action (or `auth`-style group), actor, target, local days. */
  private where(q: Omit<AuditQuery, 'limit' | 'offset'>): { sql: string; args: string[] } {
    const where: string[] = [];
    const args: string[] = [];
    const add = (cond: string, arg: string) => {
      where.push(cond);
      args.push(arg);
    };
    if (q.action) {
      // An action matches itself ('search' and 'verdict' have no dot); a group ('auth') its actions.
      if ((AUDIT_ACTIONS as readonly string[]).includes(q.action)) add('action = ?', q.action);
      else add("action LIKE ? ESCAPE '\\'", `${q.action}.%`);
    }
    if (q.actor) add('actor_name = ?', q.actor);
    if (q.target) add('target = ?', q.target);
    const days = dayRange(this.timeZone, q.from, q.to);
    if (days.from) add('at >= ?', days.from);
    if (days.to) add('at < ?', days.to);
    return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
  }

  /**
   * Walks the whole chain: sequence without gaps, each prev_hash equal to the previous entry's hash,
   * each hash equal to the hash of its content, and each linked record (search, verdict) unchanged.
   */
  verify(): VerifyResult {
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    const searchHash = this.db.prepare('SELECT response, question, user_id FROM searches WHERE id = ?');
    const verdictRow = this.db.prepare('SELECT search_id, rank, document_id, verdict, user_id FROM verdicts WHERE id = ?');
    const broken = (seq: number, reason: string): VerifyResult => ({ ok: false, checked, firstBroken: { seq, reason } });
    for (const r of this.db.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as IterableIterator<Row>) {
      if (r.seq !== expectedSeq) return broken(expectedSeq, `entry ${expectedSeq} is missing (next is ${r.seq})`);
      let e: AuditEntry;
      try {
        e = toEntry(r);
      } catch {
        return broken(r.seq, 'details are not valid JSON');
      }
      if (e.prevHash !== prev) return broken(r.seq, 'prev_hash does not match the previous entry');
      if (entryHash(e) !== e.hash) return broken(r.seq, 'content does not match its hash');
      if (e.action === 'search' && typeof e.details.searchId === 'string') {
        const s = searchHash.get(e.details.searchId) as { response: string; question: string; user_id: number | null } | undefined;
        if (!s) return broken(r.seq, `search ${e.details.searchId} is missing`);
        if (sha256(s.response) !== e.details.responseSha256 || s.question !== e.details.question || s.user_id !== e.actorId) {
          return broken(r.seq, `search ${e.details.searchId} differs from what was recorded`);
        }
      }
      if (e.action === 'verdict' && typeof e.details.verdictId === 'number') {
        const v = verdictRow.get(e.details.verdictId) as Record<string, unknown> | undefined;
        if (!v) return broken(r.seq, `verdict ${e.details.verdictId} is missing`);
        if (v.search_id !== e.details.searchId || v.rank !== e.details.rank || v.verdict !== e.details.verdict || v.document_id !== e.details.documentId) {
          return broken(r.seq, `verdict ${e.details.verdictId} differs from what was recorded`);
        }
      }
      prev = e.hash;
      expectedSeq++;
      checked++;
    }
    // A record slipped in beside the chain (no entry of its own) is tampering too.
    for (const [table, action, key] of [['searches', 'search', 'searchId'], ['verdicts', 'verdict', 'verdictId']] as const) {
      const orphan = this.db
        .prepare(
          `SELECT id FROM ${table} WHERE id NOT IN
             (SELECT json_extract(details, '$.${key}') FROM audit_events WHERE action = '${action}') LIMIT 1`,
        )
        .get() as { id: string | number } | undefined;
      if (orphan) return broken(expectedSeq, `${action} ${orphan.id} has no audit entry`);
    }
    return { ok: true, checked, lastHash: prev };
  }
}
