/**
 * Scaled-ingest benchmark (issue 6): the same scanned set ingested through the embedded queue with
 * one OCR worker, then through BullMQ on a throwaway redis-server with 1, 2 and 4 `kwerenda worker
 * --workers 1` processes sharing one SQLite archive. Prints a Markdown section for docs/BENCHMARKS.md.
 *
 *   npm run bench -- --only=workers [--copies=4]
 *
 * Needs Debian's `redis-server` (apt-get install -y redis-server); the run fails, never skips, without it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../test/helpers/redis.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'bin', 'kwerenda.js');
const sample = path.join(root, 'fixtures', 'sample');

/** Options of {@link benchWorkers}. */
export interface WorkersBenchOptions {
  /** How many byte-distinct copies of the sample's scans to ingest (9 pages each). */
  copies: number;
  /** Worker process counts to measure, e.g. [1, 2, 4]. */
  counts: number[];
}

interface Proc {
  child: ChildProcess;
  log: () => string;
  exit: Promise<number | null>;
  /** Peak RSS (VmHWM) in MB seen so far; polled because /proc is gone once the process exits. */
  peakMb: () => number;
}

function run(args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // exited
    }
  }, 200);
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve(code);
    }),
  );
  return { child, log: () => out, exit, peakMb: () => peakKb / 1024 };
}

async function until(what: string, check: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The sample's fully scanned files, `copies` times. Each copy gets a few distinct trailing bytes
 * (ignored by the PDF/TIFF/JPEG/PNG decoders) so its SHA-256 differs and it is not "already present".
 */
function scannedSet(dir: string, copies: number): { files: number; pages: number } {
  const gt = JSON.parse(fs.readFileSync(`${sample}.ground-truth.json`, 'utf8')) as {
    files: { path: string; pages: { needsOcr: boolean }[] }[];
  };
  let files = 0;
  let pages = 0;
  for (let c = 0; c < copies; c++) {
    const out = path.join(dir, `kopia-${c + 1}`);
    fs.mkdirSync(out, { recursive: true });
    for (const f of gt.files) {
      if (!f.pages.every((p) => p.needsOcr)) continue;
      const bytes = fs.readFileSync(path.join(sample, f.path));
      const tail = c === 0 ? Buffer.alloc(0) : Buffer.from(`\n%kwerenda-bench-copy-${c}\n`);
      fs.writeFileSync(path.join(out, path.basename(f.path)), Buffer.concat([bytes, tail]));
      files++;
      pages += f.pages.length;
    }
  }
  return { files, pages };
}

interface Summary {
  files: number;
  ingested: number;
  failed: number;
}

function summaryOf(p: Proc): Summary {
  const line = p.log().trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`ingest printed no JSON summary:\n${p.log().slice(-2000)}`);
  return (JSON.parse(line) as { summary: Summary }).summary;
}

function check(s: Summary, files: number, what: string): void {
  if (s.files !== files || s.ingested !== files || s.failed !== 0) {
    throw new Error(`${what}: expected ${files} files ingested, got ${JSON.stringify(s)}`);
  }
}

const secondsSince = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;
const perMin = (pages: number, s: number) => (pages / s) * 60;

interface Row {
  label: string;
  procs: number;
  wall: number;
  readyS: number | null;
  jobs: string;
  rssMb: number[];
}

