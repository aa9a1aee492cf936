/**
 * Every search exactly as it was shown: the whole response JSON, with who asked and when.
 * Supervisors reopen it from here (stored, never re-run).
 */
import { randomUUID } from 'node:crypto';
import { dayRange, DEFAULT_TIME_ZONE } from '../domain/time.js';
import { sha256, type AuditLog } from './audit-log.js';
import { write, type Db } from './db.js';
import type { Actor } from './users.js';

export interface StoredSearch {
  id: string;
  userId: number | null;
  createdAt: string;
  question: string;
  mode: string;
  degraded: string | null;
  resultCount: number;
  response: unknown;
}

/** One line of the supervisors' list of past searches (no response body). */
export interface SearchListItem {
  id: string;
  userId: number | null;
  /** null for the local command line. */
  userName: string | null;
  createdAt: string;
  question: string;
  mode: string;
  degraded: string | null;
  resultCount: number;
}

/** Filters for `Searches.list`; `from`/`to` are inclusive calendar days (YYYY-MM-DD) in the archive's time zone. */
export interface SearchListQuery {
  userName?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export class Searches {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly timeZone: string = DEFAULT_TIME_ZONE,
  ) {}

  newId(): string {
    return randomUUID();
  }

  /**
   * Stores the response as shown and, in the same transaction, its audit entry (who, the question,
   * mode, result ids and the hash of the stored response, so a later edit of the row is detectable).
   */
  record(
    s: { id: string; question: string; mode: string; degraded?: string; resultCount: number; resultIds: string[]; response: unknown },
    actor: Actor,
  ): void {
    const json = JSON.stringify(s.response);
    write(this.db, () => {
      this.db
        .prepare(
          'INSERT INTO searches(id, user_id, question, mode, degraded, result_count, response) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(s.id, actor.userId, s.question, s.mode, s.degraded ?? null, s.resultCount, json);
      this.audit.append({
        actor,
        action: 'search',
        target: `search:${s.id}`,
        details: {
          searchId: s.id,
          question: s.question,
          mode: s.mode,
          ...(s.degraded ? { degraded: s.degraded } : {}),
          resultIds: s.resultIds,
          responseSha256: sha256(json),
        },
      });
    });
  }

  get(id: string): StoredSearch | null {
    const r = this.db.prepare('SELECT * FROM searches WHERE id = ?').get(id) as
      | { id: string; user_id: number | null; created_at: string; question: string; mode: string; degraded: string | null; result_count: number; response: string }
      | undefined;
    if (!r) return null;
    return {
      id: r.id,
      userId: r.user_id,
      createdAt: r.created_at,
      question: r.question,
      mode: r.mode,
      degraded: r.degraded,
      resultCount: r.result_count,
      response: JSON.parse(r.response),
    };
  }

  /** Past searches, newest first, with the total matching the filters (for paging). */
  list(q: SearchListQuery): { total: number; items: SearchListItem[] } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.userName !== undefined) {
      where.push('u.name = ?');
      args.push(q.userName);
    }
    // created_at is a UTC ISO timestamp; the days are local days of the archive's time zone.
    const days = dayRange(this.timeZone, q.from, q.to);
    if (days.from !== undefined) {
      where.push('s.created_at >= ?');
      args.push(days.from);
    }
    if (days.to !== undefined) {
      where.push('s.created_at < ?');
      args.push(days.to);
    }
    const from = `FROM searches s LEFT JOIN users u ON u.id = s.user_id${where.length ? ' WHERE ' + where.join(' AND ') : ''}`;
    const total = (this.db.prepare(`SELECT COUNT(*) AS n ${from}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(
        `SELECT s.id, s.user_id, u.name AS user_name, s.created_at, s.question, s.mode, s.degraded, s.result_count ${from}
         ORDER BY s.created_at DESC, s.rowid DESC LIMIT ? OFFSET ?`,
      )
      .all(...args, q.limit, q.offset) as {
      id: string; user_id: number | null; user_name: string | null; created_at: string; question: string; mode: string; degraded: string | null; result_count: number;
    }[];
    return {
      total,
      items: rows.map((r) => ({
        id: r.id,
        userId: r.user_id,
        userName: r.user_name,
        createdAt: r.created_at,
        question: r.question,
        mode: r.mode,
        degraded: r.degraded,
        resultCount: r.result_count,
      })),
    };
  }
}
