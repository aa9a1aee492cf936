/**
 * The dispatcher against real local receivers, on a real archive database, with an injected clock:
 * signatures verify, a 500 is retried on the backoff schedule and then delivered, a receiver that
 * is down ends `failed` after the last attempt, a redirect is not followed, and only subscribed
 * events are recorded.
 */
import fs from 'node:fs';
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/paths.js';
import { openDb, write, type Db } from '../store/db.js';
import { SYSTEM_ACTOR } from '../store/users.js';
import { enqueueWebhookEvent, type Webhooks } from '../store/webhooks.js';
import { signWebhook, WebhookDispatcher } from './webhooks.service.js';

const SECRET = 'x'.repeat(40);

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver answering with the given statuses in turn (the last one repeats). */
async function receiver(statuses: number[], extra: Record<string, string> = {}): Promise<{ url: string; got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(statuses[Math.min(got.length - 1, statuses.length - 1)]!, extra).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hook`, got, close: () => new Promise((r) => server.close(() => r())) };
}

describe('WebhookDispatcher', () => {
  let dir: string;
  let db: Db;
  let store: Webhooks;
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    dir = tempDir('webhooks-unit');
    db = openDb(dir);
    store = dispatcher().store;
    now = Date.parse('2026-03-02T10:00:00Z');
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // The receivers listen on loopback, which only an allow-list entry makes reachable.
  const dispatcher = (allow: string[] = ['127.0.0.1']) => new WebhookDispatcher(db, { now: clock, baseDelayMs: 10_000, maxAttempts: 3, timeoutMs: 2000, allow });
  const emit = () => write(db, () => enqueueWebhookEvent(db, 'ingest.file.completed', { batchId: 1, fileId: 2, documentId: 3 }, now));

  it('signs "<timestamp>.<body>" with the secret and sends the event headers', async () => {
    const r = await receiver([204]);
    try {
      await store.add({ url: r.url, secret: SECRET, events: ['ingest.file.completed'] }, SYSTEM_ACTOR);
      expect(emit()).toBe(1);
      expect(await dispatcher().runOnce()).toBe(1);
      const [req] = r.got;
      const ts = Number(req!.headers['x-kwerenda-timestamp']);
      expect(ts).toBe(Math.floor(now / 1000));
      expect(req!.headers['x-kwerenda-signature']).toBe(signWebhook(SECRET, ts, req!.body));
      expect(req!.headers['x-kwerenda-signature']).not.toBe(signWebhook('y'.repeat(40), ts, req!.body));
      expect(req!.headers['x-kwerenda-event']).toBe('ingest.file.completed');
      const payload = JSON.parse(req!.body) as { deliveryId: string; data: unknown };
      expect(req!.headers['x-kwerenda-delivery']).toBe(payload.deliveryId);
      expect(payload.data).toEqual({ batchId: 1, fileId: 2, documentId: 3 });
      const [d] = store.deliveries(1);
      expect(d).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 204, lastError: null });
    } finally {
      await r.close();
    }
  });

  it('retries a 500 after base × 2^(n-1) and records the delivery once it succeeds', async () => {
    const r = await receiver([500, 500, 200]);
    try {
      await store.add({ url: r.url, secret: SECRET, events: ['ingest.file.completed'] }, SYSTEM_ACTOR);
      emit();
      const d = dispatcher();
      expect(await d.runOnce()).toBe(1);
      expect(store.deliveries(1)[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500, nextAttemptAt: new Date(now + 10_000).toISOString() });
      now += 9_999;
      expect(await d.runOnce()).toBe(0);
      now += 1;
      expect(await d.runOnce()).toBe(1);
      expect(store.deliveries(1)[0]).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: new Date(now + 20_000).toISOString() });
      now += 20_000;
      expect(await d.runOnce()).toBe(1);
      expect(store.deliveries(1)[0]).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200 });
      expect(r.got).toHaveLength(3);
      // The same delivery id and body each time: the receiver can de-duplicate.
      expect(new Set(r.got.map((g) => g.body)).size).toBe(1);
      expect(await d.runOnce()).toBe(0);
    } finally {
      await r.close();
    }
  });

  it('gives up on a receiver that is down after the last attempt, with a reason that names no address, port or error code', async () => {
    const r = await receiver([200]);
    const url = r.url;
    await r.close(); // nothing listens there any more
    await store.add({ url, secret: SECRET, events: ['ingest.file.completed'] }, SYSTEM_ACTOR);
    emit();
    const d = dispatcher();
    for (let i = 0; i < 3; i++) {
      expect(await d.runOnce()).toBe(1);
      now += 60_000;
    }
    expect(store.deliveries(1)[0]).toMatchObject({ status: 'failed', attempts: 3, lastStatus: null, nextAttemptAt: null });
    expect(store.deliveries(1)[0]!.lastError).toBe('nie udało się połączyć');
    expect(await d.runOnce()).toBe(0);
  });

  it('does not follow a redirect: a 302 counts as a failed attempt', async () => {
    const target = await receiver([200]);
    const r = await receiver([302], { location: target.url });
    try {
      await store.add({ url: r.url, secret: SECRET, events: ['ingest.file.completed'] }, SYSTEM_ACTOR);
      emit();
      await dispatcher().runOnce();
      expect(store.deliveries(1)[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 302 });
      expect(target.got).toHaveLength(0);
    } finally {
      await r.close();
      await target.close();
    }
  });

  it('records an event only for active webhooks subscribed to it, and refuses bad URLs and short secrets', async () => {
    await store.add({ url: 'http://127.0.0.1:1/a', secret: SECRET, events: ['ingest.file.failed'] }, SYSTEM_ACTOR);
    const b = await store.add({ url: 'https://example.invalid/b', events: ['ingest.file.completed'] }, SYSTEM_ACTOR);
    expect(b.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(store.list())).not.toContain(b.secret);
    expect(emit()).toBe(1);
    store.remove(b.webhook.id, SYSTEM_ACTOR);
    expect(emit()).toBe(0);
    for (const bad of [
      { url: 'file:///etc/passwd', events: ['ingest.file.failed'] },
      { url: 'https://user:pw@example.invalid/', events: ['ingest.file.failed'] },
      { url: 'https://example.invalid/', secret: 'short', events: ['ingest.file.failed'] },
      { url: 'https://example.invalid/', events: ['document.deleted'] },
    ]) {
      await expect(store.add(bad, SYSTEM_ACTOR)).rejects.toThrow(/nieprawidłowe pole/);
    }
  });
});
