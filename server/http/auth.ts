/**
 * Bearer-token authentication for every /api route. The actor is attached to `res.locals.actor`.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError } from '../errors.js';
import type { Actor, Users } from '../store/users.js';

export function authenticate(users: Users): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const actor = m ? users.authenticate(m[1]!) : null;
    if (!actor) {
      res.set('WWW-Authenticate', 'Bearer realm="kwerenda"');
      next(new DomainError('unauthorized', m ? 'nieprawidłowy lub wygasły token' : 'wymagane uwierzytelnienie (nagłówek Authorization: Bearer …)', 401));
      return;
    }
    res.locals.actor = actor;
    next();
  };
}

export function actorOf(res: Response): Actor {
  const a = res.locals.actor as Actor | undefined;
  if (!a) throw new DomainError('unauthorized', 'wymagane uwierzytelnienie', 401);
  return a;
}
