/**
 * Who is calling, and may they. `identify` reads a bearer token (scripts) or the session cookie
 * (the browser) and puts the actor on `res.locals`; `guard` — attached to every route by
 * `route()` from the permission table — refuses anonymous callers (401), callers without the
 * permission (403) and cookie-authenticated state changes without the session's CSRF token (403).
 * Bearer requests need no CSRF token: a browser never attaches the Authorization header by itself.
 * Every refusal — and a token that does not authenticate — is recorded as `auth.denied` within the
 * budget of server/security/denials.ts (never the token).
 */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError } from '../errors.js';
import { DenialLog } from '../security/denials.js';
import { can, forbiddenMessage, type Access } from '../security/permissions.js';
import type { Sessions } from '../store/sessions.js';
import type { Actor, Users } from '../store/users.js';

export const SESSION_COOKIE = 'kw_session';
export const CSRF_HEADER = 'x-csrf-token';

interface Locals {
  actor?: Actor;
  session?: { idHash: string; csrf: string };
  /** Where the guard records refusals (set by `identify`). */
  denials?: DenialLog;
}

/** The value of one cookie from the Cookie header (no library needed for reading one name). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function identify(users: Users, sessions: Sessions): RequestHandler {
  const denials = DenialLog.of(users.audit);
  return (req: Request, res: Response, next: NextFunction) => {
    const locals = res.locals as Locals;
    locals.denials = denials;
    const header = req.get('authorization');
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const actor = m ? users.authenticate(m[1]!) : null;
      if (!actor) {
        // Before routing: the path stands for the route (a query string is never recorded).
        denials.record({ actor: null, ip: clientIp(req), method: req.method, route: req.baseUrl + req.path, status: 401, reason: m ? 'invalid_token' : 'invalid_header' });
        res.set('WWW-Authenticate', 'Bearer realm="kwerenda"');
        next(new DomainError('unauthorized', m ? 'nieprawidłowy lub wygasły token' : 'nieprawidłowy nagłówek Authorization (oczekiwano: Bearer …)', 401));
        return;
      }
      locals.actor = { ...actor, ip: clientIp(req) };
      next();
      return;
    }
    const cookie = readCookie(req, SESSION_COOKIE);
    const s = cookie ? sessions.resolve(cookie) : null;
    if (s) {
      locals.actor = { ...s.actor, ip: clientIp(req) };
      locals.session = { idHash: s.idHash, csrf: s.csrf };
    }
    next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The access check of one route. `path` is the route's pattern, recorded with a refusal (the
 * request's own path may carry ids; the pattern says which route was refused).
 */
export function guard(access: Access, path = ''): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (access === 'public') {
      next();
      return;
    }
    const { actor, session, denials } = res.locals as Locals;
    /** Records the refusal and returns its error, to be thrown. */
    const deny = (reason: string, err: DomainError): DomainError => {
      denials?.record({ actor: actor ?? null, ip: clientIp(req), method: req.method, route: req.baseUrl + path, status: err.status, reason });
      return err;
    };
    if (!actor) {
      res.set('WWW-Authenticate', 'Bearer realm="kwerenda"');
      throw deny('unauthenticated', new DomainError('unauthorized', 'wymagane zalogowanie', 401));
    }
    if (session && !SAFE_METHODS.has(req.method)) {
      const sent = req.get(CSRF_HEADER);
      if (!sent || !sameSecret(sent, session.csrf)) {
        throw deny('csrf', new DomainError('csrf', 'brak lub nieprawidłowy token CSRF; odśwież stronę i spróbuj ponownie', 403));
      }
    }
    if (access !== 'authenticated' && !can(actor.role, access)) {
      throw deny('forbidden', new DomainError('forbidden', forbiddenMessage(access), 403));
    }
    next();
  };
}

export function actorOf(res: Response): Actor {
  const a = (res.locals as Locals).actor;
  if (!a) throw new DomainError('unauthorized', 'wymagane zalogowanie', 401);
  return a;
}

export function sessionOf(res: Response): { idHash: string; csrf: string } | undefined {
  return (res.locals as Locals).session;
}
