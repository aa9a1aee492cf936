/**
 * Users, passwords and API tokens in the embedded archive. A token is 256 random bits shown once;
 * only its SHA-256 is stored (a slow password hash buys nothing for a secret with that much
 * entropy); passwords are hashed with scrypt (server/security/passwords.ts). Every change to a user,
 * a role, a password or a token is appended to the audit trail in the same transaction.
 */
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import { z } from 'zod';
import { DomainError } from '../errors.js';
import { hashPassword, verifyPassword, zPassword } from '../security/passwords.js';
import { AuditLog } from './audit-log.js';
import { write, type Db } from './db.js';

export const ROLES = ['clerk', 'records', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const zUserName = z
  .string()
  .trim()
  .min(1, 'nazwa użytkownika nie może być pusta')
  .max(64, 'nazwa użytkownika może mieć najwyżej 64 znaki')
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'nazwa użytkownika może zawierać litery, cyfry oraz . _ @ -');

export interface User {
  id: number;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  /** Whether the user can sign in with a password (single sign-on users may have none). */
  hasPassword: boolean;
}

/** An API token as listed (never the token itself). */
export interface TokenInfo {
  id: number;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  label: string | null;
}

/** Tokens expire after this many days unless another term is given. */
export const DEFAULT_TOKEN_DAYS = 90;

/** Who is asking: an authenticated user, or the local command line (trusted operator). */
export interface Actor {
  userId: number | null;
  name: string;
  role: Role;
  /** How they signed in. */
  via?: 'token' | 'session' | 'cli' | 'system';
  /** The client's address, for the audit trail (HTTP only). */
  ip?: string;
}

const TOKEN_PREFIX = 'kw_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

interface UserRow {
  id: number;
  name: string;
  role: Role;
  disabled: number;
  created_at: string;
  password_hash: string | null;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  name: r.name,
  role: r.role,
  disabled: r.disabled !== 0,
  createdAt: r.created_at,
  hasPassword: r.password_hash !== null,
});

function checkedName(name: string): string {
  const parsed = zUserName.safeParse(name);
  if (!parsed.success) throw new DomainError('invalid_user', parsed.error.issues[0]!.message);
  return parsed.data;
}

function checkedRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new DomainError('invalid_role', `nieznana rola: ${role}; dostępne: ${ROLES.join(', ')}`);
  return role as Role;
}

function checkedPassword(password: string): string {
  const parsed = zPassword.safeParse(password);
  if (!parsed.success) throw new DomainError('invalid_password', parsed.error.issues[0]!.message);
  return parsed.data;
}

export class Users {
  /** The audit trail every change is appended to. */
  readonly audit: AuditLog;

  constructor(
    private readonly db: Db,
    audit?: AuditLog,
  ) {
    this.audit = audit ?? new AuditLog(db);
  }

  /**
   * Creates a user and its first API token; returns the token (shown once, never stored). With a
   * password the user can also sign in from the browser.
   */
  add(name: string, role: Role, opts: { tokenDays?: number; passwordHash?: string; by?: Actor } = {}): { user: User; token: string } {
    const userName = checkedName(name);
    checkedRole(role);
    const by = opts.by ?? cliOperator();
    return write(this.db, () => {
      const exists = this.db.prepare('SELECT 1 FROM users WHERE name = ?').get(userName);
      if (exists) throw new DomainError('user_exists', `użytkownik ${userName} już istnieje`, 409);
      const id = Number(
        this.db
          .prepare("INSERT INTO users(name, role, password_hash, password_changed_at) VALUES (?, ?, ?, CASE WHEN ? IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ','now') END)")
          .run(userName, role, opts.passwordHash ?? null, opts.passwordHash ?? null).lastInsertRowid,
      );
      this.audit.append({ actor: by, action: 'user.created', target: userName, details: { role, password: opts.passwordHash !== undefined } });
      const token = this.insertToken(id, opts.tokenDays, by, userName);
      return { user: this.byId(id)!, token };
    });
  }

