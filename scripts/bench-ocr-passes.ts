/**
 * Engine calls per scanned page, with and without the orientation pre-check: a deterministic
 * measure of OCR work (wall time is shared with other jobs on 2 cores). Counts recognitions and
 * OSD runs through a wrapper around the real engine, and the CER of each page's text.
 *
 *   npx tsc -p tsconfig.json && node dist/scripts/bench-ocr-passes.js [--engine=native|wasm]
 *
 * Pages: the 12 of `npm run bench -- --only=scanned` (sample scans + 3 tesseract-polish scans),
 * the tesseract-polish scans turned 90/180/270°, and the rotated pages listed in
 * the corpus MANIFEST.md (KWERENDA_CORPUS_DIR/real; ocrmypdf cardinal 0/90/180/270, rotated_skew; phototest 180).
 * PDF pages are rendered at 300 DPI grey with pdftoppm (poppler-utils), as the benchmark does.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { GroundTruth } from '../fixtures/ground-truth.js';
import { createOcrEngine, type OcrEngine, type OcrEngineChoice } from '../ingest/extract/ocr-engine.js';
import { ocrPage, type OcrPageInput } from '../ingest/extract/ocr-page.js';
import { precheckOrientation } from '../ingest/extract/orientation.js';
import { cer } from '../ingest/text/metrics.js';
import { layoutPage } from '../ingest/text/layout.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The real third-party corpus (KWERENDA_CORPUS_DIR, default ../shared/corpus beside the checkout). */
const corpus = path.join(path.resolve(root, process.env.KWERENDA_CORPUS_DIR ?? path.join('..', 'shared', 'corpus')), 'real');
const sample = path.join(root, 'fixtures', 'sample');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kwerenda-passes-'));

interface BenchPage {
  set: 'bench-12' | 'tesspol-turned' | 'manifest-rotated';
  name: string;
  input: OcrPageInput;
  truth: string;
}

/** Counts what `ocrPage` asks of the engine. */
export class CountingEngine implements OcrEngine {
  recognitions = 0;
  osd = 0;
  constructor(private readonly inner: OcrEngine) {}
  get id() {
    return this.inner.id;
  }
  get size() {
    return this.inner.size;
  }
  recognize(image: Buffer, timeoutMs: number) {
    this.recognitions++;
    return this.inner.recognize(image, timeoutMs);
  }
  detectOrientation(image: Buffer, timeoutMs: number) {
    this.osd++;
    return this.inner.detectOrientation(image, timeoutMs);
  }
  close() {
    return Promise.resolve();
  }
}

function render(pdf: string, page: number): string {
  const out = path.join(tmp, `${path.basename(pdf, '.pdf')}-${page}`);
  execFileSync('pdftoppm', ['-r', '300', '-gray', '-png', '-f', String(page), '-l', String(page), '-singlefile', pdf, out]);
  return `${out}.png`;
}

async function pages(): Promise<BenchPage[]> {
  const out: BenchPage[] = [];
  const gt = JSON.parse(fs.readFileSync(`${sample}.ground-truth.json`, 'utf8')) as GroundTruth;
  for (const f of gt.files) {
    if (!f.pages.every((p) => p.needsOcr)) continue;
    const file = path.join(sample, f.path);
    for (const p of f.pages) {
      const input: OcrPageInput =
        f.format === 'pdf' ? { data: render(file, p.page), dpi: 300 } : { data: file, tiffPage: f.format === 'tiff' ? p.page - 1 : undefined };
      out.push({ set: 'bench-12', name: `${f.path} p${p.page}${p.rotation ? ` (turned ${p.rotation}°)` : ''}`, input, truth: p.text });
    }
  }
  const tesspol = [1, 2, 3].map((n) => ({
    n,
    file: path.join(corpus, fs.readdirSync(corpus).find((x) => x.startsWith(`tesspol_sample_pl-part${n}-`) && x.endsWith('.tif'))!),
    truth: fs.readFileSync(path.join(corpus, `tesspol_sample_pl-part${n}.gt.txt`), 'utf8'),
  }));
  for (const t of tesspol) out.push({ set: 'bench-12', name: `tesspol part${t.n}`, input: { data: t.file }, truth: t.truth });
  for (const t of tesspol) {
    for (const r of [90, 180, 270]) {
      const file = path.join(tmp, `tesspol-${t.n}-${r}.png`);
      const density = (await sharp(t.file).metadata()).density ?? 300;
      await sharp(t.file).rotate(r).withMetadata({ density }).png().toFile(file);
      out.push({ set: 'tesspol-turned', name: `tesspol part${t.n} turned ${r}°`, input: { data: file }, truth: t.truth });
    }
  }
  const linn = fs.readFileSync(path.join(corpus, 'ocrmypdf_linn.txt'), 'utf8');
  for (const p of [1, 2, 3, 4]) {
    out.push({ set: 'manifest-rotated', name: `ocrmypdf_cardinal.pdf p${p}`, input: { data: render(path.join(corpus, 'ocrmypdf_cardinal.pdf'), p), dpi: 300 }, truth: linn });
  }
  out.push({ set: 'manifest-rotated', name: 'ocrmypdf_rotated_skew.pdf', input: { data: render(path.join(corpus, 'ocrmypdf_rotated_skew.pdf'), 1), dpi: 300 }, truth: linn });
  out.push({
    set: 'manifest-rotated',
    name: 'tesseract_phototest-rotated-180.png',
    input: { data: path.join(corpus, 'tesseract_phototest-rotated-180.png') },
    truth: fs.readFileSync(path.join(corpus, 'tesseract_phototest.txt'), 'utf8'),
  });
  return out;
}

