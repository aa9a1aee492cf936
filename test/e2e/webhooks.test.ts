/**
 * Webhooks end to end: an admin subscribes three real receivers over the API, records staff upload
 * a good PDF and a broken one, and
 * - the healthy receiver gets `ingest.file.completed`, `ingest.file.failed` and
 *   `ingest.batch.completed` (then `document.restricted` once an admin restricts the document), each
 *   verified exactly as the README snippet verifies it; a stale timestamp or a changed body fails it;
 * - a receiver answering 500 first is retried and the delivery ends `delivered` after 2 attempts;
 * - a receiver that is down ends `failed` after the last attempt, with a reason that names no
 *   address or port; internal addresses the allow-list does not name are refused;
 * - no payload holds a file name, a path or text; the secret is never listed; changes are audited.
 * The dispatcher runs inside the server, as in `kwerenda serve`, with a short backoff.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { createHttpServer, createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import type { WebhookDelivery } from '../../server/store/webhooks.js';
import { sampleDir, tempDir } from '../helpers/paths.js';

/** The README's verification snippet, verbatim (headers lower-case, raw body as a string). */
function verifyKwerenda(headers: http.IncomingHttpHeaders, rawBody: string, secret: string, toleranceSec = 300, nowSec = Date.now() / 1000): boolean {
  const ts = Number(headers['x-kwerenda-timestamp']);
  if (!Number.isInteger(ts) || Math.abs(nowSec - ts) > toleranceSec) return false; // stale or replayed
  const expected = Buffer.from('sha256=' + createHmac('sha256', secret).update(`${ts}.${rawBody}`).digest('hex'));
  const got = Buffer.from(String(headers['x-kwerenda-signature'] ?? ''));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}
interface Receiver {
  url: string;
  got: Received[];
  close(): Promise<void>;
}

