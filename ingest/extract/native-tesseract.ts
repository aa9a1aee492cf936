/**
 * The native `tesseract` binary (Debian `tesseract-ocr` + `tesseract-ocr-pol`) behind the OCR engine
 * interface: one child process per page, at most `size` at once, `OMP_THREAD_LIMIT=1` (without it
 * OpenMP oversubscribes the cores: 9–10 s a page instead of 2–3 s). The image goes in on stdin, the
 * words come back as TSV and are turned into the same `OcrOutput` the tesseract.js pool builds, with
 * the same settings (LSTM only, automatic page segmentation, 200 DPI hint, no inverted-text pass)
 * and the same models: the Polish best_int and OSD data shipped on npm, unpacked once into a
 * tessdata folder, so both engines read a page alike (Debian's `pol` model is a different build).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { IngestError } from '../../server/errors.js';
import type { OcrEngine, OcrOutput, OcrWord, OsdOutput } from './ocr-engine.js';
import { TesseractPool } from './tesseract-pool.js';

export interface NativeTesseractOptions {
  binary?: string;
  /** Folder with `pol.traineddata` (see `bundledTessdata`); unset: the binary's own (Debian's), and `model` says `system`. */
  tessdataDir?: string;
  /** `osd.traineddata` is available; otherwise orientation detection falls back to tesseract.js. */
  osd: boolean;
}

const require = createRequire(import.meta.url);

/**
 * A tessdata folder with the models the tesseract.js path uses (`@tesseract.js-data/pol`
 * 4.0.0_best_int, `@tesseract.js-data/osd` 4.0.0), unpacked once into the temp dir and reused.
 */
