/**
 * The OCR engine behind scanned pages: what `ocrPage` and the ingest pipeline ask of it, and the one
 * place that chooses an implementation — tesseract.js (WebAssembly, always available from npm) or
 * the native `tesseract` binary from Debian (`tesseract-ocr tesseract-ocr-pol`), ~1.8× faster a page.
 */
import { execFile } from 'node:child_process';
import { IngestError } from '../../server/errors.js';

export interface OcrWord {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
  line: number;
  block: number;
}

export interface OcrOutput {
  words: OcrWord[];
  /** Mean word confidence 0..100, 0 when nothing was recognised. */
  confidence: number;
  /** Median baseline slope of the recognised lines, degrees (positive: text rises to the right). */
  skewDegrees: number;
}

export interface OsdOutput {
  /** Clockwise degrees to turn the image to make it upright. */
  degrees: 0 | 90 | 180 | 270;
  confidence: number;
}

/** An 8-bit grey image: what every engine is handed, as a binary PGM. */
export interface GreyImage {
  data: Buffer;
  width: number;
  height: number;
}

/** The binary PGM (P5) engines take: the cheapest image format to hand over. */
export function encodePgm(img: GreyImage): Buffer {
  return Buffer.concat([Buffer.from(`P5\n${img.width} ${img.height}\n255\n`, 'ascii'), img.data]);
}

/** An 8-bit binary PGM as `encodePgm` writes it, or null for any other format. */
export function parsePgm(buf: Buffer): GreyImage | null {
  const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(buf.subarray(0, 64).toString('latin1'));
  if (!m) return null;
  const width = Number(m[1]);
  const height = Number(m[2]);
  const data = buf.subarray(m[0].length);
  return data.length === width * height ? { data, width, height } : null;
}

/** Which implementation read a page; recorded in the page's corrections (`remote`: a `kwerenda worker --ocr`). */
export type OcrEngineId = 'wasm' | 'native' | 'remote';
/** The setting `KWERENDA_OCR_ENGINE`: `auto` picks native when usable, else wasm. */
export type OcrEngineChoice = 'auto' | OcrEngineId;

/**
 * Recognises grey page images (PGM is the cheapest to hand over) in Polish with word boxes and
 * confidence, and detects page orientation. Runs at most `size` recognitions at once; each call
 * is bounded by its own time limit and fails with an `IngestError` for that page only.
 */
export interface OcrEngine {
  readonly id: OcrEngineId;
  /** Set when the pages are read with the installation's own Polish model instead of the bundled best_int. */
  readonly model?: 'system';
  /** Recognitions run at once (one per worker or child process). */
  readonly size: number;
  recognize(image: Buffer, timeoutMs: number): Promise<OcrOutput>;
  /** Orientation of the page, or null when it cannot be decided (too little text, no OSD data). */
  detectOrientation(image: Buffer, timeoutMs: number): Promise<OsdOutput | null>;
  close(): Promise<void>;
}

/** Where the native binary is and what it can read. */
export interface NativeProbe {
  ok: boolean;
  /** Why native cannot be used (for the start-up error or log). */
  reason?: string;
  /** `osd` data installed: orientation detection can run natively. */
  osd: boolean;
}

/** Asks `binary --list-langs` whether native tesseract is installed with Polish (and OSD) data. */
export function probeNativeTesseract(binary = 'tesseract'): Promise<NativeProbe> {
  return new Promise((resolve) => {
    execFile(binary, ['--list-langs'], { timeout: 10_000, encoding: 'utf8' }, (err, stdout) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        resolve({ ok: false, osd: false, reason: code === 'ENOENT' ? `brak programu "${binary}" w PATH` : `"${binary} --list-langs" zakończył się błędem` });
        return;
      }
      const langs = new Set(stdout.split('\n').slice(1).map((l) => l.trim()));
      if (!langs.has('pol')) resolve({ ok: false, osd: langs.has('osd'), reason: 'brak danych języka polskiego (pakiet tesseract-ocr-pol)' });
      else resolve({ ok: true, osd: langs.has('osd') });
    });
  });
}

export interface CreateOcrEngineOptions {
  /** The native binary (default `tesseract` on PATH). */
  binary?: string;
  /** Told which engine was chosen and why (never page content). */
  log?: (message: string) => void;
  /**
   * The Polish model: `bundled` (default; npm's best_int, which tesseract.js reads too) or `system`
   * (the native binary's own tessdata — Debian's `pol` is the faster tessdata_fast build). `system`
   * needs the native engine: forced native without it stops the start, `auto` falls back to
   * tesseract.js with the bundled model and says so.
   */
  model?: 'bundled' | 'system';
  /** For `remote`: the Redis queue and the requests kept in flight (then `size` is ignored). */
  remote?: { url: string; slots: number; prefix?: string };
}

/**
 * The composition root's choice. `native` forced without a usable binary stops the start with a
 * readable reason; `auto` falls back to tesseract.js.
 */
export async function createOcrEngine(choice: OcrEngineChoice, size: number, opts: CreateOcrEngineOptions = {}): Promise<OcrEngine> {
  // Imported here so that neither implementation loads unless chosen.
  const wasm = async () => new (await import('./tesseract-pool.js')).TesseractPool(size);
  if (choice === 'wasm') return wasm();
  if (choice === 'remote') {
    if (!opts.remote) throw new IngestError('ocr_failed', 'KWERENDA_OCR_ENGINE=remote wymaga REDIS_URL', true);
    const { RemoteOcrEngine } = await import('../../server/queue/remote-ocr.js');
    return new RemoteOcrEngine({ ...opts.remote, onError: (e) => (opts.log ?? ((m) => process.stderr.write(`${m}\n`)))(`Zdalny OCR (Redis): ${e.message}`) });
  }
  const probe = await probeNativeTesseract(opts.binary);
  if (!probe.ok) {
    if (choice === 'native') {
      throw new IngestError(
        'ocr_failed',
        `KWERENDA_OCR_ENGINE=native, ale natywny tesseract jest niedostępny: ${probe.reason} (apt-get install tesseract-ocr tesseract-ocr-pol)`,
        true,
      );
    }
    const model = opts.model === 'system' ? '; model języka: dołączony best_int zamiast systemowego' : '';
    opts.log?.(`OCR: tesseract.js (natywny tesseract niedostępny: ${probe.reason})${model}`);
    return wasm();
  }
  const { NativeTesseract, bundledTessdata } = await import('./native-tesseract.js');
  if (opts.model === 'system') {
    // The installation's own folder; its OSD data is used when installed, else tesseract.js's.
    return new NativeTesseract(size, { binary: opts.binary, osd: probe.osd });
  }
  return new NativeTesseract(size, { binary: opts.binary, tessdataDir: bundledTessdata(), osd: true });
}
