/**
 * pdf.js's legacy build (the one that runs on Node 20), loaded without the slow built-ins it
 * swaps in.
 *
 * Both bundles carry core-js polyfills. Most add what Node 20 lacks and pdf.js uses
 * (`Promise.withResolvers`, `Uint8Array.prototype.toHex`, iterator helpers …) and are kept. A few
 * *replace* native functions over spec corner cases pdf.js never meets: `Array.prototype.push`
 * (V8 ≤ 12.1 throws the wrong error type when pushing onto an array whose length is read-only),
 * `JSON.parse`/`JSON.stringify` (ES2025 raw JSON, source text in revivers) and
 * `Function.prototype.toString`. The replacement `push` is plain JavaScript and runs for every push
 * in the thread — pdf.js's own parser included: ~10 % of text extraction on a born-digital file
 * (profiled on `gitprawo_kodeks.pdf`). The natives are put back once both bundles are loaded.
 */

const natives = {
  push: Array.prototype.push,
  parse: JSON.parse,
  stringify: JSON.stringify,
  toString: Function.prototype.toString,
};

// A computed specifier for the worker bundle: it ships no type declarations.
const workerSpec = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
const [lib, workerBundle] = await Promise.all([
  import('pdfjs-dist/legacy/build/pdf.mjs'),
  import(workerSpec) as Promise<{ WorkerMessageHandler: { initializeFromPort(port: unknown): void } }>,
]);

restoreNatives();

/** Puts back the native built-ins the bundles replaced (pdfjs.test.ts checks they are back). */
function restoreNatives(): void {
  const put = (target: object, key: string, value: unknown) => {
    const d = Object.getOwnPropertyDescriptor(target, key);
    if (d && d.value !== value) Object.defineProperty(target, key, { ...d, value });
  };
  put(Array.prototype, 'push', natives.push);
  put(JSON, 'parse', natives.parse);
  put(JSON, 'stringify', natives.stringify);
  put(Function.prototype, 'toString', natives.toString);
}

/** The pdf.js display API (`getDocument`, `OPS`, `PDFWorker` …). */
export const pdfjs = lib;

/** pdf.js's parser entry point, run in this thread behind a port (see pdf-shared-port.ts). */
export const WorkerMessageHandler = workerBundle.WorkerMessageHandler;
