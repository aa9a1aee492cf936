/**
 * A real `kwerenda serve` (the CLI, in its own process) against uploads and clients that try to
 * hurt it: names the filesystem refuses, a file and a folder of one name, anonymous bodies that
 * trickle in, uploads cut off or killed mid-way. The server keeps answering, stages what it can,
 * holds no socket for a body nobody asked for, and leaves nothing behind in staging that no batch
 * needs. It also checks what the process does at start: HSTS only over TLS, a private data folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, sampleDir, tempDir } from '../helpers/paths.js';

const env = { ...process.env, KWERENDA_PROGRESS: 'none', KWERENDA_LOG_LEVEL: 'warn', KWERENDA_WORKERS: '1' };
const PDF = fs.readFileSync(path.join(sampleDir, 'nieprzypisane/pelnomocnictwo_bez_znaku.pdf'));
const CJK = '檔'.repeat(100); // 300 bytes in UTF-8: over the 255-byte name limit

interface Served {
  child: ChildProcess;
  base: string;
  port: number;
  exited: Promise<number | null>;
}

async function serve(dataDir: string, extra: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--data', dataDir], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let err = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, port, base: `http://127.0.0.1:${port}`, exited };
}

async function stop(s: Served | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  s.child.kill(signal);
  await s.exited;
}

/** Files under `dir`, relative, sorted. */
const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((p) => fs.statSync(path.join(dir, p)).isFile()).sort() : [];

const until = async (what: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) if (await what()) return true;
  return what();
};

