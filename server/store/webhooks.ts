/**
 * Webhooks: URLs an admin subscribes to events of the archive, and one delivery row per event and
 * subscribed webhook. Deliveries are written by `enqueueWebhookEvent` inside the transaction that
 * caused the event (the ledger, the restrictions store), so an event is recorded exactly when its
 * cause is committed; the dispatcher (server/services/webhooks.service.ts) sends them later.
 *
 * Payloads carry ids, hashes, statuses and error codes only: never a file path (folder names can
 * hold personal data), never document text or names. The secret is stored sealed by a SecretBox
 * (server/services/webhook-secrets.ts: a key outside the database; it signs every delivery, so it
 * cannot be a hash), is returned by `add` only when it was generated, and is never listed or
 * logged. Where a webhook may point is the caller's policy (`checkTarget`), checked on `add`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../errors.js';
import { AuditLog } from './audit-log.js';
import { write, type Db } from './db.js';
import type { Actor } from './users.js';

export const WEBHOOK_EVENTS = ['ingest.file.completed', 'ingest.file.failed', 'ingest.batch.completed', 'document.restricted'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What an event says: ids, hashes, statuses, counts and error codes only. */
export type WebhookData = Record<string, string | number | boolean | null | number[]>;

/** The JSON body of a delivery, exactly as signed and sent. */
export interface WebhookPayload {
  event: WebhookEvent;
  deliveryId: string;
  occurredAt: string;
  data: WebhookData;
}

/** A webhook as listed (never with its secret). */
export interface Webhook {
  id: number;
  url: string;
  events: WebhookEvent[];
  createdBy: string | null;
  createdAt: string;
  disabledAt: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One delivery of one event to one webhook, with its attempts so far. */
export interface WebhookDelivery {
  id: string;
  webhookId: number;
  event: WebhookEvent;
  payload: WebhookPayload;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due (ISO), while pending. */
  nextAttemptAt: string | null;
  /** HTTP status of the last answer, if any came. */
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** A new webhook as the API sends it; without `secret` one is generated and returned once. */
export const zNewWebhook = z
  .object({
    url: z
      .string()
      .trim()
      .max(2000)
      .refine((u) => {
        try {
          const p = new URL(u);
          return (p.protocol === 'http:' || p.protocol === 'https:') && !p.username && !p.password;
        } catch {
          return false;
        }
      }, 'adres musi zaczynać się od http:// lub https:// (bez loginu i hasła w adresie)'),
    secret: z.string().min(32, 'sekret: co najmniej 32 znaki').max(256).optional(),
    events: z.array(z.enum(WEBHOOK_EVENTS, { error: `zdarzenia: ${WEBHOOK_EVENTS.join(', ')}` })).min(1, 'podaj co najmniej jedno zdarzenie'),
  })
  .strict();
export type NewWebhook = z.infer<typeof zNewWebhook>;

interface HookRow {
  id: number;
  url: string;
  secret: string;
  secret_sealed: number;
  events: string;
  created_by: string | null;
  created_at: string;
  disabled_at: string | null;
}

interface DeliveryRow {
  id: string;
  webhook_id: number;
  event: WebhookEvent;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** A due delivery with what the dispatcher needs to send it. */
export interface DueDelivery {
  id: string;
  event: WebhookEvent;
  body: string;
  attempts: number;
  url: string;
  /** The secret as stored: open it with the store's SecretBox (`openSecret`). */
  sealedSecret: string;
  leaseUntil: number;
}

/** Seals secrets for storage and opens them to sign (server/services/webhook-secrets.ts). */
export interface SecretSealer {
  seal(secret: string): string;
  open(sealed: string): string;
}

export interface WebhooksOptions {
  audit?: AuditLog;
  box: SecretSealer;
  /** Throws a DomainError when a webhook may not point at `url` (addresses the server must not reach). */
  checkTarget?: (url: URL) => Promise<void>;
}

const toWebhook = (r: HookRow): Webhook => ({
  id: r.id,
  url: r.url,
  events: JSON.parse(r.events) as WebhookEvent[],
  createdBy: r.created_by,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
});

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  webhookId: r.webhook_id,
  event: r.event,
  payload: JSON.parse(r.payload) as WebhookPayload,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at === null ? null : new Date(r.next_attempt_at).toISOString(),
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

/**
 * Records `event` for every active webhook subscribed to it, inside the caller's transaction.
 * One scan of the (small) webhooks table: next to nothing when there are no webhooks.
 */
export function enqueueWebhookEvent(db: Db, event: WebhookEvent, data: WebhookData, now = Date.now()): number {
  const hooks = db.prepare('SELECT id, events FROM webhooks WHERE disabled_at IS NULL').all() as Pick<HookRow, 'id' | 'events'>[];
  let n = 0;
  const ins = db.prepare(
    "INSERT INTO webhook_deliveries(id, webhook_id, event, payload, status, next_attempt_at) VALUES (?, ?, ?, ?, 'pending', ?)",
  );
  for (const h of hooks) {
    if (!(JSON.parse(h.events) as string[]).includes(event)) continue;
    const deliveryId = randomUUID();
    const payload: WebhookPayload = { event, deliveryId, occurredAt: new Date(now).toISOString(), data };
    ins.run(deliveryId, h.id, event, JSON.stringify(payload), now);
    n++;
  }
  return n;
}

/** The URL as the audit trail records it: no query string or fragment (they may carry tokens). */
const auditUrl = (u: string) => {
  const p = new URL(u);
  return `${p.origin}${p.pathname}`;
};

export class Webhooks {
  private readonly audit: AuditLog;
  private readonly box: SecretSealer;
  private readonly checkTarget: (url: URL) => Promise<void>;

