/**
 * Browser sign-in: `POST /api/auth/login` (name + password → a new session cookie and the CSRF
 * token), `POST /api/auth/logout`, `GET /api/auth/me` (who am I, what may I do — the UI builds its
 * navigation from it). Login attempts count per name — before the password is checked — and lock it
 * with a growing back-off; every success and failure goes to the audit trail (never the password,
 * and the typed name only when it is a user's name).
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { PERMISSIONS, can, type Permission } from '../../security/permissions.js';
import type { AuditLog } from '../../store/audit-log.js';
import type { Sessions } from '../../store/sessions.js';
import type { Actor, User, Users } from '../../store/users.js';
import { actorOf, clientIp, readCookie, sessionOf, SESSION_COOKIE } from '../auth.js';
import { route } from '../route.js';

export interface AuthDeps {
  users: Users;
  sessions: Sessions;
  audit: AuditLog;
  /** Extra middleware in front of the login (rate limit per client address). */
  loginLimiter?: RequestHandler;
  /** Absolute session lifetime, for the cookie's Max-Age. */
  sessionMaxHours: number;
}

/** The body of `POST /api/auth/login` (also in the OpenAPI description). */
export const zLogin = z
  .object({
    username: z.string({ error: 'podaj nazwę użytkownika' }).trim().min(1, 'podaj nazwę użytkownika').max(64),
    password: z.string({ error: 'podaj hasło' }).min(1, 'podaj hasło').max(256),
  })
  .strict();

export function permissionsOf(actor: Actor): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(actor.role, p));
}

function minutes(seconds: number): string {
  const m = Math.ceil(seconds / 60);
  return m === 1 ? '1 minutę' : m < 5 ? `${m} minuty` : `${m} minut`;
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure whenever the request came over TLS. */
export function setSessionCookie(req: Request, res: Response, id: string, maxHours: number): void {
  res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: maxHours * 3_600_000 });
}

/** The answer to "who am I" after a login (password or single sign-on) or on `GET /auth/me`. */
export function whoAmI(user: Pick<User, 'name' | 'role'>, actor: Actor, csrf: string | undefined) {
  return { user: { name: user.name, role: user.role }, via: actor.via ?? 'token', permissions: permissionsOf(actor), ...(csrf ? { csrfToken: csrf } : {}) };
}

export function authRoutes(deps: AuthDeps): Router {
  const r = Router();
  const pass: RequestHandler = (_req, _res, next) => next();

  route(r, 'POST', '/auth/login', deps.loginLimiter ?? pass, async (req, res) => {
    const body = zLogin.safeParse(req.body);
    if (!body.success) throw new DomainError('invalid_request', body.error.issues[0]!.message);
    const { username, password } = body.data;
    const ip = clientIp(req);
    // The typed name is recorded only when it names a user: a password typed into the name field
    // must not reach the audit trail. For any other name, only its length.
    const known = deps.users.byName(username) !== null;
    const failed = (reason: string) =>
      deps.audit.append({
        actor: null,
        action: 'auth.login_failed',
        target: known ? username : null,
        ip,
        details: known ? { reason } : { reason, unknownName: { length: [...username].length } },
      });

    // Counted before the password is checked (see Sessions.admitAttempt): parallel guesses share one budget.
    const locked = deps.sessions.admitAttempt(username);
    if (locked > 0) {
      failed('locked');
      res.set('Retry-After', String(locked));
      throw new DomainError('login_locked', `zbyt wiele nieudanych prób logowania; spróbuj ponownie za ${minutes(locked)}`, 429);
    }
    const user = await deps.users.checkPassword(username, password);
    if (!user) {
      failed('invalid_credentials');
      throw new DomainError('invalid_credentials', 'nieprawidłowa nazwa użytkownika lub hasło', 401);
    }
    deps.sessions.recordSuccess(username);
    // Whatever session id the browser brought is dropped, never adopted.
    const old = readCookie(req, SESSION_COOKIE);
    if (old) deps.sessions.destroy(old);
    const s = deps.sessions.create(user.id, 'password');
    const actor: Actor = { userId: user.id, name: user.name, role: user.role, via: 'session', ip };
    deps.audit.append({ actor, action: 'auth.login', target: user.name, details: { via: 'password' } });
    setSessionCookie(req, res, s.id, deps.sessionMaxHours);
    res.json({ ...whoAmI(user, actor, s.csrf), expiresAt: s.expiresAt });
  });

  route(r, 'POST', '/auth/logout', (_req, res) => {
    const actor = actorOf(res);
    const s = sessionOf(res);
    if (s) {
      deps.sessions.destroyHash(s.idHash);
      deps.audit.append({ actor, action: 'auth.logout', target: actor.name, details: {} });
    }
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/' });
    res.status(204).end();
  });

  route(r, 'GET', '/auth/me', (_req, res) => {
    const actor = actorOf(res);
    res.json(whoAmI(actor, actor, sessionOf(res)?.csrf));
  });

  return r;
}