export function bundledTessdata(): string {
  const sources = [
    ['pol', '@tesseract.js-data/pol', '4.0.0_best_int'],
    ['osd', '@tesseract.js-data/osd', '4.0.0'],
  ].map(([lang, pkg, version]) => {
    const gz = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), version!, `${lang}.traineddata.gz`);
    return { lang: lang!, gz, stamp: `${lang}-${version}-${fs.statSync(gz).size}` };
  });
  const dir = path.join(os.tmpdir(), `kwerenda-tessdata-${sources.map((s) => s.stamp).join('-')}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const s of sources) {
    const target = path.join(dir, `${s.lang}.traineddata`);
    if (fs.existsSync(target)) continue;
    // Written aside and renamed: a concurrent start never sees half a model.
    const partial = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(partial, zlib.gunzipSync(fs.readFileSync(s.gz)));
    fs.renameSync(partial, target);
  }
  return dir;
}

/** Same as the tesseract.js pool's parameters (tesseract-pool.ts). */
const RECOGNIZE_ARGS = ['-l', 'pol', '--oem', '1', '--psm', '3', '--dpi', '200', '-c', 'tessedit_do_invert=0', '-c', 'debug_file=/dev/null'];

/** Image formats Leptonica reads from memory. Anything else on stdin is read by tesseract as a list of file names. */
function looksLikeImage(b: Buffer): boolean {
  if (b.length < 8) return false;
  const pnm = b[0] === 0x50 && b[1]! >= 0x31 && b[1]! <= 0x36; // P1..P6
  const png = b.readUInt32BE(0) === 0x89504e47;
  const jpeg = b[0] === 0xff && b[1] === 0xd8;
  const tiff = (b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a);
  return pnm || png || jpeg || tiff;
}

/** The last diagnostic line of tesseract, printable characters only (it never holds page text). */
function diagnostic(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/[^\x20-\x7e]/g, '').trim())
    .filter((l) => l && !/^(Warning|Detected \d+ diacritics|Estimating resolution)/.test(l));
  return (lines.slice(-2).join('; ') || 'brak komunikatu').slice(0, 200);
}

export class NativeTesseract implements OcrEngine {
  readonly id = 'native' as const;
  readonly model?: 'system';
  private readonly binary: string;
  private running = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly children = new Set<ReturnType<typeof spawn>>();
  private fallbackOsd: TesseractPool | null = null;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly opts: NativeTesseractOptions,
  ) {
    this.binary = opts.binary ?? 'tesseract';
    if (!opts.tessdataDir) this.model = 'system';
  }

  private async acquire(): Promise<void> {
    if (this.closed) throw new IngestError('interrupted', 'pula OCR została zamknięta', false);
    if (this.running < this.size) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.closed) throw new IngestError('interrupted', 'pula OCR została zamknięta', false);
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.running--;
  }

  /**
   * Runs the binary once on `image` (stdin); resolves with its stdout. The time limit counts from
   * the start of the process, not from the wait for a free slot; on overrun the child gets SIGKILL.
   */
  private async run(args: string[], image: Buffer, timeoutMs: number, what: string): Promise<string> {
    await this.acquire();
    try {
      return await new Promise<string>((resolve, reject) => {
        const data = this.opts.tessdataDir ? ['--tessdata-dir', this.opts.tessdataDir] : [];
        const child = spawn(this.binary, ['stdin', 'stdout', ...data, ...args], {
          env: { ...process.env, OMP_THREAD_LIMIT: '1' },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        this.children.add(child);
        const out: Buffer[] = [];
        let err = '';
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutMs);
        child.stdout.on('data', (c: Buffer) => out.push(c));
        child.stderr.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-4000)));
        // A child that dies before reading all of stdin raises EPIPE here; the exit handler reports it.
        child.stdin.on('error', () => undefined);
        child.on('error', (e) => {
          clearTimeout(timer);
          this.children.delete(child);
          reject(new IngestError('ocr_failed', `nie można uruchomić "${this.binary}": ${e.message.slice(0, 120)}`, false));
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          this.children.delete(child);
          if (timedOut) reject(new IngestError('timeout', `${what} trwało dłużej niż ${Math.round(timeoutMs / 1000)} s`, false));
          else if (this.closed && signal) reject(new IngestError('interrupted', 'pula OCR została zamknięta', false));
          else if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
          else {
            const how = signal ? `przerwany sygnałem ${signal}` : `kod wyjścia ${code}`;
            reject(new IngestError('ocr_failed', `tesseract: ${how} (${diagnostic(err)})`, false));
          }
        });
        child.stdin.end(image);
      });
    } finally {
      this.release();
    }
  }

  async recognize(image: Buffer, timeoutMs: number): Promise<OcrOutput> {
    if (!looksLikeImage(image)) throw new IngestError('corrupt', 'dane strony nie są obrazem (PGM, PNG, JPEG, TIFF)');
    // The TSV renderer is asked for by its parameter, not the `tsv` config file, which lives in the
    // tessdata folder and is missing when TESSDATA_PREFIX points elsewhere (output would be plain text).
    const tsv = await this.run([...RECOGNIZE_ARGS, '-c', 'tessedit_create_tsv=1'], image, timeoutMs, 'rozpoznawanie strony');
    if (!tsv.startsWith('level\t')) throw new IngestError('ocr_failed', 'tesseract nie zwrócił wyniku w formacie TSV', false);
    return parseTsv(tsv);
  }

  async detectOrientation(image: Buffer, timeoutMs: number): Promise<OsdOutput | null> {
    if (!this.opts.osd) {
      // No osd.traineddata from Debian: the OSD model shipped on npm (@tesseract.js-data/osd) does it.
      this.fallbackOsd ??= new TesseractPool(1);
      return this.fallbackOsd.detectOrientation(image, timeoutMs);
    }
    if (!looksLikeImage(image)) throw new IngestError('corrupt', 'dane strony nie są obrazem (PGM, PNG, JPEG, TIFF)');
    let text: string;
    try {
      text = await this.run(['-l', 'osd', '--psm', '0', '--dpi', '200', '-c', 'debug_file=/dev/null'], image, timeoutMs, 'wykrywanie orientacji');
    } catch (err) {
      if (err instanceof IngestError && (err.code === 'timeout' || err.code === 'interrupted')) throw err;
      return null; // "Too few characters": not an error, as in the tesseract.js pool.
    }
    return parseOsd(text);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.children) c.kill('SIGKILL');
    for (const w of this.waiters.splice(0)) w();
    await this.fallbackOsd?.close();
  }
}

/**
 * `tesseract … tsv`: one row per page/block/paragraph/line/word (level 1–5). Lines are numbered
 * across the page and blocks as tesseract numbers them, as the tesseract.js pool does.
 */
export function parseTsv(tsv: string): OcrOutput {
  const words: OcrWord[] = [];
  const lines: OcrWord[][] = [];
  let lineKey = '';
  let confSum = 0;
  for (const row of tsv.split('\n')) {
    const f = row.split('\t');
    if (f.length < 12 || f[0] !== '5') continue;
    const [, , block, par, line, , left, top, width, height, conf] = f.map(Number) as number[];
    const text = f.slice(11).join('\t').trim();
    if (!text) continue;
    const key = `${block}:${par}:${line}`;
    if (key !== lineKey) {
      lineKey = key;
      lines.push([]);
    }
    const w: OcrWord = {
      text,
      confidence: Math.max(0, conf!),
      bbox: { x0: left!, y0: top!, x1: left! + width!, y1: top! + height! },
      line: lines.length,
      block: block!,
    };
    lines[lines.length - 1]!.push(w);
    words.push(w);
    confSum += w.confidence;
  }
  return { words, confidence: words.length ? confSum / words.length : 0, skewDegrees: medianSkew(lines) };
}

/**
 * TSV has no baselines, so a line's slope is estimated from its words' bottom edges (Theil–Sen:
 * the median of pairwise slopes, robust to descenders). Same filter as the pool: lines over
 * 200 px with at least 3 words; the median over lines.
 */
export function medianSkew(lines: OcrWord[][]): number {
  const slopes: number[] = [];
  for (const ws of lines) {
    if (ws.length < 3) continue;
    const span = ws[ws.length - 1]!.bbox.x1 - ws[0]!.bbox.x0;
    if (span <= 200) continue;
    const pair: number[] = [];
    for (let i = 0; i < ws.length; i++) {
      for (let j = i + 1; j < ws.length; j++) {
        const a = ws[i]!.bbox;
        const b = ws[j]!.bbox;
        const dx = (b.x0 + b.x1) / 2 - (a.x0 + a.x1) / 2;
        if (dx > 0) pair.push((a.y1 - b.y1) / dx);
      }
    }
    const m = median(pair);
    if (m !== null) slopes.push((Math.atan(m) * 180) / Math.PI);
  }
  return median(slopes) ?? 0;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** `tesseract … --psm 0`: "Rotate: 270" is the clockwise turn that makes the page upright. */
export function parseOsd(text: string): OsdOutput | null {
  const rotate = /^Rotate:\s*(\d+)/m.exec(text);
  const conf = /^Orientation confidence:\s*([\d.]+)/m.exec(text);
  const deg = rotate ? Number(rotate[1]) : NaN;
  if (![0, 90, 180, 270].includes(deg)) return null;
  return { degrees: deg as OsdOutput['degrees'], confidence: conf ? Number(conf[1]) : 0 };
}
