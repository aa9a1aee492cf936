import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { IngestError } from '../errors.js';
import { openDb, type Db } from '../store/db.js';
import { tempDir } from '../../test/helpers/paths.js';
import { SqliteQueue } from './sqlite-queue.js';

describe('the embedded job queue (real SQLite)', () => {
  const dirs: string[] = [];
  const dbs: Db[] = [];
  const fresh = () => {
    const d = tempDir('queue');
    dirs.push(d);
    const db = openDb(d);
    dbs.push(db);
    return db;
  };
  afterEach(() => {
    dbs.splice(0).forEach((db) => db.close());
    dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });

  it('runs each job once, up to the concurrency asked for', async () => {
    const q = new SqliteQueue(fresh());
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    q.process('ingest-file', {
      run: async (job) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        done.push(job.payload.fileId);
        running--;
      },
      onFailed: () => undefined,
    }, { concurrency: 2 });
    const ids = [1, 2, 3, 4, 5].map((n) => `f:${n}`);
    for (const [i, id] of ids.entries()) await q.add('ingest-file', { fileId: i + 1 }, { jobId: id, attempts: 1 });
    await q.add('ingest-file', { fileId: 1 }, { jobId: 'f:1', attempts: 1 }); // duplicate id while queued
    await q.settled(ids);
    await q.close();
    expect(done.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });

  it('retries a transient failure, and gives up at once on a permanent one', async () => {
    const db = fresh();
    const q = new SqliteQueue(db);
    const calls = new Map<number, number>();
    const failed: number[] = [];
    q.process('ingest-file', {
      run: async (job) => {
        const n = (calls.get(job.payload.fileId) ?? 0) + 1;
        calls.set(job.payload.fileId, n);
        if (job.payload.fileId === 1 && n === 1) throw new IngestError('timeout', 'slow', false);
        if (job.payload.fileId === 2) throw new IngestError('encrypted', 'needs a password');
      },
      onFailed: (job) => void failed.push(job.payload.fileId),
    }, { concurrency: 1 });
    await q.add('ingest-file', { fileId: 1 }, { jobId: 'a', attempts: 3 });
    await q.add('ingest-file', { fileId: 2 }, { jobId: 'b', attempts: 3 });
    await q.settled(['a', 'b']);
    await q.close();
    expect(calls.get(1)).toBe(2);
    expect(calls.get(2)).toBe(1);
    expect(failed).toEqual([2]);
    const rows = db.prepare('SELECT id, status, attempts FROM jobs ORDER BY id').all();
    expect(rows).toEqual([
      { id: 'a', status: 'completed', attempts: 2 },
      { id: 'b', status: 'failed', attempts: 1 },
    ]);
  });

  it('rejects a payload that does not match its schema', async () => {
    const q = new SqliteQueue(fresh());
    await expect(q.add('ingest-file', { fileId: -1 }, { jobId: 'x', attempts: 1 })).rejects.toThrow();
    await q.close();
  });

  it('puts back a job left active by a process that died, without counting the lost run', async () => {
    const db = fresh();
    db.prepare(
      "INSERT INTO jobs(id, name, payload, status, attempts, max_attempts, owner_pid, owner_host) VALUES ('z', 'ingest-file', '{\"fileId\":7}', 'active', 1, 2, 2147483000, ?)",
    ).run((await import('node:os')).hostname());
    const q = new SqliteQueue(db);
    const seen: number[] = [];
    q.process('ingest-file', { run: async (j) => void seen.push(j.attempt), onFailed: () => undefined }, { concurrency: 1 });
    await q.settled(['z']);
    await q.close();
    expect(seen).toEqual([1]);
  });
});
