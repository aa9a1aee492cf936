/**
 * The ingest side of the PDF worker: one worker thread per open document, every request under a
 * time limit, the thread's heap capped. A hang or a memory blow-up ends the thread, not the batch.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { IngestError } from '../../server/errors.js';
import type { PdfImage, PdfReply, PdfRequest, PdfTextPage } from './pdf-protocol.js';

/** The compiled worker: tests run this module from source, the worker always runs from dist/. */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return path.join(path.dirname(here), 'pdf-worker.js');
  const root = path.resolve(path.dirname(here), '..', '..');
  return path.join(root, 'dist', 'ingest', 'extract', 'pdf-worker.js');
}

type Body<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface PdfSessionOptions {
  timeoutMs: number;
  memoryMb: number;
  passwords: string[];
  maxImagePixels: number;
}

export class PdfSession {
  private worker: Worker | null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: PdfReply) => void; reject: (e: Error) => void }>();
  private fatal: IngestError | null = null;
  pageCount = 0;

  private constructor(private readonly opts: PdfSessionOptions) {
    this.worker = new Worker(workerFile(), {
      resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb, maxYoungGenerationSizeMb: 64 },
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
    if (!w) return;
    this.worker = null;
    this.fatal ??= new IngestError('interrupted', 'dokument zamknięty', false);
    await w.terminate().catch(() => undefined);
  }
}
