/**
 * Runs one exported function of a compiled module (dist/) in a worker thread and reports whether it
 * finished within a generous limit: a test of "this input does not make the code run away" that
 * does not hang the test runner when it does, and never asserts a tight time.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export type BoundedRun = { finished: true; result: unknown } | { finished: false };

/** `distModule` relative to the repository root, e.g. `dist/ingest/metadata/index.js`. */
export async function runBounded(distModule: string, fn: string, args: unknown[], limitMs: number): Promise<BoundedRun> {
  const url = pathToFileURL(path.join(ROOT, distModule)).href;
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.url).then((m) => parentPort.postMessage(m[workerData.fn](...workerData.args)));
  `;
  const worker = new Worker(code, { eval: true, workerData: { url, fn, args } });
  try {
    return await new Promise<BoundedRun>((resolve, reject) => {
      const timer = setTimeout(() => resolve({ finished: false }), limitMs);
      worker.once('message', (result: unknown) => {
        clearTimeout(timer);
        resolve({ finished: true, result });
      });
      worker.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  } finally {
    await worker.terminate();
  }
}
