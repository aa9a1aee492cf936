/**
 * Webhooks cannot be turned against the server's own network, and their secrets are not in the
 * database: a URL naming loopback or a private address is refused when added (400, with a message
 * that does not echo the network), an address that became internal after it was added (a changed
 * allow-list, a name re-pointed at loopback) is refused at send time without a byte reaching it,
 * failures name no address, port or error code, the secret column holds no secret, secrets an
 * older archive stored in clear are sealed at start and still sign, and a lost key fails the
 * delivery with a reason instead of crashing.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/paths.js';
import { DomainError } from '../errors.js';
import { openDb, write, type Db } from '../store/db.js';
import { SYSTEM_ACTOR } from '../store/users.js';
import { enqueueWebhookEvent } from '../store/webhooks.js';
import { signWebhook, WebhookDispatcher } from './webhooks.service.js';

const SECRET = 's'.repeat(40);

async function receiver(): Promise<{ port: number; got: { headers: http.IncomingHttpHeaders; body: string }[]; close(): Promise<void> }> {
  const got: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, got, close: () => new Promise((r) => server.close(() => r())) };
}

describe('webhook targets and secrets', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = tempDir('webhooks-security');
    db = openDb(dir);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const dispatcher = (allow: string[] = [], secretsKeyFile: string | null = null) =>
    new WebhookDispatcher(db, { allow, secretsKeyFile, maxAttempts: 1, timeoutMs: 2000 });
  const emit = () => write(db, () => enqueueWebhookEvent(db, 'ingest.batch.completed', { batchId: 1 }));
  const add = (d: WebhookDispatcher, url: string) => d.store.add({ url, secret: SECRET, events: ['ingest.batch.completed'] }, SYSTEM_ACTOR);

  it('refuses internal addresses when a webhook is added, unless the allow-list names them', async () => {
    const d = dispatcher();
    for (const url of ['http://127.0.0.1:22/', 'http://2130706433/', 'http://[::ffff:10.0.0.5]/', 'http://localhost:6379/', 'http://169.254.169.254/latest/']) {
      const err = await add(d, url).then(() => null, (e: unknown) => e);
      expect(err, url).toBeInstanceOf(DomainError);
      expect(err, url).toMatchObject({ code: 'invalid_webhook', status: 400 });
      expect((err as Error).message).toMatch(/sieć wewnętrzna lub lokalna.*KWERENDA_WEBHOOK_ALLOW/);
    }
    expect(d.store.list()).toEqual([]);
    expect((await add(dispatcher(['127.0.0.1']), 'http://127.0.0.1:22/')).webhook.url).toBe('http://127.0.0.1:22/');
  });

  it('refuses at send time an address that is no longer allowed, by IP or by name, without reaching it', async () => {
    const r = await receiver();
    try {
      await add(dispatcher(['127.0.0.1']), `http://127.0.0.1:${r.port}/ip`);
      await add(dispatcher(['localhost']), `http://localhost:${r.port}/name`);
      emit();
      const strict = dispatcher();
      expect(await strict.runOnce()).toBe(2);
      expect(r.got).toEqual([]);
      for (const id of [1, 2]) {
        const [del] = strict.store.deliveries(id);
        expect(del).toMatchObject({ status: 'failed', lastStatus: null });
        expect(del!.lastError).toMatch(/^adres niedozwolony/);
        expect(del!.lastError).not.toMatch(/127\.0\.0\.1|localhost|::1|\d{4,5}|\bE[A-Z]{4,}\b/);
      }
    } finally {
      await r.close();
    }
  });

  it('stores secrets sealed, seals those an older archive kept in clear at start, and they still sign', async () => {
    const r = await receiver();
    try {
      const d = dispatcher(['127.0.0.1']);
      await add(d, `http://127.0.0.1:${r.port}/a`);
      const stored = db.prepare('SELECT secret, secret_sealed FROM webhooks').get() as { secret: string; secret_sealed: number };
      expect(stored.secret_sealed).toBe(1);
      expect(stored.secret).not.toContain(SECRET);
      expect(fs.readFileSync(db.name).includes(Buffer.from(SECRET))).toBe(false);
      // An archive from before sealing: the secret in clear.
      const OLD = 'stary-sekret-w-bazie-0123456789abcdef';
      db.prepare("INSERT INTO webhooks(url, secret, events, created_by) VALUES (?, ?, '[\"ingest.batch.completed\"]', 'admin')").run(`http://127.0.0.1:${r.port}/old`, OLD);
      emit();
      const restarted = dispatcher(['127.0.0.1']);
      restarted.start();
      await restarted.stop();
      expect(db.prepare('SELECT count(*) FROM webhooks WHERE secret_sealed = 0 OR secret = ?').pluck().get(OLD)).toBe(0);
      expect(await restarted.runOnce()).toBe(2);
      const signedWith = (g: { headers: http.IncomingHttpHeaders; body: string }, secret: string) =>
        g.headers['x-kwerenda-signature'] === signWebhook(secret, Number(g.headers['x-kwerenda-timestamp']), g.body);
      expect(r.got).toHaveLength(2);
      expect(r.got.filter((g) => signedWith(g, SECRET))).toHaveLength(1);
      expect(r.got.filter((g) => signedWith(g, OLD))).toHaveLength(1);
    } finally {
      await r.close();
    }
  });

  it('a key file outside the data directory is made 0600 on first use; another key fails the delivery with a reason', async () => {
    const keyDir = tempDir('webhooks-key');
    try {
      const keyFile = path.join(keyDir, 'kwerenda-secrets.key');
      await add(dispatcher(['127.0.0.1'], keyFile), 'http://127.0.0.1:9/a');
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(fs.existsSync(path.join(dir, 'secrets.key'))).toBe(false);
      emit();
      const other = dispatcher(['127.0.0.1'], path.join(keyDir, 'inny.key'));
      expect(await other.runOnce()).toBe(1);
      expect(other.store.deliveries(1)[0]).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/nie można odczytać sekretu/) });
    } finally {
      fs.rmSync(keyDir, { recursive: true, force: true });
    }
  });
});
