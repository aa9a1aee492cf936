/**
 * Sends recorded webhook deliveries (server/store/webhooks.ts). Each request is a POST of the
 * stored JSON body, signed with HMAC-SHA256 over `"<timestamp>.<raw body>"` with the webhook's
 * secret, so a receiver can check both who sent it and that it is recent (replay window). A 2xx
 * answer delivers; anything else (another status, a redirect — never followed —, a refused
 * connection, a timeout) is retried with exponential backoff up to `maxAttempts`, then the delivery
 * is `failed`. Every attempt is recorded on the delivery row.
 *
 * The dispatcher runs in `kwerenda serve` (server/main.ts createHttpServer). Events recorded by
 * `kwerenda ingest` or `kwerenda worker` wait in the archive until a server sends them.
 */
import { createHmac } from 'node:crypto';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { Db } from '../store/db.js';
import { Webhooks, type DueDelivery } from '../store/webhooks.js';

export { enqueueWebhookEvent as emit, WEBHOOK_EVENTS, type WebhookEvent } from '../store/webhooks.js';

/** `sha256=<hex>`: the value of X-Kwerenda-Signature for `body` sent at `timestamp` (Unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** How the dispatcher paces itself; every field has a production default. */
export interface DispatcherOptions {
  /** How often due deliveries are looked for (ms). Default 2000. */
  pollMs: number;
  /** Per-request timeout (ms). Default 10000. */
  timeoutMs: number;
  /** First retry delay (ms); attempt n waits base × 2^(n-1). Default 10000. */
  baseDelayMs: number;
  /** Attempts before a delivery is `failed`. Default 8 (the last one ≈ 21 min after the first). */
  maxAttempts: number;
  /** The clock (ms since the epoch); injected by tests. */
  now: () => number;
  logger: Logger;
}

export const DEFAULT_DISPATCHER: Readonly<DispatcherOptions> = {
  pollMs: 2000,
  timeoutMs: 10_000,
  baseDelayMs: 10_000,
  maxAttempts: 8,
  now: () => Date.now(),
  logger: silentLogger,
};

export class WebhookDispatcher {
  readonly store: Webhooks;
  private readonly opts: DispatcherOptions;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;

  constructor(db: Db, opts: Partial<DispatcherOptions> = {}) {
    this.store = new Webhooks(db);
    this.opts = { ...DEFAULT_DISPATCHER, ...opts };
  }

  /** Starts polling; idempotent. The timer does not keep the process alive. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Stops polling and waits for the round in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Sends every delivery due now, once; returns how many were attempted. */
  async runOnce(): Promise<number> {
    const now = this.opts.now();
    const due = this.store.claimDue(now, this.opts.timeoutMs + 5000);
    await Promise.all(due.map((d) => this.send(d)));
    return due.length;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().catch((e: unknown) => {
        this.opts.logger.error('webhooks.round_failed', { error: e instanceof Error ? e.message : String(e) });
        return 0;
      });
      void this.running.then(() => this.schedule());
    }, this.opts.pollMs);
    this.timer.unref();
  }

  private async send(d: DueDelivery): Promise<void> {
    const timestamp = Math.floor(this.opts.now() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'kwerenda-webhooks/1',
          'x-kwerenda-event': d.event,
          'x-kwerenda-delivery': d.id,
          'x-kwerenda-timestamp': String(timestamp),
          'x-kwerenda-signature': signWebhook(d.secret, timestamp, d.body),
        },
        body: d.body,
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (status < 200 || status >= 300) error = `odpowiedź HTTP ${status}`;
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      error = e instanceof Error && e.name === 'TimeoutError' ? 'przekroczono limit czasu' : `błąd połączenia${cause ? ` (${cause})` : ''}`;
    }
    const attempt = d.attempts + 1;
    const ok = error === null;
    const retryAt = ok || attempt >= this.opts.maxAttempts ? null : this.opts.now() + this.opts.baseDelayMs * 2 ** (attempt - 1);
    this.store.recordAttempt(d.id, { ok, status, error, retryAt, at: this.opts.now() });
    // Ids and outcomes only: never the body, the secret or the URL's query.
    const fields = { deliveryId: d.id, event: d.event, attempt, status, final: ok || retryAt === null };
    if (ok) this.opts.logger.info('webhooks.delivered', fields);
    else this.opts.logger.warn('webhooks.attempt_failed', { ...fields, error });
  }
}
