/**
 * OCR on machines without the archive: the archive host ingests with KWERENDA_OCR_ENGINE=remote and
 * `kwerenda worker --ocr` child processes — given no usable data dir — recognise the pages over a
 * real redis-server. The text stored is the text a local ingest stores; an OCR worker killed with
 * -9 mid-page loses nothing: another takes the page over and the document is stored once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cer } from '../../ingest/text/metrics.js';
import { cliPath, sampleDir, tempDir } from '../helpers/paths.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

interface Proc {
  child: ChildProcess;
  log: () => string;
  exit: Promise<number | null>;
}

function cli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Proc {
  const child = spawn(process.execPath, [cliPath, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, log: () => out, exit };
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface StoredPage {
  path: string;
  page: number;
  text: string;
  engine: string | undefined;
}

function storedPages(dataDir: string): { docs: number; pages: StoredPage[] } {
  const db = new Database(path.join(dataDir, 'kwerenda.db'), { readonly: true, fileMustExist: true });
  try {
    const docs = (db.prepare(`SELECT COUNT(*) AS n FROM documents WHERE status = 'ready'`).get() as { n: number }).n;
    const rows = db
      .prepare('SELECT d.source_path AS path, p.page, p.text, p.corrections FROM pages p JOIN documents d ON d.id = p.document_id ORDER BY path, page')
      .all() as { path: string; page: number; text: string; corrections: string }[];
    return { docs, pages: rows.map((r) => ({ ...r, engine: (JSON.parse(r.corrections) as { engine?: string }).engine })) };
  } finally {
    db.close();
  }
}

const ocrDone = (p: Proc) => [...p.log().matchAll(/ocr [0-9a-f]{12}… \(próba \d+\): zakończone/g)].length;

describe('remote OCR: `kwerenda worker --ocr` without a data dir (real redis-server)', () => {
  let redis: TestRedis;
  const procs: Proc[] = [];
  const dirs: string[] = [];
  const start = (args: string[], env: NodeJS.ProcessEnv, cwd?: string) => {
    const p = cli(args, env, cwd);
    procs.push(p);
    return p;
  };
  const dir = (name: string) => {
    const d = tempDir(name);
    dirs.push(d);
    return d;
  };
  /** The archive host: ingest and its worker send OCR to the queue. */
  const hostEnv = (db: number): NodeJS.ProcessEnv => ({
    ...process.env,
    REDIS_URL: `${redis.url}/${db}`,
    KWERENDA_OCR_ENGINE: 'remote',
    KWERENDA_REMOTE_OCR_SLOTS: '2',
    KWERENDA_PROGRESS: 'lines',
    KWERENDA_WORKERS: '1',
    KWERENDA_PAGE_TIMEOUT_S: '90',
  });
  /** An OCR machine: Redis only; the data dir it is given does not exist and must not be created. */
  const ocrEnv = (db: number, missingDataDir: string): NodeJS.ProcessEnv => ({
    ...process.env,
    REDIS_URL: `${redis.url}/${db}`,
    KWERENDA_DATA_DIR: missingDataDir,
    KWERENDA_WORKERS: '1',
  });

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await redis?.stop();
    dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });

  it('a scanned TIFF ingested with remote OCR stores the same text as a local ingest; the OCR worker writes no file', async () => {
    const input = path.join(sampleDir, 'UA-AB_7351_650_2010', 'odwołanie.tif'); // two scanned pages
    const home = dir('ocr-home'); // the OCR worker's working directory: ./data would land here
    const missing = path.join(dir('ocr-nodata'), 'nie-ma', 'data');
    const ocr = start(['worker', '--ocr'], ocrEnv(1, missing), home);
    await until('ocr worker ready', () => ocr.log().includes('gotowy (tylko OCR)'));
    const data = dir('remote-host');
    const host = start(['worker', '--data', data], hostEnv(1));
    await until('ingest worker ready', () => host.log().includes('gotowy'));
    const ingest = start(['ingest', input, '--data', data, '--json'], hostEnv(1));
    expect(await ingest.exit, ingest.log()).toBe(0);

    const local = dir('remote-local');
    const localEnv: NodeJS.ProcessEnv = { ...process.env, KWERENDA_PROGRESS: 'none', KWERENDA_WORKERS: '1' };
    delete localEnv.REDIS_URL;
    delete localEnv.KWERENDA_OCR_ENGINE;
    const ref = start(['ingest', input, '--data', local], localEnv);
    expect(await ref.exit, ref.log()).toBe(0);

    const remote = storedPages(data);
    const embedded = storedPages(local);
    expect(remote.docs).toBe(1);
    expect(remote.pages).toHaveLength(2);
    expect(remote.pages.every((p) => p.engine === 'remote')).toBe(true);
    for (const [i, p] of remote.pages.entries()) {
      expect(p.text.length).toBeGreaterThan(200);
      expect(cer(embedded.pages[i]!.text, p.text)).toBeLessThan(0.01);
    }
    expect(ocrDone(ocr)).toBeGreaterThanOrEqual(2);

    ocr.child.kill('SIGTERM');
    host.child.kill('SIGTERM');
    expect(await ocr.exit).toBe(0);
    expect(await host.exit).toBe(0);
    expect(fs.existsSync(path.dirname(path.dirname(missing)))).toBe(true);
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
    expect(fs.readdirSync(home)).toEqual([]);
  }, 600_000);

  it('an OCR worker killed with -9 mid-page: a second one recovers the page, the document is stored once', async () => {
    const input = path.join(sampleDir, 'WUA-ZRB.6743.1.2043.2016', 'zgłoszenie.png'); // one scanned page
    const missing = path.join(dir('ocr-nodata2'), 'data');
    const victim = start(['worker', '--ocr'], ocrEnv(2, missing), dir('ocr-home2'));
    await until('victim ready', () => victim.log().includes('gotowy (tylko OCR)'));
    const data = dir('remote-kill');
    const host = start(['worker', '--data', data], hostEnv(2));
    await until('ingest worker ready', () => host.log().includes('gotowy'));
    const conn = new Redis(`${redis.url}/2`, { maxRetriesPerRequest: null });
    const queue = new Queue('ocr-page', { connection: conn, prefix: 'kwerenda' });
    try {
      const ingest = start(['ingest', input, '--data', data, '--json'], hostEnv(2));
      await until('a page being recognised', async () => (await queue.getActiveCount()) > 0, 300_000);
      victim.child.kill('SIGKILL');
      await victim.exit;
      expect(ocrDone(victim)).toBe(0);
      const rescuer = start(['worker', '--ocr'], ocrEnv(2, missing), dir('ocr-home3'));
      expect(await ingest.exit, ingest.log()).toBe(0);
      expect(ocrDone(rescuer)).toBeGreaterThanOrEqual(1);
      const stored = storedPages(data);
      expect(stored.docs).toBe(1);
      expect(stored.pages).toHaveLength(1);
      expect(stored.pages[0]!.text.length).toBeGreaterThan(100);
      expect(fs.existsSync(missing)).toBe(false);
      // Nothing of the page is left in Redis once read.
      expect(await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed')).toEqual({
        waiting: 0,
        active: 0,
        completed: 0,
        failed: 0,
        delayed: 0,
      });
      rescuer.child.kill('SIGTERM');
      expect(await rescuer.exit).toBe(0);
      host.child.kill('SIGTERM');
      expect(await host.exit).toBe(0);
    } finally {
      await queue.close();
      conn.disconnect();
    }
  }, 600_000);

  it('refuses KWERENDA_OCR_ENGINE=remote without REDIS_URL (configuration problem, exit 2)', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, KWERENDA_OCR_ENGINE: 'remote' };
    delete env.REDIS_URL;
    const p = cli(['ingest', sampleDir, '--data', dir('remote-noredis')], env);
    expect(await p.exit).toBe(2);
    expect(p.log()).toContain('KWERENDA_OCR_ENGINE=remote needs REDIS_URL');
  });
});
