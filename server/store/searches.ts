/**
 * Every search exactly as it was shown: the whole response JSON, with who asked and when.
 * Supervisors reopen it from here (stored, never re-run).
 */
import { randomUUID } from 'node:crypto';
import { write, type Db } from './db.js';

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

export class Searches {
  constructor(private readonly db: Db) {}

  newId(): string {
    return randomUUID();
  }

  record(s: { id: string; userId: number | null; question: string; mode: string; degraded?: string; resultCount: number; response: unknown }): void {
    write(this.db, () => {
      this.db
        .prepare(
          'INSERT INTO searches(id, user_id, question, mode, degraded, result_count, response) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(s.id, s.userId, s.question, s.mode, s.degraded ?? null, s.resultCount, JSON.stringify(s.response));
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
}
