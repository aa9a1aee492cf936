/**
 * A pool of tesseract.js workers (Polish, best_int data shipped in @tesseract.js-data/pol), fully
 * offline. Each task runs on one worker under a time limit; a worker that overruns is terminated
 * and replaced, so one hostile page cannot stall the batch. Orientation detection uses a separate,
 * lazily created OSD worker (legacy engine), only when a caller asks for it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import Tesseract from 'tesseract.js';
import { IngestError } from '../../server/errors.js';
import type { OcrEngine, OcrOutput, OcrWord, OsdOutput } from './ocr-engine.js';

const require = createRequire(import.meta.url);

function dataDir(pkg: string, version: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), version);
}

export type { OcrOutput, OcrWord, OsdOutput } from './ocr-engine.js';

const CREATE_TIMEOUT_MS = 60_000;

async function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => void, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new IngestError('timeout', `${what} trwało dłużej niż ${Math.round(ms / 1000)} s`, false));
    }, ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Slot {
  worker: Tesseract.Worker | null;
  busy: boolean;
}

/** The tesseract.js (WebAssembly) implementation of the OCR engine. */
export class TesseractPool implements OcrEngine {
  readonly id = 'wasm' as const;
  private readonly slots: Slot[];
  private readonly waiters: Array<(slot: Slot) => void> = [];
  private osdWorker: Promise<Tesseract.Worker> | null = null;
  private osdChain: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Last error reported by a worker's errorHandler (kept so the process is never killed by it). */
  lastWorkerError: string | null = null;

  constructor(readonly size: number) {
    this.slots = Array.from({ length: size }, () => ({ worker: null, busy: false }));
  }

  private async createOcrWorker(): Promise<Tesseract.Worker> {
    let pending: Tesseract.Worker | undefined;
    const created = Tesseract.createWorker('pol', Tesseract.OEM.LSTM_ONLY, {
      langPath: dataDir('@tesseract.js-data/pol', '4.0.0_best_int'),
      gzip: true,
      cacheMethod: 'none',
      errorHandler: (e: unknown) => {
        this.lastWorkerError = String(e).slice(0, 300);
      },
    }).then((w) => (pending = w));
    const worker = await withTimeout(created, CREATE_TIMEOUT_MS, () => void pending?.terminate(), 'uruchamianie OCR');
    // Automatic page segmentation; keep spaces between words as single spaces.
    await worker.setParameters({
      tessedit_pageseg_mode: Tesseract.PSM.AUTO,
      user_defined_dpi: '200',
      // Tesseract's diagnostics ("Detected 46 diacritics") would otherwise land on our stdout.
      debug_file: '/dev/null',
      // Do not try every low-confidence line again as white-on-black: permit files are dark on light.
      tessedit_do_invert: '0',
    });
    return worker;
  }

  private async acquire(): Promise<Slot> {
    if (this.closed) throw new IngestError('interrupted', 'pula OCR została zamknięta', false);
    const free = this.slots.find((s) => !s.busy);
    const slot = free ?? (await new Promise<Slot>((resolve) => this.waiters.push(resolve)));
    slot.busy = true;
    return slot;
  }

  private release(slot: Slot): void {
    const next = this.waiters.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  /** Recognises one image (any format Leptonica reads; PGM is the cheapest to hand over). */
  async recognize(image: Buffer, timeoutMs: number): Promise<OcrOutput> {
    const slot = await this.acquire();
    try {
      slot.worker ??= await this.createOcrWorker();
      const worker = slot.worker;
      const result = await withTimeout(
        worker.recognize(image, {}, { blocks: true, text: false }),
        timeoutMs,
        () => {
          // The only way to stop a running recognition is to end its worker.
          slot.worker = null;
          void worker.terminate().catch(() => undefined);
        },
        'rozpoznawanie strony',
      );
      return toOutput(result.data);
    } catch (err) {
      if (err instanceof IngestError) throw err;
      throw new IngestError('ocr_failed', err instanceof Error ? err.message.slice(0, 200) : String(err), false);
    } finally {
      this.release(slot);
    }
  }

  /** Orientation detection with the OSD model (~0.7 s a page). Serialised on one worker. */
  async detectOrientation(image: Buffer, timeoutMs: number): Promise<OsdOutput | null> {
    const run = async (): Promise<OsdOutput | null> => {
      this.osdWorker ??= Tesseract.createWorker('osd', Tesseract.OEM.TESSERACT_ONLY, {
        langPath: dataDir('@tesseract.js-data/osd', '4.0.0'),
        gzip: true,
        cacheMethod: 'none',
        legacyCore: true,
        legacyLang: true,
        errorHandler: (e: unknown) => {
          this.lastWorkerError = String(e).slice(0, 300);
        },
      }).then(async (w) => {
        await w.setParameters({ debug_file: '/dev/null', user_defined_dpi: '200' });
        return w;
      });
      const worker = await withTimeout(this.osdWorker, CREATE_TIMEOUT_MS, () => undefined, 'uruchamianie OSD');
      try {
        const r = await withTimeout(
          worker.detect(image),
          timeoutMs,
          () => {
            this.osdWorker = null;
            void worker.terminate().catch(() => undefined);
          },
          'wykrywanie orientacji',
        );
        const deg = r.data.orientation_degrees;
        if (deg === null || ![0, 90, 180, 270].includes(deg)) return null;
        // Tesseract reports the clockwise turn that makes the page upright (270 for a page scanned
        // turned 90° clockwise), which is what sharp's rotate() takes.
        return { degrees: deg as OsdOutput['degrees'], confidence: r.data.orientation_confidence ?? 0 };
      } catch (err) {
        if (err instanceof IngestError && err.code === 'timeout') throw err;
        return null; // OSD found too little text to decide: not an error.
      }
    };
    const p = this.osdChain.then(run, run);
    this.osdChain = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.slots.map((s) => s.worker).filter((w): w is Tesseract.Worker => w !== null);
    this.slots.forEach((s) => (s.worker = null));
    const osd = this.osdWorker;
    this.osdWorker = null;
    await Promise.allSettled([
      ...workers.map((w) => w.terminate()),
      osd ? osd.then((w) => w.terminate()) : Promise.resolve(),
    ]);
  }
}

function toOutput(page: Tesseract.Page): OcrOutput {
  const words: OcrWord[] = [];
  const slopes: number[] = [];
  let line = 0;
  let blockNo = 0;
  let confSum = 0;
  for (const block of page.blocks ?? []) {
    blockNo++;
    for (const para of block.paragraphs) {
      for (const l of para.lines) {
        line++;
        const b = l.baseline;
        const dx = b.x1 - b.x0;
        if (dx > 200 && l.words.length >= 3) slopes.push((Math.atan2(b.y0 - b.y1, dx) * 180) / Math.PI);
        for (const w of l.words) {
          const text = w.text.trim();
          if (!text) continue;
          words.push({ text, confidence: w.confidence, bbox: w.bbox, line, block: blockNo });
          confSum += w.confidence;
        }
      }
    }
  }
  slopes.sort((a, b) => a - b);
  const skew = slopes.length ? (slopes[Math.floor(slopes.length / 2)] ?? 0) : 0;
  return { words, confidence: words.length ? confSum / words.length : 0, skewDegrees: skew };
}