async function precheckMs(input: OcrPageInput): Promise<number> {
  // The pre-check's own cost on the grey ~200 DPI image ocrPage hands it (decoding not included).
  const img = sharp(input.data as string, { page: input.tiffPage ?? 0 });
  const meta = await img.metadata();
  const dpi = input.dpi ?? (meta.density && meta.density >= 100 ? meta.density : 300);
  const { data, info } = await img
    .resize({ width: Math.round(((meta.width ?? 1) * 200) / dpi) })
    .greyscale()
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const t = process.hrtime.bigint();
  await precheckOrientation({ data, width: info.width, height: info.height });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main() {
  const choice = (process.argv.find((a) => a.startsWith('--engine='))?.slice(9) ?? 'native') as OcrEngineChoice;
  const engine = await createOcrEngine(choice, 2);
  const opts = { timeoutMs: 180_000, maxPixels: 200_000_000, osd: 'auto' as const, viewerDpi: 110 };
  const rows: string[] = [];
  const totals = new Map<string, { pages: number; before: [number, number, number]; after: [number, number, number]; ms: number[] }>();
  try {
    const list = await pages();
    let next = 0;
    await Promise.all(
      [0, 1].map(async () => {
        while (next < list.length) {
          const p = list[next++]!;
          const runs = [];
          for (const precheck of [false, true]) {
            const counter = new CountingEngine(engine);
            const r = await ocrPage(counter, p.input, { ...opts, orientationPrecheck: precheck });
            runs.push({ rec: counter.recognitions, osd: counter.osd, cer: cer(p.truth, layoutPage(r.words).text), c: r.corrections });
          }
          const ms = await precheckMs(p.input);
          const [b, a] = runs as [(typeof runs)[0], (typeof runs)[0]];
          const t = totals.get(p.set) ?? { pages: 0, before: [0, 0, 0], after: [0, 0, 0], ms: [] };
          t.pages++;
          t.before = [t.before[0] + b.rec, t.before[1] + b.osd, t.before[2] + b.cer];
          t.after = [t.after[0] + a.rec, t.after[1] + a.osd, t.after[2] + a.cer];
          t.ms.push(ms);
          totals.set(p.set, t);
          const pre = a.c.precheck ? `${a.c.precheck.verdict}${a.c.precheck.degrees ? ` ${a.c.precheck.degrees}` : ''}` : '–';
          rows.push(
            `| ${p.set} | ${p.name} | ${b.rec} + ${b.osd} | ${(b.cer * 100).toFixed(2)} % | ${a.rec} + ${a.osd} | ${(a.cer * 100).toFixed(2)} % | ${pre} | ${a.c.rotation ?? 0} | ${ms.toFixed(0)} |`,
          );
          process.stderr.write('.');
        }
      }),
    );
  } finally {
    await engine.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const lines = [
    `Engine: ${engine.id}. Calls = recognitions + OSD runs; CER after whitespace normalisation.`,
    '',
    '| set | page | before: calls | before: CER | after: calls | after: CER | pre-check | rotation | pre-check ms |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.sort(),
    '',
    '| set | pages | recognitions before → after | OSD before → after | mean CER before → after | pre-check ms (median / max) |',
    '|---|---|---|---|---|---|',
  ];
  for (const [set, t] of totals) {
    const ms = [...t.ms].sort((x, y) => x - y);
    lines.push(
      `| ${set} | ${t.pages} | ${t.before[0]} → ${t.after[0]} | ${t.before[1]} → ${t.after[1]} | ${((t.before[2] / t.pages) * 100).toFixed(2)} % → ${((t.after[2] / t.pages) * 100).toFixed(2)} % | ${ms[Math.floor(ms.length / 2)]!.toFixed(0)} / ${ms[ms.length - 1]!.toFixed(0)} |`,
    );
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

await main();
