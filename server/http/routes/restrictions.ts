/**
 * Restricted documents, for admins: list the rules, add one (a case signature, a folder or a
 * document, and the users and roles who may read it), lift one. The store validates, applies the
 * rule to the archive and records the change in the audit trail.
 */
import { Router, type Request } from 'express';
import { DomainError } from '../../errors.js';
import type { Restrictions } from '../../store/restrictions.js';
import { actorOf } from '../auth.js';
import { route } from '../route.js';

function restrictionId(req: Request): number {
  const raw = String(req.params.id ?? '');
  if (!/^[1-9][0-9]{0,11}$/.test(raw)) throw new DomainError('restriction_not_found', 'nie ma takiego ograniczenia', 404);
  return Number(raw);
}

export function restrictionRoutes(restrictions: Restrictions): Router {
  const r = Router();

  /** Active rules; `?all=1` includes lifted ones (with who lifted them and when). */
  route(r, 'GET', '/restrictions', (req, res) => {
    const all = req.query.all;
    if (all !== undefined && all !== '1' && all !== 'true') throw new DomainError('invalid_request', 'parametr all: 1 lub true');
    res.json({ restrictions: restrictions.list({ includeRemoved: all !== undefined }) });
  });

  /** `{scope: 'case'|'folder'|'document', value, principals: [{kind: 'user'|'role', value}], reason?}` */
  route(r, 'POST', '/restrictions', (req, res) => {
    res.status(201).json(restrictions.add(req.body, actorOf(res)));
  });

  route(r, 'DELETE', '/restrictions/:id', (req, res) => {
    res.json(restrictions.remove(restrictionId(req), actorOf(res)));
  });

  return r;
}
