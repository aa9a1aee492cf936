/**
 * The embedded queue: jobs are rows in the archive database, run in this process. A job left
 * 'active' by a process that died (kill -9) is put back to 'waiting' when the next process starts,
 * without counting the interrupted run as an attempt.
 */
import os from 'node:os';
import { write, type Db } from '../store/db.js';
import { processAlive } from '../store/ledger.js';
import {
  isPermanent,
  jobSchemas,
  type JobHandler,
  type JobInfo,
  type JobName,
  type JobPayload,
  type JobQueue,
} from './queue.js';

interface JobRow {
  id: string;
  name: JobName;
  payload: string;
  status: 'waiting' | 'active' | 'completed' | 'failed';
  attempts: number;
  max_attempts: number;
  run_after: number;
  owner_pid: number | null;
  owner_host: string | null;
}

const POLL_MS = 250;

export class SqliteQueue implements JobQueue {
  private readonly handlers = new Map<JobName, { handler: JobHandler<JobName>; concurrency: number; running: number }>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly db: Db) {
    this.recoverAbandoned();
  }

  private recoverAbandoned(): void {
    const active = this.db.prepare("SELECT * FROM jobs WHERE status = 'active'").all() as JobRow[];
    const dead = active.filter((j) => !processAlive(j.owner_pid, j.owner_host));
    if (!dead.length) return;
    write(this.db, () => {
      const stmt = this.db.prepare(
        "UPDATE jobs SET status = 'waiting', attempts = MAX(attempts - 1, 0), owner_pid = NULL, run_after = 0 WHERE id = ? AND status = 'active'",
      );
      for (const j of dead) stmt.run(j.id);
    });
  }

  async add<N extends JobName>(name: N, payload: JobPayload<N>, opts: { jobId: string; attempts: number }): Promise<void> {
    const parsed = jobSchemas[name].parse(payload);
    write(this.db, () => {
      const existing = this.db.prepare('SELECT status FROM jobs WHERE id = ?').get(opts.jobId) as
        | { status: JobRow['status'] }
        | undefined;
      if (existing && (existing.status === 'waiting' || existing.status === 'active')) return;
      this.db
        .prepare(
          `INSERT INTO jobs(id, name, payload, status, attempts, max_attempts, run_after) VALUES (?, ?, ?, 'waiting', 0, ?, 0)
           ON CONFLICT(id) DO UPDATE SET payload = excluded.payload, status = 'waiting', attempts = 0,
             max_attempts = excluded.max_attempts, run_after = 0, last_error = NULL,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
        )
        .run(opts.jobId, name, JSON.stringify(parsed), opts.attempts);
    });
    this.kick();
  }

  process<N extends JobName>(name: N, handler: JobHandler<N>, opts: { concurrency: number }): void {
    this.handlers.set(name, { handler: handler as unknown as JobHandler<JobName>, concurrency: opts.concurrency, running: 0 });
    this.kick();
  }

  private kick(): void {
    if (this.closed || this.handlers.size === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), 0);
  }

  private pump(): void {
    this.timer = null;
    if (this.closed) return;
    let nextWake = POLL_MS;
    for (const [name, h] of this.handlers) {
      while (h.running < h.concurrency) {
        const row = this.claim(name);
        if (!row) break;
        h.running++;
        const p = this.run(row, h.handler).finally(() => {
          h.running--;
          this.inFlight.delete(p);
          this.notify();
          this.kick();
        });
        this.inFlight.add(p);
      }
      const soonest = this.db
        .prepare("SELECT MIN(run_after) AS t FROM jobs WHERE status = 'waiting' AND name = ?")
        .get(name) as { t: number | null };
      if (soonest.t !== null) nextWake = Math.min(nextWake, Math.max(10, soonest.t - Date.now()));
    }
    this.timer = setTimeout(() => this.pump(), nextWake);
    this.timer.unref();
  }

  private claim(name: JobName): JobRow | undefined {
    return write(this.db, () =>
      this.db
        .prepare(
          `UPDATE jobs SET status = 'active', attempts = attempts + 1, owner_pid = ?, owner_host = ?,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
           WHERE id = (SELECT id FROM jobs WHERE status = 'waiting' AND name = ? AND run_after <= ? ORDER BY rowid LIMIT 1)
           RETURNING *`,
        )
        .get(process.pid, os.hostname(), name, Date.now()) as JobRow | undefined,
    );
  }

  private async run(row: JobRow, handler: JobHandler<JobName>): Promise<void> {
    const parsed = jobSchemas[row.name].safeParse(JSON.parse(row.payload));
    const info: JobInfo = {
      id: row.id,
      name: row.name,
      payload: parsed.success ? parsed.data : { fileId: 0 },
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
    };
    try {
      if (!parsed.success) throw Object.assign(new Error(`invalid job payload: ${parsed.error.message}`), { permanent: true });
      await handler.run(info);
      this.setStatus(row.id, 'completed', null, 0);
    } catch (err) {
      if (this.closed) return; // shutting down: leave it active, recovered on next start
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      const final = isPermanent(err) || row.attempts >= row.max_attempts;
      if (final) {
        this.setStatus(row.id, 'failed', message, 0);
        await Promise.resolve(handler.onFailed(info, err)).catch(() => undefined);
      } else {
        const backoff = 1000 * 2 ** (row.attempts - 1);
        this.setStatus(row.id, 'waiting', message, Date.now() + backoff);
      }
    }
  }

  private setStatus(id: string, status: JobRow['status'], error: string | null, runAfter: number): void {
    write(this.db, () =>
      this.db
        .prepare(
          `UPDATE jobs SET status = ?, last_error = ?, run_after = ?, owner_pid = NULL,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
        )
        .run(status, error, runAfter, id),
    );
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  async settled(jobIds: string[]): Promise<void> {
    const pending = (): boolean => {
      const stmt = this.db.prepare('SELECT status FROM jobs WHERE id = ?');
      return jobIds.some((id) => {
        const r = stmt.get(id) as { status: string } | undefined;
        return r !== undefined && (r.status === 'waiting' || r.status === 'active');
      });
    };
    while (pending()) {
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.waiters.delete(done);
          clearTimeout(t);
          resolve();
        };
        const t = setTimeout(done, 1000);
        this.waiters.add(done);
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.notify();
    await Promise.allSettled([...this.inFlight]);
  }
}