  /** A user who signs in through the identity provider only (no password, no token). */
  addSso(name: string, role: Role, subject: string, by: Actor): User {
    const userName = checkedName(name);
    checkedRole(role);
    return write(this.db, () => {
      const id = Number(this.db.prepare('INSERT INTO users(name, role, oidc_subject) VALUES (?, ?, ?)').run(userName, role, subject).lastInsertRowid);
      this.audit.append({ actor: by, action: 'user.created', target: userName, details: { role, sso: true } });
      return this.byId(id)!;
    });
  }

  bySubject(subject: string): User | null {
    const r = this.db.prepare('SELECT * FROM users WHERE oidc_subject = ?').get(subject) as UserRow | undefined;
    return r ? toUser(r) : null;
  }

  /** A new token for an existing user (older tokens stay valid until revoked or expired). */
  newToken(name: string, tokenDays?: number, by: Actor = cliOperator()): string {
    return write(this.db, () => {
      const u = this.mustGet(name);
      return this.insertToken(u.id, tokenDays, by, u.name);
    });
  }

  /** Revokes every token of the user, or the one with `tokenId`. */
  revokeTokens(name: string, by: Actor = cliOperator(), tokenId?: number): number {
    return write(this.db, () => {
      const u = this.mustGet(name);
      const n = this.db
        .prepare(
          `UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
           WHERE user_id = ? AND revoked_at IS NULL AND (? IS NULL OR id = ?)`,
        )
        .run(u.id, tokenId ?? null, tokenId ?? null).changes;
      if (tokenId !== undefined && n === 0) throw new DomainError('token_not_found', `użytkownik ${u.name} nie ma aktywnego tokenu ${tokenId}`, 404);
      this.audit.append({ actor: by, action: 'token.revoked', target: u.name, details: { count: n, ...(tokenId !== undefined ? { tokenId } : {}) } });
      return n;
    });
  }

  tokens(name: string): TokenInfo[] {
    const u = this.mustGet(name);
    const rows = this.db
      .prepare('SELECT id, created_at, expires_at, revoked_at, last_used_at, label FROM api_tokens WHERE user_id = ? ORDER BY id')
      .all(u.id) as { id: number; created_at: string; expires_at: string | null; revoked_at: string | null; last_used_at: string | null; label: string | null }[];
    return rows.map((r) => ({ id: r.id, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at, label: r.label }));
  }

