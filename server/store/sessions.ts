/**
 * Browser sessions and login throttling. The cookie value is 256 random bits; only its SHA-256 is
 * stored, so a copy of the database does not let anyone sign in. Every login mints a new session id
 * (a session id planted before login is never adopted: no session fixation). A session ends at the
 * first of: logout, idle timeout, absolute lifetime, user disabled, password changed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { write, type Db } from './db.js';
import { hashToken, type Actor, type Role } from './users.js';

export interface SessionPolicy {
  /** Minutes without a request after which the session ends. */
  idleMinutes: number;
  /** Hours after login after which the session ends regardless. */
  maxHours: number;
}

export interface LoginPolicy {
  /** Consecutive failures before the name is locked. */
  maxFailures: number;
  /** First lock, seconds; doubles with each further failure. */
  lockSeconds: number;
  /** Longest lock, seconds. */
  maxLockSeconds: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMinutes: 30, maxHours: 10 };
export const DEFAULT_LOGIN_POLICY: LoginPolicy = { maxFailures: 5, lockSeconds: 60, maxLockSeconds: 3600 };

export interface NewSession {
  /** The cookie value (shown to the browser once, never stored). */
  id: string;
  /** Sent back by the UI in `X-CSRF-Token` on every state-changing request. */
  csrf: string;
  expiresAt: string;
}

export interface ResolvedSession {
  actor: Actor;
  csrf: string;
  idHash: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class Sessions {
  constructor(
    private readonly db: Db,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
    private readonly login: LoginPolicy = DEFAULT_LOGIN_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  create(userId: number, via: 'password' | 'oidc'): NewSession {
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = iso(now + this.policy.maxHours * 3_600_000);
    write(this.db, () => {
      // Drop this user's dead sessions while we hold the lock (keeps the table small).
      this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?').run(userId, iso(now));
      this.db
        .prepare('INSERT INTO sessions(id_hash, user_id, csrf, via, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(hashToken(id), userId, csrf, via, iso(now), iso(now), expiresAt);
    });
    return { id, csrf, expiresAt };
  }

  /** The live session for a cookie value, refreshing its idle timer; null when unknown or expired. */
  resolve(id: string): ResolvedSession | null {
    if (typeof id !== 'string' || id.length < 20 || id.length > 100) return null;
    const idHash = hashToken(id);
    const row = this.db
      .prepare(
        `SELECT s.csrf, s.last_seen_at, s.expires_at, s.created_at, u.id AS user_id, u.name, u.role, u.disabled, u.password_changed_at
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`,
      )
      .get(idHash) as
      | { csrf: string; last_seen_at: string; expires_at: string; created_at: string; user_id: number; name: string; role: Role; disabled: number; password_changed_at: string | null }
      | undefined;
    if (!row) return null;
    const now = this.now();
    const idleEnd = Date.parse(row.last_seen_at) + this.policy.idleMinutes * 60_000;
    const dead =
      row.disabled !== 0 ||
      now >= Date.parse(row.expires_at) ||
      now >= idleEnd ||
      (row.password_changed_at !== null && row.password_changed_at > row.created_at);
    if (dead) {
      this.destroyHash(idHash);
      return null;
    }
    // Refresh at most once a minute: a busy page does not turn every read into a write.
    if (now - Date.parse(row.last_seen_at) > 60_000) {
      write(this.db, () => this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(iso(now), idHash));
    }
    return { actor: { userId: row.user_id, name: row.name, role: row.role, via: 'session' }, csrf: row.csrf, idHash };
  }

  destroy(id: string): void {
    this.destroyHash(hashToken(id));
  }

  destroyHash(idHash: string): void {
    write(this.db, () => this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash));
  }

  /** Ends every session of a user (disabled, password reset, role changed). */
  destroyAllFor(userId: number): number {
    return write(this.db, () => this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes);
  }

  /** Seconds the name is still locked for, or 0. */
  lockedFor(name: string): number {
    const row = this.db.prepare('SELECT locked_until FROM login_attempts WHERE name = ?').get(attemptKey(name)) as
      | { locked_until: string | null }
      | undefined;
    return this.secondsLeft(row?.locked_until ?? null);
  }

  /**
   * Admits one login attempt for `name`, or refuses it while the name is locked. In one write
   * transaction it checks the lock and counts the attempt as a failure before the password is
   * checked, so parallel guesses cannot all pass the check while the slow hash runs: at most
   * `maxFailures` attempts are admitted in a row, and the one that reaches the limit sets the lock
   * at once. A right password then clears the count (`recordSuccess`).
   *
   * Returns 0 when the attempt may check the password, else the seconds the name stays locked.
   */
  admitAttempt(name: string): number {
    const key = attemptKey(name);
    const now = this.now();
    return write(this.db, () => {
      const prev = this.db.prepare('SELECT failures, locked_until FROM login_attempts WHERE name = ?').get(key) as
        | { failures: number; locked_until: string | null }
        | undefined;
      const locked = this.secondsLeft(prev?.locked_until ?? null);
      if (locked > 0) return locked;
      const failures = (prev?.failures ?? 0) + 1;
      const over = failures - this.login.maxFailures;
      const lock = over >= 0 ? Math.min(this.login.maxLockSeconds, this.login.lockSeconds * 2 ** Math.min(over, 20)) : 0;
      this.db
        .prepare(
          `INSERT INTO login_attempts(name, failures, locked_until, last_failure_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(name) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, last_failure_at = excluded.last_failure_at`,
        )
        .run(key, failures, lock > 0 ? iso(now + lock * 1000) : null, iso(now));
      return 0;
    });
  }

  /** A right password: the name's count of attempts starts again. */
  recordSuccess(name: string): void {
    write(this.db, () => this.db.prepare('DELETE FROM login_attempts WHERE name = ?').run(attemptKey(name)));
  }

  private secondsLeft(lockedUntil: string | null): number {
    if (!lockedUntil) return 0;
    return Math.max(0, Math.ceil((Date.parse(lockedUntil) - this.now()) / 1000));
  }
}

/**
 * The key of a name in `login_attempts`: a hash of the case-folded name, so that whatever was typed
 * into the name field (a password, by mistake) is not kept in the clear.
 */
function attemptKey(name: string): string {
  return 'sha256:' + createHash('sha256').update(name.toLowerCase(), 'utf8').digest('hex');
}
