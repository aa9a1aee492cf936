/**
 * Single sign-on routes. `GET /api/auth/options` tells the login page which ways in exist;
 * `GET /api/auth/oidc/login` sends the browser to the city's identity provider;
 * `GET /api/auth/oidc/callback` takes it back, finds the user by the provider's subject (or creates
 * it), keeps its role in step with the group mapping, and starts a session exactly like a password
 * login. A user is never matched to an existing local account by name: that would let whoever
 * controls a name at the provider take over a local account.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { DomainError } from '../../errors.js';
import { OidcClient, SsoError, STATE_COOKIE, STATE_TTL_MS, type SsoIdentity } from '../../security/oidc.js';
import type { AuditLog } from '../../store/audit-log.js';
import type { Sessions } from '../../store/sessions.js';
import type { Actor, User, Users } from '../../store/users.js';
import { clientIp, readCookie, SESSION_COOKIE } from '../auth.js';
import { route } from '../route.js';
import { setSessionCookie } from './auth.js';

export interface OidcRouteDeps {
  /** The configured provider; without it SSO is off and its routes answer 404 `sso_disabled`. */
  oidc?: OidcClient;
  users: Users;
  sessions: Sessions;
  audit: AuditLog;
  sessionMaxHours: number;
  /** Rate limit in front of the callback (shared with the password login). */
  limiter?: RequestHandler;
}

/** Who creates SSO users and updates their roles in the audit trail. */
export const SSO_ACTOR: Actor = Object.freeze({ userId: null, name: 'sso', role: 'admin' as const, via: 'system' as const });

/** `name`, else `name-sso`, `name-sso2`…: the first not taken by anyone (case-insensitive, so `Anna` never shadows `anna`). */
export function uniqueUserName(users: Users, base: string): string {
  const taken = new Set(users.list().map((u) => u.name.toLowerCase()));
  for (let i = 0; i < 1000; i++) {
    const name = i === 0 ? base : `${base}-sso${i === 1 ? '' : i}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
  throw new DomainError('user_exists', `nie można nadać unikalnej nazwy użytkownikowi ${base}`, 409);
}

/** The local user of this identity: found by subject or created; its role follows the group mapping. */
export function provisionSsoUser(users: Users, id: SsoIdentity): User {
  const user = users.bySubject(id.subject);
  if (!user) return users.addSso(uniqueUserName(users, id.username), id.role, id.subject, SSO_ACTOR);
  if (user.disabled) {
    throw new SsoError('account_disabled', 'konto jest zablokowane w kwerendzie; skontaktuj się z administratorem', 403, 'disabled', user.name);
  }
  return user.role === id.role ? user : users.setRole(user.name, id.role, SSO_ACTOR);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A browser that navigated here reads a page; a script reads the usual JSON error. */
function refuse(req: Request, res: Response, err: DomainError): void {
  res.status(err.status);
  if (req.accepts(['json', 'html']) !== 'html') {
    res.json({ error: { code: err.code, message: err.message } });
    return;
  }
  // Relative link: the callback sits three folders below the UI, also behind a path prefix.
  res.type('html').send(
    `<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>Logowanie nie powiodło się — kwerenda</title></head>` +
      `<body><h1>Logowanie nie powiodło się</h1><p>${escapeHtml(err.message)}</p>` +
      `<p><a href="../../../">Wróć do strony logowania</a></p></body></html>`,
  );
}

function queryOf(req: Request): string {
  const q = req.originalUrl.indexOf('?');
  return q < 0 ? '' : req.originalUrl.slice(q + 1);
}

export function oidcRoutes(deps: OidcRouteDeps): Router {
  const r = Router();
  const pass: RequestHandler = (_req, _res, next) => next();
  const provider = (): OidcClient => {
    if (!deps.oidc) throw new DomainError('sso_disabled', 'logowanie przez system miejski (SSO) nie jest włączone w tej instalacji', 404);
    return deps.oidc;
  };
  const stateCookie = (req: Request, oidc: OidcClient) =>
    ({ httpOnly: true, sameSite: 'lax', secure: req.secure, path: oidc.cookiePath }) as const;

  route(r, 'GET', '/auth/options', (_req, res) => {
    res.json({ password: true, sso: deps.oidc !== undefined });
  });

  route(r, 'GET', '/auth/oidc/login', async (req, res) => {
    try {
      const oidc = provider();
      const { url, cookie } = await oidc.begin(req.query.returnTo);
      // Lax, not Strict: the provider's redirect back is a cross-site navigation that must carry it.
      res.cookie(STATE_COOKIE, cookie, { ...stateCookie(req, oidc), maxAge: STATE_TTL_MS });
      res.redirect(302, url);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      refuse(req, res, err);
    }
  });

  route(r, 'GET', '/auth/oidc/callback', deps.limiter ?? pass, async (req, res) => {
    let oidc: OidcClient;
    try {
      oidc = provider();
    } catch (err) {
      refuse(req, res, err as DomainError);
      return;
    }
    const ip = clientIp(req);
    // The login state is single-use whatever happens next.
    res.clearCookie(STATE_COOKIE, stateCookie(req, oidc));
    try {
      const id = await oidc.finish(queryOf(req), readCookie(req, STATE_COOKIE));
      const user = provisionSsoUser(deps.users, id);
      // Whatever session id the browser brought is dropped, never adopted.
      const old = readCookie(req, SESSION_COOKIE);
      if (old) deps.sessions.destroy(old);
      const s = deps.sessions.create(user.id, 'oidc');
      const actor: Actor = { userId: user.id, name: user.name, role: user.role, via: 'session', ip };
      deps.audit.append({ actor, action: 'auth.login', target: user.name, details: { via: 'oidc', group: id.group } });
      setSessionCookie(req, res, s.id, deps.sessionMaxHours);
      res.redirect(302, oidc.basePath + id.returnTo);
    } catch (err) {
      if (!(err instanceof SsoError)) throw err;
      deps.audit.append({ actor: null, action: 'auth.login_failed', target: err.username ?? null, ip, details: { via: 'oidc', reason: err.reason } });
      refuse(req, res, err);
    }
  });

  return r;
}
