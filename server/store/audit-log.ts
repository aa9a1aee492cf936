/**
 * The audit trail: who did what, when. Append-only (triggers refuse UPDATE and DELETE) and
 * tamper-evident: every entry stores the SHA-256 of the previous entry's hash and its own canonical
 * content, so changing, removing or reordering any entry breaks the chain from there on, and
 * `verify()` names the first broken entry. Entries that point at a stored record (a search as it was
 * shown, a verdict) carry that record's hash too, so editing the record is caught as well.
 *
 * A hash chain alone can be recomputed by whoever holds the database file. Once the archive is
 * keyed (`kwerenda audit init-key`, see audit-key.ts) every new entry also carries an HMAC of its
 * hash with a key kept outside the data directory, so a rewritten history no longer verifies; a cut
 * tail is caught against an anchor of the head kept outside the archive (audit-verify.ts).
 *
 * Never put passwords, tokens or document text in `details`: ids, names of actions, counts, the
 * question a clerk asked (the GDPR record of who searched what) and reasons.
 */
import { dayRange, DEFAULT_TIME_ZONE } from '../domain/time.js';
import { DomainError } from '../errors.js';
import { AUDIT_KEY_SETTING, archiveKey, archiveKeyFile, entryMac, type AuditKey } from './audit-key.js';
import { verifyChain, type AuditAnchor, type VerifyResult } from './audit-verify.js';
import { setSetting, write, type Db } from './db.js';
import type { Actor } from './users.js';

import { AUDIT_ACTIONS, entryHash, GENESIS_HASH, toEntry, type AuditAction, type AuditEntry, type AuditRow } from './audit-chain.js';

export type { AuditAnchor, VerifyResult } from './audit-verify.js';
export { AUDIT_ACTIONS, canonicalJson, entryHash, GENESIS_HASH, sha256, toEntry, type AuditAction, type AuditEntry, type AuditRow } from './audit-chain.js';

export interface AuditInput {
  /** null for the system itself (e.g. an ingest worker). Its `ip` is recorded unless `ip` is given. */
  actor: Actor | null;
  action: AuditAction;
  /** What it was done to: a document id, `search:<id>`, a user name, a batch id… */
  target?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

/** Groups of actions a query may name (`auth` = every `auth.*` action). */
export const AUDIT_GROUPS = ['auth', 'ingest', 'document', 'audit'] as const;

export interface AuditQuery {
  action?: AuditAction | (typeof AUDIT_GROUPS)[number];
  /** Actions left out (when `action` does not name one). */
  exclude?: readonly AuditAction[];
  actor?: string;
  target?: string;
  /** Inclusive calendar days, YYYY-MM-DD, in the log's time zone. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/** The head of the chain, as an anchor records it. */
export interface ChainHead {
  entries: number;
  lastSeq: number;
  lastHash: string;
  lastMac: string | null;
}

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
      const base: Omit<AuditEntry, 'hash' | 'mac'> = {
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
      const hash = entryHash(base);
      // Read in this transaction: a key added meanwhile by another process applies from here on.
      const key = archiveKey(this.db);
      const entry: AuditEntry = { ...base, hash, mac: key ? entryMac(key, hash) : null };
      this.db
        .prepare(
          `INSERT INTO audit_events(seq, at, actor_id, actor_name, actor_role, action, target, details, ip, prev_hash, hash, mac)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          entry.mac,
        );
      return entry;
    });
  }

  /**
   * Keys the archive: records where its key file is and appends the first keyed entry, in one
   * transaction. A keyed archive is not keyed again (its earlier HMACs would stop verifying).
   */
  startKeying(key: AuditKey, actor: Actor | null): AuditEntry {
    return write(this.db, () => {
      const current = archiveKeyFile(this.db);
      if (current !== undefined) throw new DomainError('audit_already_keyed', `dziennik jest już kluczowany (plik klucza: ${current})`, 409);
      setSetting(this.db, AUDIT_KEY_SETTING, key.file);
      return this.append({ actor, action: 'audit.keyed', details: { keyId: key.id, keyFile: key.file } });
    });
  }

  /** The last entry of the chain and how many there are (sequence numbers start at 1, without gaps). */
  head(): ChainHead | null {
    const r = this.db.prepare('SELECT seq, hash, mac FROM audit_events ORDER BY seq DESC LIMIT 1').get() as
      | { seq: number; hash: string; mac: string | null }
      | undefined;
    if (!r) return null;
    const n = (this.db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;
    return { entries: n, lastSeq: r.seq, lastHash: r.hash, lastMac: r.mac };
  }

  list(q: AuditQuery): { total: number; items: AuditEntry[] } {
    const { sql, args } = this.where(q);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM audit_events ${sql}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM audit_events ${sql} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .all(...args, q.limit, q.offset) as AuditRow[];
    return { total, items: rows.map(toEntry) };
  }

  /** Entries of a date range (inclusive days in the log's time zone), oldest first, streamed. */
  *range(from?: string, to?: string): Generator<AuditEntry> {
    const { sql, args } = this.where({ from, to });
    for (const r of this.db.prepare(`SELECT * FROM audit_events ${sql} ORDER BY seq`).iterate(...args) as IterableIterator<AuditRow>) {
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
    } else {
      for (const a of q.exclude ?? []) add('action <> ?', a);
    }
    if (q.actor) add('actor_name = ?', q.actor);
    if (q.target) add('target = ?', q.target);
    const days = dayRange(this.timeZone, q.from, q.to);
    if (days.from) add('at >= ?', days.from);
    if (days.to) add('at < ?', days.to);
    return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
  }

  /**
   * Walks the whole chain (see audit-verify.ts): sequence, hashes, linked records, and the HMACs of
   * keyed entries with `key` (default: the key file the archive names); with `anchor`, also that
   * the chain still holds the head recorded there.
   */
  verify(opts: { key?: AuditKey | null; anchor?: AuditAnchor } = {}): VerifyResult {
    return verifyChain(this.db, opts.key === undefined ? archiveKey(this.db) : opts.key, opts.anchor);
  }
}