export async function benchWorkers(opts: WorkersBenchOptions): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kwerenda-bench-workers-'));
  const set = path.join(tmp, 'skany');
  const { files, pages } = scannedSet(set, opts.copies);
  const base: NodeJS.ProcessEnv = { ...process.env, KWERENDA_PROGRESS: 'none', KWERENDA_WORKERS: '1' };
  delete base.REDIS_URL;
  const rows: Row[] = [];
  const redis = await startRedis();
  const started: Proc[] = [];
  try {
    // Embedded queue, one OCR worker, all in the ingesting process: the baseline for queue overhead.
    {
      const data = path.join(tmp, 'embedded');
      const t = process.hrtime.bigint();
      const p = run(['ingest', set, '--data', data, '--workers', '1', '--json'], base);
      started.push(p);
      if ((await p.exit) !== 0) throw new Error(`embedded ingest failed:\n${p.log().slice(-2000)}`);
      const wall = secondsSince(t);
      check(summaryOf(p), files, 'embedded');
      rows.push({ label: 'embedded queue (`kwerenda ingest --workers 1`)', procs: 1, wall, readyS: null, jobs: `${files}`, rssMb: [p.peakMb()] });
    }
    for (const [i, n] of opts.counts.entries()) {
      const data = path.join(tmp, `bullmq-${n}`);
      // A Redis database of its own per run, so no job id of an earlier run is seen as done.
      const env = { ...base, REDIS_URL: `${redis.url}/${i + 1}` };
      const tw = process.hrtime.bigint();
      const workers = Array.from({ length: n }, () => run(['worker', '--data', data, '--workers', '1'], env));
      started.push(...workers);
      await until(`${n} workers ready`, () => workers.every((w) => w.log().includes('gotowy')));
      const readyS = secondsSince(tw);
      const t = process.hrtime.bigint();
      const p = run(['ingest', set, '--data', data, '--json'], env);
      started.push(p);
      if ((await p.exit) !== 0) throw new Error(`BullMQ ingest (${n} workers) failed:\n${p.log().slice(-2000)}`);
      const wall = secondsSince(t);
      check(summaryOf(p), files, `BullMQ, ${n} workers`);
      const jobs = workers.map((w) => (w.log().match(/ingest-file:\d+ \(próba \d+\/\d+\): zakończone/g) ?? []).length);
      const rssMb = workers.map((w) => w.peakMb());
      for (const w of workers) w.child.kill('SIGTERM');
      for (const w of workers) if ((await w.exit) !== 0) throw new Error(`worker did not stop cleanly:\n${w.log().slice(-2000)}`);
      rows.push({ label: 'BullMQ + `kwerenda worker --workers 1`', procs: n, wall, readyS, jobs: jobs.join(' / '), rssMb });
    }
  } finally {
    for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await redis.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return report(rows, files, pages, opts.copies);
}

function report(rows: Row[], files: number, pages: number, copies: number): string {
  const embedded = rows[0]!;
  const one = rows.find((r) => r.procs === 1 && r.readyS !== null);
  const lines = [
    `### Worker processes (BullMQ, shared SQLite archive) — ${pages} scanned pages, ${files} files (${copies} byte-distinct copies of the sample's scans)`,
    '',
    'Wall time from starting `kwerenda ingest` (enqueue) to its exit (batch finished); BullMQ workers are started and',
    'connected before the clock starts (the OCR model loads on the first page, inside the timed run, in both queues).',
    'RSS = peak VmHWM of each process.',
    '',
    '| queue | processes | wall s | pages/min | pages/min per process | vs linear | jobs per process | worker ready s | peak RSS MB per process |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const base1 = one ? perMin(pages, one.wall) : perMin(pages, embedded.wall);
  for (const r of rows) {
    const total = perMin(pages, r.wall);
    const linear = r.readyS === null ? '–' : `${((total / (base1 * r.procs)) * 100).toFixed(0)} %`;
    lines.push(
      `| ${r.label} | ${r.procs} | ${r.wall.toFixed(1)} | ${total.toFixed(1)} | ${(total / r.procs).toFixed(1)} | ${linear} | ${r.jobs} | ${r.readyS === null ? '–' : r.readyS.toFixed(1)} | ${r.rssMb.map((m) => m.toFixed(0)).join(' / ')} |`,
    );
  }
  if (one) {
    const overhead = (one.wall - embedded.wall) / pages;
    lines.push('', `Queue overhead (BullMQ with 1 worker process − embedded queue with 1 OCR worker): ${overhead >= 0 ? '+' : ''}${overhead.toFixed(2)} s per page (${((one.wall - embedded.wall)).toFixed(1)} s over ${pages} pages).`);
  }
  lines.push('');
  return lines.join('\n');
}