  setDisabled(name: string, disabled: boolean, by: Actor = cliOperator()): User {
    return write(this.db, () => {
      const u = this.mustGet(name);
      this.db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, u.id);
      if (disabled) this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(u.id);
      this.audit.append({ actor: by, action: 'user.changed', target: u.name, details: { disabled } });
      return this.byId(u.id)!;
    });
  }

  setRole(name: string, role: Role, by: Actor = cliOperator()): User {
    checkedRole(role);
    return write(this.db, () => {
      const u = this.mustGet(name);
      this.db.prepare('UPDATE users SET role = ? WHERE id = ?').run(role, u.id);
      // Sessions carry no role (it is read per request), but a changed role deserves a fresh login.
      this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(u.id);
      this.audit.append({ actor: by, action: 'user.changed', target: u.name, details: { role, previousRole: u.role } });
      return this.byId(u.id)!;
    });
  }

  /**
   * Sets (or resets) the password and ends the user's browser sessions. Replacing a password also
   * revokes the user's API tokens — whoever knew the old password may have been given one — and
   * says how many (`revokedTokens`); a first password (the user had none) leaves them valid.
   */
  async setPassword(name: string, password: string, by: Actor = cliOperator()): Promise<{ user: User; revokedTokens: number }> {
    const hash = await hashPassword(checkedPassword(password));
    return write(this.db, () => {
      const u = this.mustGet(name);
      this.db.prepare("UPDATE users SET password_hash = ?, password_changed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(hash, u.id);
      this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(u.id);
      this.audit.append({ actor: by, action: 'user.password', target: u.name, details: {} });
      let revokedTokens = 0;
      if (u.hasPassword) {
        revokedTokens = this.db
          .prepare("UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE user_id = ? AND revoked_at IS NULL")
          .run(u.id).changes;
        if (revokedTokens > 0) this.audit.append({ actor: by, action: 'token.revoked', target: u.name, details: { count: revokedTokens, reason: 'password_changed' } });
      }
      return { user: this.byId(u.id)!, revokedTokens };
    });
  }

  /**
   * Throws unless `actor` may still act as it did when it was identified: the user exists, is not
   * disabled and still has the same role. For a long-lived caller (`kwerenda mcp`) that was
   * identified once; one indexed read, cheap enough for every call.
   */
  assertStillActs(actor: Actor): void {
    if (actor.userId === null) return;
    const r = this.db.prepare('SELECT name, role, disabled FROM users WHERE id = ?').get(actor.userId) as
      | { name: string; role: Role; disabled: number }
      | undefined;
    if (!r) throw new DomainError('user_not_found', `nie ma już użytkownika ${actor.name}`, 401);
    if (r.disabled !== 0) throw new DomainError('user_disabled', `użytkownik ${r.name} jest zablokowany`, 403);
    if (r.role !== actor.role) {
      throw new DomainError('role_changed', `rola użytkownika ${r.name} zmieniła się (${actor.role} → ${r.role}); połącz się ponownie`, 403);
    }
  }

  /** The user if the password is right and the user may sign in; null otherwise (same time either way). */
  async checkPassword(name: string, password: string): Promise<User | null> {
    const row = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as UserRow | undefined;
    const ok = await verifyPassword(password, row?.password_hash ?? null);
    return ok && row && row.disabled === 0 ? toUser(row) : null;
  }

  list(): User[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY name').all() as UserRow[]).map(toUser);
  }

  byName(name: string): User | null {
    const r = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as UserRow | undefined;
    return r ? toUser(r) : null;
  }

  byId(id: number): User | null {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return r ? toUser(r) : null;
  }

  /** The actor a bearer token belongs to, or null (unknown, revoked, expired, or user disabled). */
  authenticate(token: string): Actor | null {
    if (typeof token !== 'string' || !token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const row = this.db
      .prepare(
        `SELECT u.id, u.name, u.role, t.id AS token_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0
           AND (t.expires_at IS NULL OR t.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
      )
      .get(hashToken(token)) as { id: number; name: string; role: Role; token_id: number; last_used_at: string | null } | undefined;
    if (!row) return null;
    // Last use, at most once an hour per token (reads stay reads).
    if (row.last_used_at === null || Date.now() - Date.parse(row.last_used_at) > 3_600_000) {
      write(this.db, () =>
        this.db.prepare("UPDATE api_tokens SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(row.token_id),
      );
    }
    return { userId: row.id, name: row.name, role: row.role, via: 'token' };
  }

  private mustGet(name: string): User {
    const u = this.byName(name);
    if (!u) throw new DomainError('user_not_found', `nie ma użytkownika ${name}`, 404);
    return u;
  }

  private insertToken(userId: number, days: number | undefined, by: Actor, userName: string): string {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const expires = new Date(Date.now() + (days ?? DEFAULT_TOKEN_DAYS) * 86_400_000).toISOString();
    const id = Number(
      this.db.prepare('INSERT INTO api_tokens(user_id, token_hash, expires_at) VALUES (?, ?, ?)').run(userId, hashToken(token), expires).lastInsertRowid,
    );
    this.audit.append({ actor: by, action: 'token.created', target: userName, details: { tokenId: id, expiresAt: expires } });
    return token;
  }
}

/** What a password change did, in Polish (the API's answer and the command line say the same). */
export function passwordChanged(name: string, revokedTokens: number): string {
  const done = `${name}: hasło zmienione; sesje w przeglądarce zakończone`;
  return revokedTokens > 0 ? `${done}; unieważniono tokeny API: ${revokedTokens}` : done;
}

/**
 * The operator at the machine's own command line: whoever can run `kwerenda` here can read the
 * database file anyway, so the CLI acts as an administrator — recorded as `cli:<system user>`.
 */
export function cliOperator(): Actor {
  let who = 'unknown';
  try {
    who = os.userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return { userId: null, name: `cli:${who}`, role: 'admin', via: 'cli' };
}

/** The system itself (ingest workers): recorded with no user. */
export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: null, name: 'system', role: 'admin' as Role, via: 'system' as const });