/** A multipart body with one file part: its head, the file, and the closing boundary. */
function multipart(name: string, content: Buffer): { type: string; head: Buffer; body: Buffer; tail: Buffer } {
  const boundary = 'kwerendaGranica';
  return {
    type: `multipart/form-data; boundary=${boundary}`,
    head: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`),
    body: content,
    tail: Buffer.from(`\r\n--${boundary}--\r\n`),
  };
}

/**
 * Sends the headers of a request and then its body one byte every 100 ms; resolves with the status
 * line the server answered and how long it took the server to close the connection (null: it
 * held it for `waitMs`).
 */
function trickle(port: number, head: string, waitMs: number): Promise<{ status: string; closedAfter: number | null }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const drip = setInterval(() => socket.writable && socket.write('a'), 100);
    const done = (closedAfter: number | null) => {
      clearInterval(drip);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ status: answer.split('\r\n')[0] ?? '', closedAfter });
    };
    const giveUp = setTimeout(() => done(null), waitMs);
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('close', () => done(Date.now() - started));
    socket.on('error', () => undefined);
    socket.write(head);
  });
}

describe('kwerenda serve against hostile uploads', () => {
  let dataDir: string;
  let token = '';
  let first: Served | undefined;
  let second: Served | undefined;

  const auth = () => ({ authorization: `Bearer ${token}` });
  const upload = (fd: FormData, s: Served) => fetch(`${s.base}/api/ingest`, { method: 'POST', body: fd, headers: auth() });
  const batch = async (s: Served, id: number) => (await (await fetch(`${s.base}/api/ingest/batches/${id}`, { headers: auth() })).json()) as { files: { id: number; name: string; status: string }[] };

  beforeAll(async () => {
    dataDir = path.join(tempDir('hostile'), 'archiwum');
    const r = spawnSync(process.execPath, [cliPath, 'users', 'add', 'rita', '--role', 'records', '--data', dataDir], { encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    token = r.stdout.trimEnd().split('\n').pop()!;
    first = await serve(dataDir, { KWERENDA_TRUST_PROXY: 'loopback' });
  }, 120_000);

  afterAll(async () => {
    await stop(first, 'SIGKILL');
    await stop(second, 'SIGKILL');
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('stages a name over 255 bytes and a file and a folder of one name, and keeps answering', async () => {
    const s = first!;
    const fd = new FormData();
    const names = ['x.pdf', 'x.pdf/y.pdf', `${CJK}/a.pdf`, `${CJK}.pdf`, 'z.pdf/w.pdf', 'z.pdf', 'zwykły.pdf'];
    for (const n of names) fd.append('files', new Blob([PDF]), n);
    const res = await upload(fd, s);
    expect(res.status).toBe(202);
    const { batchId } = (await res.json()) as { batchId: number };
    expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
    let files: { name: string; status: string }[] = [];
    const settled = async () => {
      files = (await batch(s, batchId)).files;
      return files.length === names.length && files.every((f) => f.status === 'ingested' || f.status === 'present');
    };
    expect(await until(settled, 60_000), JSON.stringify(files)).toBe(true);
    // Every file was staged under a name the filesystem takes, in its folder where it had one.
    for (const f of files) for (const seg of f.name.split('/')) expect(Buffer.byteLength(seg)).toBeLessThanOrEqual(255);
    expect(files.map((f) => f.name)).toEqual(
      expect.arrayContaining(['x.pdf', 'x (2).pdf/y.pdf', 'z.pdf/w.pdf', 'z (2).pdf', 'zwykły.pdf', `${'檔'.repeat(85)}/a.pdf`, `${'檔'.repeat(83)}.pdf`]),
    );
    expect(s.child.exitCode).toBeNull();
  }, 120_000);

  it('answers an anonymous upload at once and closes its connection, however slowly its body comes', async () => {
    const { status, closedAfter } = await trickle(
      first!.port,
      'POST /api/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 10000000\r\n\r\n',
      6_000,
    );
    expect(status).toMatch(/^HTTP\/1\.1 401/);
    expect(closedAfter).not.toBeNull();
    expect(closedAfter!).toBeLessThan(3_000);
  }, 30_000);

  it('gives an anonymous sign-in body that trickles in a 408 and closes the connection', async () => {
    const { status, closedAfter } = await trickle(
      first!.port,
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n',
      25_000,
    );
    expect(status).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfter).not.toBeNull();
  }, 40_000);

  it('still takes an authenticated upload that arrives slowly', async () => {
    const m = multipart('powoli.pdf', PDF);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${first!.base}/api/ingest`, { method: 'POST', headers: { ...auth(), 'content-type': m.type } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write(m.head);
      const chunks = [m.body.subarray(0, 1000), m.body.subarray(1000, 5000), m.body.subarray(5000)];
      let i = 0;
      const next = () => {
        if (i < chunks.length) {
          req.write(chunks[i++]);
          setTimeout(next, 700);
        } else req.end(m.tail);
      };
      next();
    });
    expect(status).toBe(202);
  }, 30_000);

  it('leaves nothing in staging of an upload cut off mid-way', async () => {
    const staging = path.join(dataDir, 'staging');
    const before = new Set(fs.existsSync(staging) ? fs.readdirSync(staging) : []);
    const m = multipart('przerwany.pdf', Buffer.alloc(400_000, 7));
    const req = http.request(`${first!.base}/api/ingest`, { method: 'POST', headers: { ...auth(), 'content-type': m.type } });
    req.on('error', () => undefined);
    req.write(m.head);
    req.write(m.body.subarray(0, 200_000));
    const fresh = () => fs.readdirSync(staging).filter((d) => !before.has(d));
    expect(await until(() => fresh().some((d) => filesUnder(path.join(staging, d)).length > 0))).toBe(true);
    req.destroy();
    expect(await until(() => fresh().length === 0), JSON.stringify(fresh())).toBe(true);
    expect((await fetch(`${first!.base}/healthz`)).status).toBe(200);
  }, 30_000);

  it('sends HSTS only for requests that came over TLS through a trusted proxy', async () => {
    const tls = await fetch(`${first!.base}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const plain = await fetch(`${first!.base}/healthz`);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });

  it('after a crash mid-upload, a restart sweeps staging but keeps a failed file for its retry', async () => {
    const staging = path.join(dataDir, 'staging');
    // A file that fails (text named .pdf) keeps its staged copy for a retry.
    const fd = new FormData();
    fd.append('files', new Blob(['To nie jest PDF.\n']), 'notatka.pdf');
    const res = await upload(fd, first!);
    expect(res.status).toBe(202);
    const { batchId } = (await res.json()) as { batchId: number };
    let failed: { id: number; status: string } | undefined;
    const settled = async () => {
      failed = (await batch(first!, batchId)).files[0];
      return failed?.status === 'failed';
    };
    expect(await until(settled, 30_000)).toBe(true);
    const kept = filesUnder(staging).filter((p) => p.endsWith('notatka.pdf'));
    expect(kept).toHaveLength(1);

    // An upload under way when the server is killed.
    const before = new Set(fs.readdirSync(staging));
    const m = multipart('w-trakcie.pdf', Buffer.alloc(400_000, 7));
    const req = http.request(`${first!.base}/api/ingest`, { method: 'POST', headers: { ...auth(), 'content-type': m.type } });
    req.on('error', () => undefined);
    req.write(m.head);
    req.write(m.body.subarray(0, 200_000));
    const fresh = () => fs.readdirSync(staging).filter((d) => !before.has(d));
    expect(await until(() => fresh().some((d) => filesUnder(path.join(staging, d)).length > 0))).toBe(true);
    await stop(first, 'SIGKILL');
    req.destroy();
    expect(filesUnder(staging).some((p) => p.endsWith('w-trakcie.pdf'))).toBe(true);

    // An archive made readable to others (as older versions left it; see the next test) …
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(path.join(dataDir, 'kwerenda.db'), 0o644);
    second = await serve(dataDir);
    // … is swept of what no batch needs, and keeps the failed file's copy for its retry.
    expect(filesUnder(staging)).toEqual(kept);
    const retry = await fetch(`${second.base}/api/ingest/files/${failed!.id}/retry`, { method: 'POST', headers: auth() });
    expect(retry.status).toBe(202);
  }, 120_000);

  it('makes an archive readable to others private again at start: folder 0700, database and files 0600', async () => {
    expect(second).toBeDefined();
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const f of ['kwerenda.db', 'kwerenda.db-wal']) expect(fs.statSync(path.join(dataDir, f)).mode & 0o777).toBe(0o600);
    for (const f of filesUnder(path.join(dataDir, 'files'))) expect(fs.statSync(path.join(dataDir, 'files', f)).mode & 0o077).toBe(0);
  });

  it('does not take a forwarded "https" from a proxy it was not told to trust', async () => {
    const spoofed = await fetch(`${second!.base}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(spoofed.headers.get('strict-transport-security')).toBeNull();
  });
});
