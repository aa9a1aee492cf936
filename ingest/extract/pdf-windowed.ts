/**
 * A large PDF read a window of pages at a time, so that memory stays flat in file size.
 *
 * pdf.js keeps every chunk of the file it has loaded for as long as the document is open, and
 * reading a scanned page loads its whole image stream. So the document is opened through a range
 * transport (pdf-range-source.ts) and, once the pages asked for move on to the next window of
 * `windowPages` pages, opened again and the earlier one destroyed: what was loaded for earlier
 * pages is released. The price is parsing the trailer, xref and fonts again per window (~0.05 s
 * a window on the benchmark scans).
 *
 * Pages are asked for roughly in order, a few at once; a request for an earlier window (a retry)
 * just opens that window again. At most two documents are open at a time.
 */
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/types/src/display/api.js';
import { pdfjs } from './pdfjs.js';
import { pdfjsOptions } from './pdfjs-options.js';
import { RANGE_CHUNK_BYTES, rangeTransport, type RangeFile } from './pdf-range-source.js';

type PDFWorker = InstanceType<typeof pdfjs.PDFWorker>;

interface Slot {
  window: number;
  doc: Promise<PDFDocumentProxy>;
  users: number;
  lastUse: number;
}

export interface WindowedOptions {
  worker: PDFWorker;
  maxImagePixels: number;
  windowPages: number;
}

export class WindowedDocument {
  private readonly slots: Slot[] = [];
  private clock = 0;
  /** Documents opened so far, the first included (for tests and measurements). */
  opens = 0;

  private constructor(
    private readonly file: RangeFile,
    private readonly opts: WindowedOptions,
    private readonly password: string | undefined,
    readonly numPages: number,
  ) {}

  /**
   * Opens the file's first window with the first password that works (`undefined` = none).
   * Throws pdf.js's error (a `PasswordException` when none of them opens it).
   */
  static async open(file: RangeFile, opts: WindowedOptions, passwords: (string | undefined)[]): Promise<WindowedDocument> {
    let last: unknown = null;
    for (const password of passwords) {
      const probe = new WindowedDocument(file, opts, password, 0);
      try {
        const doc = await probe.load();
        const opened = new WindowedDocument(file, opts, password, doc.numPages);
        opened.opens = 1;
        opened.slots.push({ window: 0, doc: Promise.resolve(doc), users: 0, lastUse: 0 });
        return opened;
      } catch (err) {
        last = err;
        if ((err as { name?: string }).name !== 'PasswordException') throw err;
      }
    }
    throw last;
  }

  /** The reason a read of the file failed, if one did (a request then waits for its time limit). */
  failure(): Error | null {
    return this.file.failure;
  }

  /** Runs `fn` on page `n` (1-based) of the window that holds it, releasing earlier windows. */
  async withPage<T>(n: number, fn: (page: PDFPageProxy, doc: PDFDocumentProxy) => Promise<T>): Promise<T> {
    const slot = this.slotFor(Math.floor((n - 1) / this.opts.windowPages));
    slot.users++;
    const run = async () => {
      const doc = await slot.doc;
      const page = await doc.getPage(n);
      try {
        return await fn(page, doc);
      } finally {
        page.cleanup();
      }
    };
    try {
      // A failed read of the file ends the request at once, with its reason.
      return await Promise.race([run(), this.file.failed]);
    } finally {
      slot.users--;
      this.evict();
    }
  }

  async destroy(): Promise<void> {
    const docs = this.slots.splice(0).map((s) => s.doc);
    await Promise.all(docs.map((d) => d.then((doc) => doc.destroy()).catch(() => undefined)));
  }

  private slotFor(window: number): Slot {
    const open = this.slots.find((s) => s.window === window);
    if (open) {
      open.lastUse = ++this.clock;
      return open;
    }
    const doc = this.load();
    doc.catch(() => undefined); // awaited by the request that opened it
    const slot: Slot = { window, doc, users: 0, lastUse: ++this.clock };
    this.slots.push(slot);
    this.opens++;
    this.evict();
    return slot;
  }

  /** Keeps the two most recently used windows, and any window a request is still using. */
  private evict(): void {
    const keep = new Set([...this.slots].sort((a, b) => b.lastUse - a.lastUse).slice(0, 2));
    for (const slot of [...this.slots]) {
      if (keep.has(slot) || slot.users > 0) continue;
      this.slots.splice(this.slots.indexOf(slot), 1);
      void slot.doc.then((doc) => doc.destroy()).catch(() => undefined);
    }
  }

  private async load(): Promise<PDFDocumentProxy> {
    const transport = rangeTransport(this.file);
    const task = pdfjs.getDocument({
      range: transport,
      length: this.file.length,
      worker: this.opts.worker,
      password: this.password,
      ...pdfjsOptions(),
      maxImageSize: this.opts.maxImagePixels,
      stopAtErrors: false,
      // Only what a page needs: no background loading of the rest of the file.
      disableAutoFetch: true,
      disableStream: true,
      rangeChunkSize: RANGE_CHUNK_BYTES,
    });
    try {
      return await Promise.race([task.promise, this.file.failed]);
    } catch (err) {
      await task.destroy().catch(() => undefined);
      throw err;
    }
  }
}
