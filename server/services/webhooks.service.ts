/**
 * Sends recorded webhook deliveries (server/store/webhooks.ts). Each request is a POST of the
 * stored JSON body, signed with HMAC-SHA256 over `"<timestamp>.<raw body>"` with the webhook's
 * secret, so a receiver can check both who sent it and that it is recent (replay window). A 2xx
 * answer delivers; anything else (another status, a redirect — never followed —, a refused
 * connection, a timeout, an address the target policy refuses) is retried with exponential backoff
 * up to `maxAttempts`, then the delivery is `failed`. Every attempt is recorded on the delivery row,
 * in words that say what an admin can act on but not what the network looks like from the server
 * ("nie udało się połączyć", the HTTP status): never an error code, an address or a port.
 *
 * Requests go out through node:http(s) with the target policy's lookup (webhook-target.ts), so the
 * socket connects only to an address that was checked at that moment.
 *
 * The dispatcher runs in `kwerenda serve` (server/main.ts createHttpServer). Events recorded by
 * `kwerenda ingest` or `kwerenda worker` wait in the archive until a server sends them.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import type { Config } from '../config.js';
import { DomainError } from '../errors.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { Db } from '../store/db.js';
import { Webhooks, type DueDelivery } from '../store/webhooks.js';
import { fileSecretBox } from './webhook-secrets.js';
import { TargetPolicy, TargetRefused } from './webhook-target.js';

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
  /** KWERENDA_WEBHOOK_ALLOW: hosts, addresses and ranges reachable besides public addresses. */
  allow: readonly string[];
  /** The key that seals secrets; default `secrets.key` beside the database. */
  secretsKeyFile: string | null;
}

export const DEFAULT_DISPATCHER: Readonly<DispatcherOptions> = {
  pollMs: 2000,
  timeoutMs: 10_000,
  baseDelayMs: 10_000,
  maxAttempts: 8,
  now: () => Date.now(),
  logger: silentLogger,
  allow: [],
  secretsKeyFile: null,
};

/** The dispatcher settings of a configuration (KWERENDA_WEBHOOK_ALLOW, KWERENDA_SECRETS_KEY_FILE). */
export function webhookSettings(config: Readonly<Config>): Pick<DispatcherOptions, 'allow' | 'secretsKeyFile'> {
  return { allow: config.webhooks.allow, secretsKeyFile: config.webhooks.secretsKeyFile };
}

/** What a failed attempt records: enough to act on, nothing about the network behind the server. */
const FAILURE = {
  refused: 'adres niedozwolony: sieć wewnętrzna lub lokalna (administrator serwera może go dopuścić w KWERENDA_WEBHOOK_ALLOW)',
  connect: 'nie udało się połączyć',
  secret: 'nie można odczytać sekretu webhooka (inny klucz KWERENDA_SECRETS_KEY_FILE?); dodaj webhook ponownie',
} as const;

export class WebhookDispatcher {
  readonly store: Webhooks;
  private readonly opts: DispatcherOptions;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;

  private readonly policy: TargetPolicy;

  constructor(db: Db, opts: Partial<DispatcherOptions> = {}) {
    this.opts = { ...DEFAULT_DISPATCHER, ...opts };
    this.policy = new TargetPolicy(this.opts.allow);
    const keyFile = this.opts.secretsKeyFile ?? path.join(path.dirname(db.name), 'secrets.key');
    this.store = new Webhooks(db, {
      box: fileSecretBox(keyFile),
      checkTarget: async (url) => {
        try {
          await this.policy.check(url);
        } catch (e) {
          if (!(e instanceof TargetRefused)) throw e;
          throw new DomainError('invalid_webhook', `nieprawidłowe pole url: ${FAILURE.refused}`);
        }
      },
    });
  }

  /**
   * Starts polling; idempotent. The timer does not keep the process alive. Secrets an older
   * archive stored in clear are sealed first.
   */
  start(): void {
    if (!this.stopped) return;
    const sealed = this.store.sealStoredSecrets();
    if (sealed > 0) this.opts.logger.info('webhooks.secrets_sealed', { webhooks: sealed });
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
    let cause: string | undefined;
    try {
      const secret = this.openSecret(d);
      status = await this.post(d, {
        'content-type': 'application/json',
        'user-agent': 'kwerenda-webhooks/1',
        'x-kwerenda-event': d.event,
        'x-kwerenda-delivery': d.id,
        'x-kwerenda-timestamp': String(timestamp),
        'x-kwerenda-signature': signWebhook(secret, timestamp, d.body),
      });
      if (status < 200 || status >= 300) error = `odpowiedź HTTP ${status}`;
    } catch (e) {
      cause = (e as { code?: string }).code ?? (e instanceof Error ? e.name : undefined);
      error = (e as { code?: string }).code === new TargetRefused().code ? FAILURE.refused : e instanceof SecretUnreadable ? FAILURE.secret : FAILURE.connect;
    }
    const attempt = d.attempts + 1;
    const ok = error === null;
    const retryAt = ok || attempt >= this.opts.maxAttempts ? null : this.opts.now() + this.opts.baseDelayMs * 2 ** (attempt - 1);
    this.store.recordAttempt(d.id, { ok, status, error, retryAt, at: this.opts.now() });
    // Ids and outcomes only: never the body, the secret or the URL's query.
    const fields = { deliveryId: d.id, event: d.event, attempt, status, final: ok || retryAt === null };
    if (ok) this.opts.logger.info('webhooks.delivered', fields);
    else this.opts.logger.warn('webhooks.attempt_failed', { ...fields, error, ...(cause ? { cause } : {}) });
  }

  private openSecret(d: DueDelivery): string {
    try {
      return this.store.openSecret(d);
    } catch {
      throw new SecretUnreadable();
    }
  }

  /**
   * POSTs the delivery and resolves with the answer's status. Connects only to addresses the policy
   * allows (an address in the URL is checked here, a name by the lookup); redirects are not followed.
   */
  private post(d: DueDelivery, headers: Record<string, string>): Promise<number> {
    const url = new URL(d.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host) && !this.policy.allows(host, host)) return Promise.reject(new TargetRefused());
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise<number>((resolve, reject) => {
      const req = send(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(d.body)) },
        lookup: this.policy.lookupFor(host),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy(); // the answer's body is not read
      });
      req.end(d.body);
    });
  }
}

/** The stored secret cannot be opened with the configured key. */
class SecretUnreadable extends Error {}
