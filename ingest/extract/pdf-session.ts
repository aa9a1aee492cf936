/**
 * The ingest side of the PDF worker: one worker thread per open document, every request under a
 * time limit, the thread's heap capped and its decoded streams bounded (pdf-decode-limit.ts). A
 * hang or a memory blow-up ends the thread, not the batch.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { IngestError } from '../../server/errors.js';
import { decodeLimits } from './pdf-decode-limit.js';
import { DEFAULT_WINDOW_PAGES, type PdfImage, type PdfReply, type PdfRequest, type PdfTextPage } from './pdf-protocol.js';

/**
 * Files from this size on are read a window of pages at a time (`KWERENDA_PDF_WINDOW_MB`). Below it
 * the whole-file mode is faster (embedded JPEGs handed out as stored) and no bigger: PDF reading
 * peaks at ~360 MB either way at 150 MB of file (whole: 140 MB at 10 MB of file, 519 MB at 305 MB).
 */
export const DEFAULT_WINDOW_BYTES = 128 * 1024 * 1024;

/** The compiled worker: tests run this module from source, the worker always runs from dist/. */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return path.join(path.dirname(here), 'pdf-worker.js');
  const root = path.resolve(path.dirname(here), '..', '..');
  return path.join(root, 'dist', 'ingest', 'extract', 'pdf-worker.js');
}

type Body<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Limits and settings of one PDF worker. */
export interface PdfSessionOptions {
  timeoutMs: number;
  memoryMb: number;
  passwords: string[];
  maxImagePixels: number;
  /**
   * `openFile`: files of at least this many bytes are not read into memory but read by the worker
   * a window of pages at a time (memory flat in file size); default DEFAULT_WINDOW_BYTES.
   */
  windowBytes?: number;
  /** Pages per window in that mode; default DEFAULT_WINDOW_PAGES. */
  windowPages?: number;
}

export class PdfSession {
  private worker: Worker | null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: PdfReply) => void; reject: (e: Error) => void }>();
  private fatal: IngestError | null = null;
  pageCount = 0;
  /** `whole`: the worker holds the file's bytes; `windowed`: it reads the file a window at a time. */
  mode: 'whole' | 'windowed' = 'whole';
  /** Windowed mode: how many times the worker has opened the document so far (one per window). */
  windowOpens = 0;
  /** Windowed mode: the file, open for the worker to read; closed with the session. */
  private file: fs.promises.FileHandle | null = null;

  private constructor(private readonly opts: PdfSessionOptions) {
    this.worker = new Worker(workerFile(), {
      resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb, maxYoungGenerationSizeMb: 64 },
      // Decoded streams live outside the heap: the same setting bounds them.
      workerData: { decodeLimits: decodeLimits(opts.memoryMb) },
      stdout: true,
      stderr: true,
    });
    // pdf.js prints warnings about broken files; they are not ours to show (and may quote content).
    this.worker.stdout.resume();
    this.worker.stderr.resume();
    this.worker.on('message', (r: PdfReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok && r.opens !== undefined) this.windowOpens = r.opens;
      p.resolve(r);
    });
    this.worker.on('error', (err: Error & { code?: string }) => {
      const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY' || /memory/i.test(err.message);
      this.failAll(
        oom
          ? new IngestError('out_of_memory', `analiza PDF przekroczyła ${this.opts.memoryMb} MB`)
          : new IngestError('corrupt', err.message.slice(0, 200)),
      );
    });
    this.worker.on('exit', () => {
      this.worker = null;
      this.failAll(this.fatal ?? new IngestError('internal', 'proces analizy PDF zakończył się', false));
    });
  }

  /** Opens a document; `data` is handed over to the worker and must not be used afterwards. */
  static async open(data: Uint8Array, opts: PdfSessionOptions): Promise<PdfSession> {
    const s = new PdfSession(opts);
    try {
      const r = await s.call({ op: 'open', data, passwords: opts.passwords, maxImagePixels: opts.maxImagePixels });
      s.pageCount = r.pageCount ?? 0;
      return s;
    } catch (err) {
      await s.close();
      throw err;
    }
  }

  /**
   * Opens the PDF at `file`: small files are read and handed to the worker (`open`), files of at
   * least `windowBytes` are read by the worker itself, a window of pages at a time.
   */
  static async openFile(file: string, opts: PdfSessionOptions): Promise<PdfSession> {
    const handle = await fs.promises.open(file, 'r');
    let owned = false;
    try {
      const { size } = await handle.stat();
      if (size < (opts.windowBytes ?? DEFAULT_WINDOW_BYTES)) {
        const data = await handle.readFile();
        return await PdfSession.open(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), opts);
      }
      const s = new PdfSession(opts);
      s.mode = 'windowed';
      s.file = handle;
      owned = true;
      try {
        const r = await s.call({
          op: 'open-windowed',
          fd: handle.fd,
          length: size,
          windowPages: opts.windowPages ?? DEFAULT_WINDOW_PAGES,
          passwords: opts.passwords,
          maxImagePixels: opts.maxImagePixels,
        });
        s.pageCount = r.pageCount ?? 0;
        return s;
      } catch (err) {
        await s.close();
        throw err;
      }
    } finally {
      if (!owned) await handle.close().catch(() => undefined);
    }
  }

  async text(page: number): Promise<PdfTextPage> {
    const r = await this.call({ op: 'text', page });
    return r.text!;
  }

  async image(page: number, dpi: number, maxPixels: number, render = false): Promise<PdfImage> {
    const r = await this.call({ op: 'image', page, dpi, maxPixels, render });
    return r.image!;
  }

  private failAll(err: IngestError): void {
    this.fatal ??= err;
    for (const p of this.pending.values()) p.reject(this.fatal);
    this.pending.clear();
  }

  private call(body: Body<PdfRequest>): Promise<Extract<PdfReply, { ok: true }>> {
    if (this.fatal) return Promise.reject(this.fatal);
    const worker = this.worker;
    if (!worker) return Promise.reject(new IngestError('internal', 'proces analizy PDF nie działa', false));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.failAll(
          new IngestError('timeout', `analiza PDF trwała dłużej niż ${Math.round(this.opts.timeoutMs / 1000)} s`),
        );
        void worker.terminate();
      }, this.opts.timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          if (r.ok) resolve(r);
          else reject(new IngestError(r.code, r.detail));
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      // The document's bytes move to the worker rather than being copied (the caller is done with
      // them), unless they share a buffer with other data.
      const transfer =
        body.op === 'open' && body.data.byteOffset === 0 && body.data.byteLength === body.data.buffer.byteLength
          ? [body.data.buffer as ArrayBuffer]
          : [];
      worker.postMessage({ ...body, id } as PdfRequest, transfer);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) {
      this.fatal ??= new IngestError('interrupted', 'dokument zamknięty', false);
      await w.terminate().catch(() => undefined);
    }
    // Only once the worker has stopped: it reads by this descriptor.
    const file = this.file;
    this.file = null;
    await file?.close().catch(() => undefined);
  }
}
