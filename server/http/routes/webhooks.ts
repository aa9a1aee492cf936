/**
 * Webhooks, for admins: list them, subscribe a URL to events, remove one, and read its recent
 * deliveries. The store validates (the URL against where webhooks may be sent, see
 * services/webhook-target.ts) and records every change in the audit trail; secrets never leave it
 * except once, in the answer that generated them.
 */
import { Router, type Request } from 'express';
import { DomainError } from '../../errors.js';
import type { Webhooks } from '../../store/webhooks.js';
import { actorOf } from '../auth.js';
import { parseParams, zWebhookParams } from '../params.js';
import { route } from '../route.js';

function webhookId(req: Request): number {
  return parseParams(zWebhookParams, req.params, () => new DomainError('webhook_not_found', 'nie ma takiego webhooka', 404)).id;
}

export function webhookRoutes(webhooks: Webhooks): Router {
  const r = Router();

  route(r, 'GET', '/webhooks', (_req, res) => {
    res.json({ webhooks: webhooks.list() });
  });

  /** `{url, events: [...], secret?}` → 201 `{webhook, secret?}` (secret only when generated). */
  route(r, 'POST', '/webhooks', async (req, res) => {
    res.status(201).json(await webhooks.add(req.body, actorOf(res)));
  });

  route(r, 'DELETE', '/webhooks/:id', (req, res) => {
    res.json({ webhook: webhooks.remove(webhookId(req), actorOf(res)) });
  });

  route(r, 'GET', '/webhooks/:id/deliveries', (req, res) => {
    res.json({ deliveries: webhooks.deliveries(webhookId(req)) });
  });

  return r;
}
