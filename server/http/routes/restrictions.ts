/**
 * Restricted documents, for admins: list the rules, add one (a case signature, a folder or a
 * document, and the users and roles who may read it), lift one. The store validates, applies the
 * rule to the archive and records the change in the audit trail.
 */
import { Router, type Request } from 'express';
import { DomainError } from '../../errors.js';
import type { Restrictions } from '../../store/restrictions.js';
import { actorOf } from '../auth.js';
import { invalidRequest, parseParams, zRestrictionParams, zRestrictionsQuery } from '../params.js';
import { route } from '../route.js';

function restrictionId(req: Request): number {
  return parseParams(zRestrictionParams, req.params, () => new DomainError('restriction_not_found', 'nie ma takiego ograniczenia', 404)).id;
}

/**
 * `applied`: scaled out, waits until the search index (Elasticsearch) applies the change, so no
 * answer says a rule exists while searches still ignore it; a failure is a 503 (the rule is kept
 * and applied by the next sync).
 */
export function restrictionRoutes(restrictions: Restrictions, applied: () => Promise<void> = async () => {}): Router {
  const r = Router();

  /** Active rules; `?all=1` includes lifted ones (with who lifted them and when). */
  route(r, 'GET', '/restrictions', (req, res) => {
    const { all } = parseParams(zRestrictionsQuery, req.query, invalidRequest);
    res.json({ restrictions: restrictions.list({ includeRemoved: all !== undefined }) });
  });

  /** `{scope: 'case'|'folder'|'document', value, principals: [{kind: 'user'|'role', value}], reason?}` */
  route(r, 'POST', '/restrictions', async (req, res) => {
    const added = restrictions.add(req.body, actorOf(res));
    await applied();
    res.status(201).json(added);
  });

  route(r, 'DELETE', '/restrictions/:id', async (req, res) => {
    const removed = restrictions.remove(restrictionId(req), actorOf(res));
    await applied();
    res.json(removed);
  });

  return r;
}
