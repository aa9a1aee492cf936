/**
 * Feeds pdf.js a file piece by piece: positioned reads of the byte ranges its parser asks for,
 * instead of the whole file in memory. Used by the PDF worker for files above the window threshold
 * (see pdf-windowed.ts).
 *
 * pdf.js's `ChunkedStream` still allocates one `Uint8Array` of the file's length per open
 * document, but a large zero-filled allocation is mapped lazily by the OS: only the chunks pdf.js
 * actually loads become resident (measured with VmHWM: a 300-page, 152 MB scan read in windows of
 * 16 pages peaks at ~130 MB for the whole process).
 */
import fs from 'node:fs';
import { pdfjs } from './pdfjs.js';

/** Bytes pdf.js loads at a time (its default); also the initial read handed over at open. */
export const RANGE_CHUNK_BYTES = 1 << 16;

/**
 * A file opened by the ingest thread and read here by descriptor: the owner of the descriptor
 * closes it, so a worker that is terminated mid-read leaks nothing.
 */
export class RangeFile {
  /** Bytes read from the file so far (for tests and measurements). */
  bytesRead = 0;
  /** The first read that failed, if any (pdf.js has no way to hear of it; see rangeTransport). */
  failure: Error | null = null;
  /** Rejects with the first failed read: race pdf.js's promises against it, they would wait forever. */
  readonly failed: Promise<never>;
  private fail!: (err: Error) => void;

  constructor(
    private readonly fd: number,
    readonly length: number,
  ) {
    this.failed = new Promise<never>((_, reject) => (this.fail = reject));
    this.failed.catch(() => undefined);
  }

  /** Reads `[begin, end)`; a file that shrank since it was opened gives a short read, which throws. */
  read(begin: number, end: number): Uint8Array {
    const want = Math.max(0, Math.min(end, this.length) - begin);
    const buf = new Uint8Array(want);
    let got = 0;
    while (got < want) {
      let n: number;
      try {
        n = fs.readSync(this.fd, buf, got, want - got, begin + got);
      } catch (err) {
        throw this.failWith(new Error(`błąd odczytu pliku (${(err as Error).message.slice(0, 120)})`));
      }
      if (n === 0) throw this.failWith(new Error(`plik skrócił się podczas odczytu (bajt ${begin + got} z ${this.length})`));
      got += n;
    }
    this.bytesRead += want;
    return buf;
  }

  private failWith(err: Error): Error {
    this.failure ??= err;
    this.fail(this.failure);
    return this.failure;
  }
}

/**
 * A pdf.js range transport over `file`. A failed read leaves pdf.js's request unanswered (it has no
 * error path for one) and rejects `file.failed`, which the caller races against pdf.js.
 */
export function rangeTransport(file: RangeFile): InstanceType<typeof pdfjs.PDFDataRangeTransport> {
  const initial = file.read(0, Math.min(file.length, RANGE_CHUNK_BYTES));
  const transport = new pdfjs.PDFDataRangeTransport(file.length, initial);
  transport.requestDataRange = (begin: number, end: number) => {
    // Answered on a later tick, as a network transport would: pdf.js registers its listeners first.
    queueMicrotask(() => {
      let chunk: Uint8Array;
      try {
        chunk = file.read(begin, end);
      } catch {
        return; // recorded in file.failed
      }
      transport.onDataRange(begin, chunk);
    });
  };
  return transport;
}
