/**
 * `kwerenda ingest` on a folder holding a PDF decompression bomb (2 MB that inflate to 2 GB) beside
 * an ordinary PDF: the bomb ends as a failed file with its reason, nothing of it searchable, the
 * ordinary file is ingested, and the process never comes near the bomb's size in memory.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { cliPath, sampleDir, tempDir } from '../helpers/paths.js';
import { bombPdf, plain, textOp, zeroBomb } from '../../ingest/extract/pdf-bomb-testkit.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Peak resident memory of a running process so far (Linux: VmHWM), in bytes. */
const peakOf = (pid: number): number => {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
};

it('fails the bomb with its reason, ingests the rest, and stays far below the bomb in memory', async () => {
  const input = tempDir('bomb-in');
  const data = tempDir('bomb-data');
  dirs.push(input, data);
  const bomb = bombPdf([{ contents: [plain(textOp('Decyzja o pozwoleniu na budowe')), zeroBomb(2 * 1024 ** 3)] }]);
  fs.writeFileSync(path.join(input, 'bomba.pdf'), bomb);
  fs.copyFileSync(path.join(sampleDir, 'nieprzypisane', 'pelnomocnictwo_bez_znaku.pdf'), path.join(input, 'dobry.pdf'));

  const child = spawn(process.execPath, [cliPath, 'ingest', input, '--data', data, '--json'], {
    env: { ...process.env, KWERENDA_PROGRESS: 'none', KWERENDA_PDF_WORKER_MEMORY_MB: '512' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.resume();
  let peak = 0;
  const poll = setInterval(() => {
    try {
      peak = Math.max(peak, peakOf(child.pid!));
    } catch {
      // exited between polls
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(poll);

  expect(code).toBe(1);
  const report = JSON.parse(out) as { summary: { ingested: number; failed: number }; failures: Array<{ path: string; code: string; reason: string }> };
  expect(report.summary).toMatchObject({ ingested: 1, failed: 1 });
  expect(report.failures).toEqual([
    expect.objectContaining({ path: expect.stringMatching(/bomba\.pdf$/), code: 'corrupt', reason: expect.stringMatching(/bomba dekompresyjna/) }),
  ]);
  expect(peak).toBeGreaterThan(0);
  expect(peak).toBeLessThan(1024 ** 3);

  const db = new Database(path.join(data, 'kwerenda.db'), { readonly: true });
  const docs = db.prepare('SELECT filename, status, (SELECT count(*) FROM pages p WHERE p.document_id = d.id) AS pages FROM documents d ORDER BY filename').all();
  db.close();
  expect(docs).toEqual([
    { filename: 'bomba.pdf', status: 'staging', pages: 0 },
    { filename: 'dobry.pdf', status: 'ready', pages: expect.any(Number) },
  ]);
});
