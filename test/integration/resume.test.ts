/**
 * Nothing is lost: a real `kill -9` of a child ingest process in the middle of a multi-page scanned
 * document, then the same command again, gives exactly the archive an uninterrupted run gives —
 * every document once, every page once, no half document ever searchable. A third run changes
 * nothing ("already present").
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, sampleDir, tempDir } from '../helpers/paths.js';

const env = { ...process.env, KWERENDA_PROGRESS: 'lines', KWERENDA_WORKERS: '2' };

function openRo(dataDir: string): Database.Database | null {
  const file = path.join(dataDir, 'kwerenda.db');
  if (!fs.existsSync(file)) return null;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    return db;
  } catch {
    return null;
  }
}

function snapshot(dataDir: string) {
  const db = new Database(path.join(dataDir, 'kwerenda.db'), { readonly: true });
  try {
    const docs = db
      .prepare('SELECT sha256, status, page_count, (SELECT COUNT(*) FROM pages p WHERE p.document_id = d.id) AS pages FROM documents d ORDER BY sha256')
      .all() as { sha256: string; status: string; page_count: number; pages: number }[];
    const chunks = (db.prepare('SELECT COUNT(*) AS n FROM chunks').get() as { n: number }).n;
    const chunkDocs = (db.prepare('SELECT COUNT(DISTINCT document_id) AS n FROM chunks').get() as { n: number }).n;
    const integrity = db.pragma('integrity_check', { simple: true });
    return { docs, chunks, chunkDocs, integrity };
  } finally {
    db.close();
  }
}

function runCli(args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { env, encoding: 'utf8', timeout: 600_000 });
}

describe('kill -9 in the middle of a batch, then resume', () => {
  const killedDir = tempDir('killed');
  const cleanDir = tempDir('clean');
  let sawStaging = false;
  let stagingHadChunks = false;

  beforeAll(async () => {
    const child = spawn(process.execPath, [cliPath, 'ingest', sampleDir, '--data', killedDir], { env, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // Kill as soon as a scanned multi-page document is part-way through its pages.
    const deadline = Date.now() + 300_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 40));
      const db = openRo(killedDir);
      if (!db) continue;
      try {
        const partial = db
          .prepare(
            `SELECT d.id, (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) AS chunks
             FROM documents d WHERE d.status = 'staging' AND d.page_count > 1
               AND (SELECT COUNT(*) FROM pages p WHERE p.document_id = d.id) BETWEEN 1 AND d.page_count - 1`,
          )
          .all() as { id: number; chunks: number }[];
        if (partial.length) {
          sawStaging = true;
          stagingHadChunks = partial.some((p) => p.chunks > 0);
          child.kill('SIGKILL');
          break;
        }
      } catch {
        // the writer may hold a lock for a moment: poll again
      } finally {
        db.close();
      }
    }
    await exited;
    const resumed = runCli(['ingest', sampleDir, '--data', killedDir]);
    expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
    const clean = runCli(['ingest', sampleDir, '--data', cleanDir]);
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);
  }, 900_000);

  afterAll(() => {
    fs.rmSync(killedDir, { recursive: true, force: true });
    fs.rmSync(cleanDir, { recursive: true, force: true });
  });

  it('was killed while a document was half-stored, and that document was not searchable', () => {
    expect(sawStaging).toBe(true);
    expect(stagingHadChunks).toBe(false);
  });

  it('ends with the same archive as an uninterrupted run', () => {
    const a = snapshot(killedDir);
    const b = snapshot(cleanDir);
    expect(a.integrity).toBe('ok');
    expect(a.docs).toEqual(b.docs);
    expect(a.docs.every((d) => d.status === 'ready' && d.pages === d.page_count)).toBe(true);
    expect(a.chunkDocs).toBe(a.docs.length);
    expect(a.chunks).toBe(b.chunks);
  });

  it('a third run adds nothing and reports every file as already present', () => {
    const before = snapshot(killedDir);
    const again = runCli(['ingest', sampleDir, '--data', killedDir, '--json']);
    expect(again.status, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout.trim().split('\n').pop()!) as { summary: { files: number; present: number; ingested: number } };
    expect(summary.summary.present).toBe(summary.summary.files);
    expect(summary.summary.ingested).toBe(0);
    expect(snapshot(killedDir)).toEqual(before);
  });
});