async function receiver(statuses: number[]): Promise<Receiver> {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(statuses[Math.min(got.length - 1, statuses.length - 1)]!).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/kwerenda`, got, close: () => new Promise((r) => server.close(() => r())) };
}

const until = async <T>(f: () => Promise<T | undefined> | T | undefined): Promise<T> => {
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
};

const GOOD_PDF = 'WUA-ZWZ.6730.2.531.2022/protokół_oględzin.pdf';
const SECRET = 'sekret-odbiorcy-testowego-0123456789abcdef';

describe('webhooks', () => {
  let dataDir: string;
  let rt: SearchRuntime;
  let server: Server;
  let base: string;
  let admin: string;
  let records: string;
  let healthy: Receiver;
  let flaky: Receiver;
  let down: Receiver;
  const ids = {} as Record<'healthy' | 'flaky' | 'down', number>;
  let generatedSecret = '';

  const call = (p: string, token: string, init: RequestInit = {}) =>
    fetch(base + p, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}) } });
  const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;
  const deliveries = (id: number) => json<{ deliveries: WebhookDelivery[] }>(call(`/api/webhooks/${id}/deliveries`, admin)).then((b) => b.deliveries);
  const events = (r: Receiver) => r.got.map((g) => JSON.parse(g.body) as { event: string; data: Record<string, unknown> });

  beforeAll(async () => {
    dataDir = tempDir('webhooks');
    // The receivers listen on loopback: reachable only because the allow-list names it.
    rt = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: dataDir, KWERENDA_WORKERS: '1', KWERENDA_WEBHOOK_ALLOW: '127.0.0.1' }), {
      logger: silentLogger,
      webhooks: { pollMs: 50, baseDelayMs: 100, maxAttempts: 3, timeoutMs: 2000 },
    });
    admin = rt.users.add('admin-webhooki', 'admin').token;
    records = rt.users.add('archiwum', 'records').token;
    server = await createHttpServer(rt, '127.0.0.1', 0);
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    healthy = await receiver([200]);
    flaky = await receiver([500, 200]);
    down = await receiver([200]);
    await down.close(); // its port now refuses connections
  }, 120_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await rt?.close();
    await healthy?.close();
    await flaky?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('an admin subscribes receivers; a generated secret is shown once and never listed', async () => {
    const all = ['ingest.file.completed', 'ingest.file.failed', 'ingest.batch.completed', 'document.restricted'];
    const add = (body: unknown) => call('/api/webhooks', admin, { method: 'POST', body: JSON.stringify(body) });
    let res = await add({ url: healthy.url, secret: SECRET, events: all });
    expect(res.status).toBe(201);
    const h = (await res.json()) as { webhook: { id: number }; secret?: string };
    expect(h.secret).toBeUndefined();
    ids.healthy = h.webhook.id;
    res = await add({ url: flaky.url, events: ['ingest.batch.completed'] });
    const f = (await res.json()) as { webhook: { id: number }; secret: string };
    expect(f.secret.length).toBeGreaterThanOrEqual(32);
    generatedSecret = f.secret;
    ids.flaky = f.webhook.id;
    ids.down = (await json<{ webhook: { id: number } }>(add({ url: down.url, secret: SECRET, events: ['ingest.batch.completed'] }))).webhook.id;

    const bad = await add({ url: 'ftp://127.0.0.1/x', secret: SECRET, events: all });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/http:\/\/ lub https:\/\//);
    // A private or link-local address the allow-list does not name is refused, in any spelling.
    for (const url of ['http://10.0.0.5:22/', 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:192.168.0.1]/', 'http://[::1]:6379/']) {
      const internal = await add({ url, secret: SECRET, events: all });
      expect(internal.status, url).toBe(400);
      expect(((await internal.json()) as { error: { code: string } }).error.code).toBe('invalid_webhook');
    }

    const listed = await call('/api/webhooks', admin).then((r) => r.text());
    expect(JSON.parse(listed).webhooks).toHaveLength(3);
    expect(listed).not.toContain(SECRET);
    expect(listed).not.toContain(generatedSecret);
    expect((await call('/api/webhooks', records)).status).toBe(403);
  });

  it('an upload with a good and a broken file sends signed ingest events with ids only', async () => {
    const fd = new FormData();
    fd.append('files', new Blob([fs.readFileSync(path.join(sampleDir, GOOD_PDF))]), path.basename(GOOD_PDF));
    fd.append('files', new Blob(['To nie jest PDF, tylko notatka z danymi Jana Kowalskiego.\n']), 'notatka_Kowalski.pdf');
    const res = await fetch(base + '/api/ingest', { method: 'POST', body: fd, headers: { authorization: `Bearer ${records}` } });
    expect(res.status).toBe(202);
    const { batchId } = (await res.json()) as { batchId: number };

    await until(() => (events(healthy).some((e) => e.event === 'ingest.batch.completed') ? true : undefined));
    const got = events(healthy);
    expect(got.map((e) => e.event).sort()).toEqual(['ingest.batch.completed', 'ingest.file.completed', 'ingest.file.failed']);
    const byEvent = Object.fromEntries(got.map((e) => [e.event, e.data]));
    expect(byEvent['ingest.file.completed']).toMatchObject({ batchId, status: 'ingested', errorCode: null });
    expect(byEvent['ingest.file.completed']!.documentId).toEqual(expect.any(Number));
    expect(byEvent['ingest.file.completed']!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(byEvent['ingest.file.failed']).toMatchObject({ batchId, status: 'failed', errorCode: 'unsupported', documentId: null });
    expect(byEvent['ingest.batch.completed']).toEqual({ batchId, files: 2, ingested: 1, present: 0, failed: 1 });

    for (const g of healthy.got) {
      expect(verifyKwerenda(g.headers, g.body, SECRET)).toBe(true);
      expect(g.headers['x-kwerenda-event']).toBe(JSON.parse(g.body).event);
      // No file names, folders, paths or text: only ids, hashes, statuses and codes.
      for (const leak of ['protok', 'notatka', 'Kowalsk', 'WUA-ZWZ', '.pdf', dataDir, '/']) expect(g.body).not.toContain(leak);
    }
  });

  it('a stale timestamp, a replayed old request or a changed body fails verification', () => {
    const g = healthy.got[0]!;
    const ts = Number(g.headers['x-kwerenda-timestamp']);
    expect(verifyKwerenda(g.headers, g.body, SECRET, 300, ts + 301)).toBe(false);
    expect(verifyKwerenda(g.headers, g.body, SECRET, 300, ts + 299)).toBe(true);
    expect(verifyKwerenda(g.headers, g.body.replace('"batchId":', '"batchId":1'), SECRET)).toBe(false);
    expect(verifyKwerenda({ ...g.headers, 'x-kwerenda-timestamp': String(ts + 1) }, g.body, SECRET, 300, ts)).toBe(false);
    expect(verifyKwerenda(g.headers, g.body, 'inny-sekret-inny-sekret-inny-sekret-00')).toBe(false);
  });

  it('a receiver answering 500 is retried and then delivered; one that is down ends failed', async () => {
    const flakyDone = await until(async () => (await deliveries(ids.flaky)).find((d) => d.status !== 'pending'));
    expect(flakyDone).toMatchObject({ event: 'ingest.batch.completed', status: 'delivered', attempts: 2, lastStatus: 200 });
    expect(flaky.got).toHaveLength(2);
    expect(flaky.got[0]!.headers['x-kwerenda-delivery']).toBe(flaky.got[1]!.headers['x-kwerenda-delivery']);
    for (const g of flaky.got) expect(verifyKwerenda(g.headers, g.body, generatedSecret)).toBe(true);

    const downDone = await until(async () => (await deliveries(ids.down)).find((d) => d.status !== 'pending'));
    expect(downDone).toMatchObject({ event: 'ingest.batch.completed', status: 'failed', attempts: 3, lastStatus: null, nextAttemptAt: null });
    expect(downDone.lastError).toBe('nie udało się połączyć');
  });

  it('a new file of a restricted case sends document.restricted for its document as it becomes searchable', async () => {
    const rule = await json<{ id: number; documents: number }>(
      call('/api/restrictions', admin, {
        method: 'POST',
        body: JSON.stringify({ scope: 'case', value: 'WUA-ZWZ.6730.2.531.2022', principals: [{ kind: 'role', value: 'supervisor' }] }),
      }),
    );
    const firstDoc = events(healthy).find((e) => e.event === 'ingest.file.completed')!.data.documentId as number;
    const forRule = () => events(healthy).filter((e) => e.event === 'document.restricted' && e.data.restrictionId === rule.id);
    expect((await until(() => forRule()[0])).data).toEqual({ restrictionId: rule.id, scope: 'case', documentIds: [firstDoc] });

    const fd = new FormData();
    fd.append('files', new Blob([fs.readFileSync(path.join(sampleDir, 'WUA-ZWZ.6730.2.531.2022/decyzja_WZ.pdf'))]), 'decyzja_WZ.pdf');
    expect((await fetch(base + '/api/ingest', { method: 'POST', body: fd, headers: { authorization: `Bearer ${records}` } })).status).toBe(202);
    const second = await until(() => forRule()[1]);
    const newDoc = events(healthy).filter((e) => e.event === 'ingest.file.completed').at(-1)!.data.documentId as number;
    expect(newDoc).not.toBe(firstDoc);
    expect(second.data).toEqual({ restrictionId: rule.id, scope: 'case', documentIds: [newDoc] });
    expect((await call(`/api/restrictions/${rule.id}`, admin, { method: 'DELETE' })).status).toBe(200);
  });

  it('restricting the document sends document.restricted; removing a webhook stops it and is audited', async () => {
    const documentId = events(healthy).find((e) => e.event === 'ingest.file.completed')!.data.documentId as number;
    const res = await call('/api/restrictions', admin, {
      method: 'POST',
      body: JSON.stringify({ scope: 'document', value: String(documentId), principals: [{ kind: 'role', value: 'supervisor' }], reason: 'sprawa sporna' }),
    });
    expect(res.status).toBe(201);
    const restrictionId = ((await res.json()) as { id: number }).id;
    const restricted = await until(() => events(healthy).find((e) => e.event === 'document.restricted' && e.data.restrictionId === restrictionId));
    expect(restricted.data).toEqual({ restrictionId, scope: 'document', documentIds: [documentId] });
    expect(healthy.got.at(-1)!.body).not.toContain('sporna');

    expect((await call(`/api/webhooks/${ids.healthy}`, admin, { method: 'DELETE' })).status).toBe(200);
    expect((await call(`/api/webhooks/${ids.healthy}`, admin, { method: 'DELETE' })).status).toBe(404);
    expect((await json<{ webhooks: { id: number }[] }>(call('/api/webhooks', admin))).webhooks.map((w) => w.id)).not.toContain(ids.healthy);
    // Its deliveries stay on record.
    expect((await deliveries(ids.healthy)).filter((d) => d.status === 'delivered').length).toBeGreaterThanOrEqual(4);

    const audit = await call('/api/audit/events?action=webhook.added', admin).then((r) => r.text());
    expect(JSON.parse(audit).events).toHaveLength(3);
    expect(audit).not.toContain(SECRET);
    expect(audit).not.toContain(generatedSecret);
    const removed = await json<{ events: { target: string }[] }>(call('/api/audit/events?action=webhook.removed', admin));
    expect(removed.events.map((e) => e.target)).toEqual([`webhook:${ids.healthy}`]);
  });
});
