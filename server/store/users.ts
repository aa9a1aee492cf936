/**
 * Users and API tokens in the embedded archive. A token is 256 random bits shown once; only its
 * SHA-256 is stored (a slow password hash buys nothing for a secret with that much entropy).
 * Full roles, sessions and passwords come with the security work; tokens exist from the first day.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../errors.js';
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
}

/** Who is asking: an authenticated user, or the local command line (trusted operator). */
export interface Actor {
  userId: number | null;
  name: string;
  role: Role;
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
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  name: r.name,
  role: r.role,
  disabled: r.disabled !== 0,
  createdAt: r.created_at,
});

export class Users {
  constructor(private readonly db: Db) {}

  /** Creates a user and its first token; returns the token (shown once, never stored). */
  add(name: string, role: Role, tokenDays?: number): { user: User; token: string } {
    const parsedName = zUserName.safeParse(name);
    if (!parsedName.success) throw new DomainError('invalid_user', parsedName.error.issues[0]!.message);
    if (!ROLES.includes(role)) throw new DomainError('invalid_role', `nieznana rola: ${role}; dostępne: ${ROLES.join(', ')}`);
    return write(this.db, () => {
      const exists = this.db.prepare('SELECT 1 FROM users WHERE name = ?').get(parsedName.data);
      if (exists) throw new DomainError('user_exists', `użytkownik ${parsedName.data} już istnieje`, 409);
      const id = Number(this.db.prepare('INSERT INTO users(name, role) VALUES (?, ?)').run(parsedName.data, role).lastInsertRowid);
      const token = this.insertToken(id, tokenDays);
      return { user: this.byId(id)!, token };
    });
  }

  /** A new token for an existing user (older tokens stay valid until revoked). */
  newToken(name: string, tokenDays?: number): string {
    return write(this.db, () => {
      const u = this.byName(name);
      if (!u) throw new DomainError('user_not_found', `nie ma użytkownika ${name}`, 404);
      return this.insertToken(u.id, tokenDays);
    });
  }

  /** Revokes every token of the user. */
  revokeTokens(name: string): number {
    return write(this.db, () => {
      const u = this.byName(name);
      if (!u) throw new DomainError('user_not_found', `nie ma użytkownika ${name}`, 404);
      return this.db
        .prepare("UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE user_id = ? AND revoked_at IS NULL")
        .run(u.id).changes;
    });
  }

  setDisabled(name: string, disabled: boolean): User {
    return write(this.db, () => {
      const u = this.byName(name);
      if (!u) throw new DomainError('user_not_found', `nie ma użytkownika ${name}`, 404);
      this.db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, u.id);
      return this.byId(u.id)!;
    });
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
        `SELECT u.id, u.name, u.role, t.id AS token_id FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0
           AND (t.expires_at IS NULL OR t.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
      )
      .get(hashToken(token)) as { id: number; name: string; role: Role; token_id: number } | undefined;
    if (!row) return null;
    return { userId: row.id, name: row.name, role: row.role };
  }

  private insertToken(userId: number, days?: number): string {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const expires = days ? new Date(Date.now() + days * 86_400_000).toISOString() : null;
    this.db.prepare('INSERT INTO api_tokens(user_id, token_hash, expires_at) VALUES (?, ?, ?)').run(userId, hashToken(token), expires);
    return token;
  }
}

/** The operator at the machine's own command line (`kwerenda search`): trusted, recorded as such. */
export const LOCAL_OPERATOR: Actor = Object.freeze({ userId: null, name: 'cli', role: 'admin' as Role });
