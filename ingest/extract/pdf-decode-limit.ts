/**
 * Bounds on what a PDF's streams may inflate to, enforced inside the PDF worker thread.
 *
 * The worker's heap limit does not cover decoded streams: pdf.js (and pdf-lib) hold them in
 * ArrayBuffers, outside the V8 heap, so a Flate stream of a few MB that inflates to GBs would take
 * the process's memory with it. pdf.js is patched (patches/pdfjs-dist+5.6.205.patch) to report
 * every growth of a decoded stream to a guard installed here on `globalThis`; pdf-lib's decoder is
 * wrapped the same way (pdf-image-objects.ts). The guard refuses
 *  - any single decoded stream larger than a quarter of `KWERENDA_PDF_WORKER_MEMORY_MB`, and
 *  - any growth while this thread's ArrayBuffers (the file, decoded streams, images) hold more
 *    than `KWERENDA_PDF_WORKER_MEMORY_MB`.
 * Images take no more of a stream than their declared size needs (the patch stops inflating there).
 *
 * pdf.js skips over errors in content it can (a broken stream, a bad font) and carries on, so a
 * refusal is also remembered here: every decode after it is refused at once, the worker fails every
 * request from then on with the reason (`corrupt`), and the document is not stored half-read.
 */

const GUARD = Symbol.for('pdfjs.decodedSizeGuard');
const MB = 1024 * 1024;
/** The thread's ArrayBuffers are measured after every this many decoded bytes (~27 µs a measurement). */
const MEASURE_EVERY = 8 * MB;

export interface DecodeLimits {
  /** Largest decoded stream, in bytes. */
  streamBytes: number;
  /** Largest total of this thread's ArrayBuffers while a stream grows, in bytes. */
  threadBytes: number;
}

/** The limits that go with the PDF worker's memory limit (`KWERENDA_PDF_WORKER_MEMORY_MB`). */
export function decodeLimits(memoryMb: number): DecodeLimits {
  return { streamBytes: Math.floor((memoryMb * MB) / 4), threadBytes: memoryMb * MB };
}

/** Thrown by the guard; pdf.js's patched decoders let an error with this mark through. */
export class DecodedSizeError extends Error {
  readonly decodedSizeExceeded = true;
}

let exceeded: string | null = null;

/** The reason the first refused stream was refused, if one was. */
export function decodeLimitExceeded(): string | null {
  return exceeded;
}

/**
 * Checks a stream that has grown to `streamBytes` decoded bytes, `allocating` of them new (or
 * about to be allocated); throws DecodedSizeError past a limit.
 */
export type DecodeGuard = (streamBytes: number, allocating: number) => void;

export function makeDecodeGuard(limits: DecodeLimits, held = () => process.memoryUsage().arrayBuffers): DecodeGuard {
  let sinceMeasure = 0;
  return (streamBytes, allocating) => {
    // The document is refused already: whatever pdf.js tries next ends at once.
    if (exceeded) throw new DecodedSizeError(exceeded);
    if (streamBytes > limits.streamBytes) {
      refuse(`strumień danych PDF rozpakowuje się do ponad ${mb(limits.streamBytes)} MB`);
    }
    sinceMeasure += allocating;
    if (sinceMeasure < MEASURE_EVERY) return;
    sinceMeasure = 0;
    if (held() + allocating > limits.threadBytes) {
      refuse(`rozpakowane strumienie danych PDF zajęły ponad ${mb(limits.threadBytes)} MB pamięci`);
    }
  };
}

/** Installs the guard for this thread (the PDF worker calls this once, before opening a file). */
export function installDecodeLimits(limits: DecodeLimits): DecodeGuard {
  const guard = makeDecodeGuard(limits);
  (globalThis as Record<symbol, unknown>)[GUARD] = guard;
  return guard;
}

/** The guard this thread runs under, if one is installed. */
export function currentDecodeGuard(): DecodeGuard | undefined {
  return (globalThis as Record<symbol, unknown>)[GUARD] as DecodeGuard | undefined;
}

function refuse(what: string): never {
  exceeded ??=
    `${what} — możliwa „bomba dekompresyjna”; jeśli to zwykły dokument, ` +
    'administrator może zwiększyć KWERENDA_PDF_WORKER_MEMORY_MB';
  throw new DecodedSizeError(exceeded);
}

function mb(bytes: number): number {
  return Math.round(bytes / MB);
}
