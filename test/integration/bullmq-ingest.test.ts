/**
 * Scaled-out ingest on one machine: BullMQ on a real redis-server, `kwerenda worker` child
 * processes sharing one embedded SQLite archive, `kwerenda ingest` with REDIS_URL enqueuing and
 * waiting. A worker killed with -9 in the middle of a document loses nothing: another worker
 * takes the job over and the document is stored exactly once, with all its pages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, sampleDir, tempDir } from '../helpers/paths.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

interface Proc {
  child: ChildProcess;
  log: () => string;
  exit: Promise<number | null>;
}

function cli(args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, log: () => out, exit };
}

/** Ledger file ids a worker's log reports as finished. */
function completedBy(p: Proc): number[] {
  return [...p.log().matchAll(/ingest-file:(\d+) \(próba \d+\/\d+\): zakończone/g)].map((m) => Number(m[1]));
}

async function until(what: string, check: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function readDb<T>(dataDir: string, fn: (db: Database.Database) => T): T | null {
  const file = path.join(dataDir, 'kwerenda.db');
  if (!fs.existsSync(file)) return null;
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    return fn(db);
  } catch {
    return null; // a writer may hold a lock for a moment: the caller polls again
  } finally {
    db?.close();
  }
}

function archive(dataDir: string) {
  return readDb(dataDir, (db) => ({
    docs: db
      .prepare(
        `SELECT source_path AS path, status, page_count,
           (SELECT COUNT(*) FROM pages p WHERE p.document_id = d.id) AS pages,
           (SELECT COUNT(DISTINCT p.page) FROM pages p WHERE p.document_id = d.id) AS distinctPages
         FROM documents d ORDER BY source_path`,
      )
      .all() as { path: string; status: string; page_count: number; pages: number; distinctPages: number }[],
    integrity: db.pragma('integrity_check', { simple: true }),
  }))!;
}

