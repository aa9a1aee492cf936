/**
 * Remote OCR benchmark (issue 6): the sample's scanned pages ingested with the embedded OCR, then with
 * KWERENDA_OCR_ENGINE=remote and 1 or 2 `kwerenda worker --ocr` processes on this machine, plus the
 * queue's own cost per page (PNG encode + enqueue + transfer + decode + result) measured with an
 * engine that does no OCR. Prints a Markdown section for docs/BENCHMARKS.md.
 *
 *   npm run bench -- --only=remote-ocr
 *
 * Needs Debian's `redis-server`; fails, never skips, without it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { OcrEngine } from '../ingest/extract/ocr-engine.js';
import { RemoteOcrEngine, runOcrWorker, toGreyPng } from '../server/queue/remote-ocr.js';
import { startRedis } from '../test/helpers/redis.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'bin', 'kwerenda.js');
const sample = path.join(root, 'fixtures', 'sample');

interface Proc {
  child: ChildProcess;
  log: () => string;
  exit: Promise<number | null>;
}

function run(args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  return { child, log: () => out, exit: new Promise((r) => child.on('exit', (c) => r(c))) };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 120_000; !check(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

const secondsSince = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;

/** The sample's fully scanned files (9 pages). */
function scannedFiles(dir: string): { files: number; pages: number } {
  const gt = JSON.parse(fs.readFileSync(`${sample}.ground-truth.json`, 'utf8')) as { files: { path: string; pages: { needsOcr: boolean }[] }[] };
  let files = 0;
  let pages = 0;
  fs.mkdirSync(dir, { recursive: true });
  for (const f of gt.files.filter((f) => f.pages.every((p) => p.needsOcr))) {
    fs.copyFileSync(path.join(sample, f.path), path.join(dir, `${files}-${path.basename(f.path)}`));
    files++;
    pages += f.pages.length;
  }
  return { files, pages };
}

/** Grey page images at the OCR resolution from the sample's TIFF/PNG/JPEG scans. */
async function pageImages(): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const rel of ['UA-AB_7351_650_2010/odwołanie.tif', 'UA-AB_7351_650_2010/postanowienie_uzupełnienie.tif', 'WUA-ZRB.6743.1.2043.2016/zgłoszenie.png', 'WUA-ZRB.6740.1.786.2019/IMG_0007.jpg']) {
    const { data, info } = await sharp(path.join(sample, rel)).greyscale().toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    out.push(Buffer.concat([Buffer.from(`P5\n${info.width} ${info.height}\n255\n`, 'ascii'), data]));
  }
  return out;
}

/** An engine that answers at once: what is left is the queue's own cost. */
const nullEngine: OcrEngine = {
  id: 'native',
  size: 2,
  recognize: async () => ({ words: [], confidence: 0, skewDegrees: 0 }),
  detectOrientation: async () => null,
  close: async () => undefined,
};

export async function benchRemoteOcr(): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kwerenda-bench-remote-'));
  const set = path.join(tmp, 'skany');
  const { files, pages } = scannedFiles(set);
  const base: NodeJS.ProcessEnv = { ...process.env, KWERENDA_PROGRESS: 'none' };
  delete base.REDIS_URL;
  delete base.KWERENDA_OCR_ENGINE;
  const redis = await startRedis();
  const started: Proc[] = [];
  const rows: string[] = [];
  let overhead = '';
  try {
    // 1. The queue's own cost per page, on real page images.
    const images = await pageImages();
    const pgmBytes = images.reduce((s, b) => s + b.length, 0);
    const t0 = process.hrtime.bigint();
    const pngs = await Promise.all(images.map((b) => toGreyPng(b)));
    const encodeMs = (secondsSince(t0) * 1000) / images.length;
    const pngBytes = pngs.reduce((s, b) => s + b.length, 0);
    const worker = runOcrWorker({ url: `${redis.url}/9`, engine: nullEngine });
    await worker.ready();
    const remote = new RemoteOcrEngine({ url: `${redis.url}/9`, slots: 1 });
    const rounds = 5;
    const t1 = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++) {
      // A distinct byte pattern per round so every request is a new job (not a reused result).
      for (const img of images) await remote.recognize(Buffer.concat([img.subarray(0, img.length - 1), Buffer.from([r])]), 60_000);
    }
    const roundTripMs = (secondsSince(t1) * 1000) / (rounds * images.length);
    await remote.close();
    await worker.close();
    overhead =
      `Queue cost per page (${images.length} real page images, ${rounds} rounds, an engine that answers at once, one request at a time): ` +
      `**${roundTripMs.toFixed(0)} ms** round trip (grey PNG encode ${encodeMs.toFixed(0)} ms of it, plus enqueue, transfer, PNG decode on the worker, result, delete). ` +
      `PNG vs PGM: ${(pngBytes / 1e6).toFixed(2)} MB vs ${(pgmBytes / 1e6).toFixed(2)} MB (${((pngBytes / pgmBytes) * 100).toFixed(0)} %).`;

    // 2. Embedded OCR: everything in `kwerenda ingest` (2 OCR workers, one per core).
    {
      const t = process.hrtime.bigint();
      const p = run(['ingest', set, '--data', path.join(tmp, 'embedded'), '--workers', '2'], base);
      started.push(p);
      if ((await p.exit) !== 0) throw new Error(`embedded ingest failed:\n${p.log().slice(-2000)}`);
      const s = secondsSince(t);
      rows.push(`| embedded OCR (\`kwerenda ingest --workers 2\`) | – | ${s.toFixed(1)} | ${((pages / s) * 60).toFixed(1)} |`);
    }
    // 3. Remote OCR: archive host (ingest worker) + N OCR workers sharing the 2 cores.
    for (const [i, n] of [1, 2].entries()) {
      const env = { ...base, REDIS_URL: `${redis.url}/${i + 1}`, KWERENDA_OCR_ENGINE: 'remote', KWERENDA_REMOTE_OCR_SLOTS: '4' };
      const ocrEnv = { ...base, REDIS_URL: `${redis.url}/${i + 1}` };
      const per = 2 / n;
      const ocr = Array.from({ length: n }, () => run(['worker', '--ocr', '--workers', String(per)], ocrEnv));
      const data = path.join(tmp, `remote-${n}`);
      const host = run(['worker', '--data', data], env);
      started.push(...ocr, host);
      await until(() => ocr.every((w) => w.log().includes('gotowy')) && host.log().includes('gotowy'), 'workers');
      const t = process.hrtime.bigint();
      const p = run(['ingest', set, '--data', data], env);
      started.push(p);
      if ((await p.exit) !== 0) throw new Error(`remote ingest (${n}) failed:\n${p.log().slice(-2000)}`);
      const s = secondsSince(t);
      const jobs = ocr.map((w) => (w.log().match(/: zakończone/g) ?? []).length).join(' / ');
      rows.push(`| remote OCR, ${n} × \`kwerenda worker --ocr --workers ${per}\` | ${jobs} | ${s.toFixed(1)} | ${((pages / s) * 60).toFixed(1)} |`);
      for (const w of [...ocr, host]) w.child.kill('SIGTERM');
      for (const w of [...ocr, host]) await w.exit;
    }
  } finally {
    for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await redis.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return [
    `### Remote OCR (\`KWERENDA_OCR_ENGINE=remote\` + \`kwerenda worker --ocr\`) — ${pages} scanned pages, ${files} files, ${os.cpus().length} cores`,
    '',
    overhead,
    '',
    '| OCR | recognitions per OCR worker | wall s | pages/min |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