  constructor(
    private readonly db: Db,
    opts: WebhooksOptions,
  ) {
    this.audit = opts.audit ?? new AuditLog(db);
    this.box = opts.box;
    this.checkTarget = opts.checkTarget ?? (async () => undefined);
  }

  /** Validates and stores a webhook; `secret` is in the answer only when it was generated here. */
  async add(input: unknown, by: Actor): Promise<{ webhook: Webhook; secret?: string }> {
    const parsed = zNewWebhook.safeParse(input);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new DomainError('invalid_webhook', `nieprawidłowe pole ${i.path.join('.') || 'webhooka'}: ${i.message}`);
    }
    const generated = parsed.data.secret === undefined;
    const secret = parsed.data.secret ?? randomBytes(32).toString('base64url');
    const events = [...new Set(parsed.data.events)];
    const url = new URL(parsed.data.url).toString();
    await this.checkTarget(new URL(url));
    const sealed = this.box.seal(secret);
    return write(this.db, () => {
      const id = Number(
        this.db
          .prepare('INSERT INTO webhooks(url, secret, secret_sealed, events, created_by) VALUES (?, ?, 1, ?, ?)')
          .run(url, sealed, JSON.stringify(events), by.name).lastInsertRowid,
      );
      this.audit.append({ actor: by, action: 'webhook.added', target: `webhook:${id}`, details: { id, url: auditUrl(url), events } });
      return { webhook: this.get(id)!, ...(generated ? { secret } : {}) };
    });
  }

  /** Disables a webhook: nothing more is recorded or sent to it; its deliveries stay on record. */
  remove(id: number, by: Actor): Webhook {
    return write(this.db, () => {
      const w = this.get(id);
      if (!w || w.disabledAt !== null) throw new DomainError('webhook_not_found', `nie ma aktywnego webhooka ${id}`, 404);
      this.db.prepare("UPDATE webhooks SET disabled_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(id);
      this.db
        .prepare("UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = 'webhook usunięty' WHERE webhook_id = ? AND status = 'pending'")
        .run(id);
      this.audit.append({ actor: by, action: 'webhook.removed', target: `webhook:${id}`, details: { id, url: auditUrl(w.url), events: w.events } });
      return this.get(id)!;
    });
  }

  get(id: number): Webhook | null {
    if (!Number.isSafeInteger(id)) return null;
    const r = this.db.prepare('SELECT * FROM webhooks WHERE id = ?').get(id) as HookRow | undefined;
    return r ? toWebhook(r) : null;
  }

  /** Active webhooks, oldest first. */
  list(): Webhook[] {
    return (this.db.prepare('SELECT * FROM webhooks WHERE disabled_at IS NULL ORDER BY id').all() as HookRow[]).map(toWebhook);
  }

  /** The newest deliveries of a webhook (active or removed), newest first. */
  deliveries(webhookId: number, limit = 100): WebhookDelivery[] {
    if (!this.get(webhookId)) throw new DomainError('webhook_not_found', `nie ma webhooka ${webhookId}`, 404);
    return (
      this.db.prepare('SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?').all(webhookId, limit) as DeliveryRow[]
    ).map(toDelivery);
  }

  /**
   * Claims up to `limit` deliveries due at `now` for `leaseMs` (another dispatcher sharing the
   * archive skips them meanwhile; a crashed one's lease simply runs out).
   */
  claimDue(now: number, leaseMs: number, limit = 20): DueDelivery[] {
    return write(this.db, () => {
      const rows = this.db
        .prepare(
          `SELECT d.id, d.event, d.payload, d.attempts, w.url, w.secret FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
           WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND w.secret_sealed = 1 ORDER BY d.next_attempt_at LIMIT ?`,
        )
        .all(now, limit) as { id: string; event: WebhookEvent; payload: string; attempts: number; url: string; secret: string }[];
      const lease = this.db.prepare('UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?');
      return rows.map((r) => {
        lease.run(now + leaseMs, r.id);
        return { id: r.id, event: r.event, body: r.payload, attempts: r.attempts, url: r.url, sealedSecret: r.secret, leaseUntil: now + leaseMs };
      });
    });
  }

  /** The secret of a due delivery, to sign it; throws when it was sealed under another key. */
  openSecret(d: DueDelivery): string {
    return this.box.open(d.sealedSecret);
  }

  /** Seals every secret still stored in clear (archives from before sealing); returns how many. */
  sealStoredSecrets(): number {
    return write(this.db, () => {
      const rows = this.db.prepare('SELECT id, secret FROM webhooks WHERE secret_sealed = 0').all() as Pick<HookRow, 'id' | 'secret'>[];
      const upd = this.db.prepare('UPDATE webhooks SET secret = ?, secret_sealed = 1 WHERE id = ? AND secret_sealed = 0');
      for (const r of rows) upd.run(this.box.seal(r.secret), r.id);
      return rows.length;
    });
  }

  /** Records one attempt: delivered, due again at `retryAt`, or failed for good (`retryAt` null). */
  recordAttempt(id: string, outcome: { ok: boolean; status: number | null; error: string | null; retryAt: number | null; at: number }): void {
    const status: DeliveryStatus = outcome.ok ? 'delivered' : outcome.retryAt === null ? 'failed' : 'pending';
    write(this.db, () =>
      this.db
        .prepare(
          `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_status = ?, last_error = ?,
             delivered_at = ? WHERE id = ? AND status = 'pending'`,
        )
        .run(
          status,
          outcome.ok ? null : outcome.retryAt,
          outcome.status,
          outcome.error === null ? null : outcome.error.slice(0, 255),
          outcome.ok ? new Date(outcome.at).toISOString() : null,
          id,
        ),
    );
  }
}