describe('BullMQ ingest with kwerenda worker processes (real redis-server, shared SQLite archive)', () => {
  let redis: TestRedis;
  const procs: Proc[] = [];
  const dirs: string[] = [];
  // Each test its own Redis database (the server is shared by the file's tests).
  const envFor = (db: number): NodeJS.ProcessEnv => ({
    ...process.env,
    REDIS_URL: `${redis.url}/${db}`,
    KWERENDA_PROGRESS: 'lines',
    KWERENDA_WORKERS: '1',
    KWERENDA_PAGE_TIMEOUT_S: '90',
  });
  const start = (args: string[], env: NodeJS.ProcessEnv) => {
    const p = cli(args, env);
    procs.push(p);
    return p;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await redis?.stop();
    dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });

  it('refuses to start a worker without REDIS_URL (exit 2, Polish message)', async () => {
    const env = { ...process.env };
    delete env.REDIS_URL;
    const d = tempDir('bull-noredis');
    dirs.push(d);
    const p = cli(['worker', '--data', d], env);
    expect(await p.exit).toBe(2);
    expect(p.log()).toContain('ustaw REDIS_URL');
  });

  it('two workers share one batch; ingest waits for it and exits 0; workers stop gracefully', async () => {
    const data = tempDir('bull-share');
    dirs.push(data);
    const env = envFor(1);
    const w1 = start(['worker', '--data', data], env);
    const w2 = start(['worker', '--data', data], env);
    await until('workers ready', () => w1.log().includes('gotowy') && w2.log().includes('gotowy'));
    const ingest = start(['ingest', sampleDir, '--data', data, '--json'], env);
    expect(await ingest.exit, ingest.log()).toBe(0);
    const summary = JSON.parse(ingest.log().trim().split('\n').filter((l) => l.startsWith('{')).pop()!) as {
      summary: { files: number; ingested: number; failed: number };
    };
    expect(summary.summary).toMatchObject({ files: 12, ingested: 12, failed: 0 });
    const a = completedBy(w1);
    const b = completedBy(w2);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const arch = archive(data);
    expect(arch.integrity).toBe('ok');
    expect(arch.docs).toHaveLength(12);
    expect(arch.docs.every((d) => d.status === 'ready' && d.pages === d.page_count && d.distinctPages === d.pages)).toBe(true);
    w1.child.kill('SIGTERM');
    w2.child.kill('SIGTERM');
    expect(await w1.exit).toBe(0);
    expect(await w2.exit).toBe(0);
  }, 600_000);

  it('ingest --no-wait returns once enqueued; a worker started later finishes and closes the batch, with its --case', async () => {
    const data = tempDir('bull-nowait');
    dirs.push(data);
    const env = envFor(3);
    const input = path.join(sampleDir, 'WUA-ZWZ.6730.2.531.2022');
    const ingest = start(['ingest', input, '--data', data, '--no-wait', '--case', 'WUA-TEST.1.2.2024'], env);
    expect(await ingest.exit, ingest.log()).toBe(0);
    const batchId = Number(/Partia (\d+): w kolejce 3 plików/.exec(ingest.log())?.[1]);
    expect(batchId).toBeGreaterThan(0);
    // Nothing ran yet: no worker is up, and the ingesting process did not run jobs itself.
    expect(readDb(data, (db) => db.prepare('SELECT COUNT(*) AS n FROM documents').get())).toEqual({ n: 0 });
    // Another ingest meanwhile must not close the handed-over batch as interrupted.
    const other = start(['ingest', path.join(sampleDir, 'nieprzypisane'), '--data', data, '--no-wait'], env);
    expect(await other.exit, other.log()).toBe(0);
    const worker = start(['worker', '--data', data], env);
    const batch = () =>
      readDb(data, (db) => db.prepare('SELECT status FROM batches WHERE id = ?').get(batchId) as { status: string }) ?? null;
    await until('the batch closed by the worker', () => batch()?.status === 'done', 300_000);
    expect(completedBy(worker).length).toBe(4);
    const files = readDb(data, (db) => db.prepare('SELECT status FROM ingest_files WHERE batch_id = ?').all(batchId));
    expect(files).toEqual([{ status: 'ingested' }, { status: 'ingested' }, { status: 'ingested' }]);
    const cases = readDb(data, (db) =>
      db.prepare('SELECT DISTINCT case_number AS c FROM documents WHERE source_path LIKE ?').all(`${input}%`),
    );
    expect(cases).toEqual([{ c: 'WUA-TEST.1.2.2024' }]);
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toBe(0);
  }, 600_000);

  it('refuses --no-wait without REDIS_URL', async () => {
    const env = { ...process.env };
    delete env.REDIS_URL;
    const d = tempDir('bull-nowait-noredis');
    dirs.push(d);
    const p = cli(['ingest', sampleDir, '--data', d, '--no-wait'], env);
    expect(await p.exit).toBe(2);
    expect(p.log()).toContain('REDIS_URL');
  });

  it('a worker killed with -9 mid-document: another worker recovers the job, the document is stored once with all pages', async () => {
    const data = tempDir('bull-kill');
    dirs.push(data);
    const env = envFor(2);
    const input = path.join(sampleDir, 'UA-AB_7351_650_2010'); // three 2-page scans
    const victim = start(['worker', '--data', data], env);
    await until('victim ready', () => victim.log().includes('gotowy'));
    const ingest = start(['ingest', input, '--data', data], env);
    // Kill as soon as a document has some, but not all, of its pages stored.
    let halfDone: string | null = null;
    await until('a half-stored document', () => {
      halfDone =
        readDb(data, (db) => {
          const r = db
            .prepare(
              `SELECT source_path FROM documents d WHERE status = 'staging'
                 AND (SELECT COUNT(*) FROM pages p WHERE p.document_id = d.id) BETWEEN 1 AND d.page_count - 1`,
            )
            .get() as { source_path: string } | undefined;
          return r?.source_path ?? null;
        }) ?? null;
      return halfDone !== null;
    }, 300_000);
    victim.child.kill('SIGKILL');
    await victim.exit;
    const rescuer = start(['worker', '--data', data], env);
    expect(await ingest.exit, ingest.log()).toBe(0);
    expect(ingest.log()).toMatch(/dodano 3, już w archiwum 0, błędy 0/);
    // The half-done file's job was finished by the rescuer, not lost and not failed.
    const fileId = readDb(data, (db) => (db.prepare('SELECT id FROM ingest_files WHERE path = ?').get(halfDone) as { id: number }).id);
    expect(completedBy(rescuer)).toContain(fileId);
    const arch = archive(data);
    expect(arch.integrity).toBe('ok');
    expect(arch.docs.map((d) => d.path)).toEqual(fs.readdirSync(input).map((f) => path.join(input, f)).sort());
    for (const d of arch.docs) {
      expect(d).toMatchObject({ status: 'ready', page_count: 2, pages: 2, distinctPages: 2 });
    }
    rescuer.child.kill('SIGTERM');
    expect(await rescuer.exit).toBe(0);
  }, 600_000);
});
