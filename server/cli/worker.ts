/**
 * `kwerenda worker`: runs ingest jobs from the Redis queue (BullMQ) and nothing else, until SIGINT
 * or SIGTERM. Any number of these may run, on one machine (sharing the SQLite archive) or several.
 * The first signal stops taking jobs and lets the running ones finish; a second one exits at once,
 * and the interrupted jobs are taken over by another worker once their locks expire.
 *
 * `kwerenda worker --ocr`: runs only page recognitions (`ocr-page` jobs, sent by an archive host
 * with KWERENDA_OCR_ENGINE=remote) with the local engine. It needs REDIS_URL and nothing else: no
 * data dir, no database, no shared filesystem — so it can run on any machine that reaches Redis.
 */
import type { Config } from '../config.js';
import { createOcrEngine } from '../../ingest/extract/ocr-engine.js';
import { createIngestRuntime } from '../main.js';
import { runOcrWorker } from '../queue/remote-ocr.js';

/** host:port of a Redis URL, never its password. */
export function redisWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return '(nieprawidłowy adres)';
  }
}

const OUTCOME = { completed: 'zakończone', retry: 'błąd, ponowienie później', failed: 'nieudane' } as const;

export async function workerCommand(config: Readonly<Config>, opts: { workers?: number; ocr?: boolean }): Promise<number> {
  if (!config.redisUrl) {
    process.stderr.write(
      'kwerenda worker działa tylko z kolejką Redis: ustaw REDIS_URL (np. redis://127.0.0.1:6379).\n' +
        'Bez Redisa pliki przetwarza samo polecenie `kwerenda ingest` (albo `kwerenda serve`).\n',
    );
    return 2;
  }
  if (opts.ocr) return ocrWorker(config, config.redisUrl, opts.workers);
  const runtime = await createIngestRuntime(config, opts.workers, {
    consume: true,
    onJob: (job, outcome) =>
      process.stderr.write(`[worker ${process.pid}] ${job.id} (próba ${job.attempt}/${job.maxAttempts}): ${OUTCOME[outcome]}\n`),
  });
  process.stderr.write(
    `[worker ${process.pid}] gotowy: kolejka ${redisWhere(config.redisUrl)}, archiwum ${config.dataDir}, ` +
      `procesy OCR: ${runtime.pool.size}. Ctrl+C kończy.\n`,
  );
  await untilStopped();
  await runtime.close();
  process.stderr.write(`[worker ${process.pid}] zakończono.\n`);
  return 0;
}

/** OCR only: the local engine (KWERENDA_OCR_ENGINE, `remote` meaning auto here) on `ocr-page` jobs. */
async function ocrWorker(config: Readonly<Config>, url: string, workers?: number): Promise<number> {
  const choice = config.ingest.ocrEngine === 'remote' ? 'auto' : config.ingest.ocrEngine;
  const engine = await createOcrEngine(choice, workers ?? config.ingest.workers, {
    model: config.ingest.ocrModel,
    log: (m) => process.stderr.write(`${m}\n`),
  });
  const worker = runOcrWorker({
    url,
    engine,
    onError: (e) => process.stderr.write(`Kolejka Redis: ${e.message}\n`),
    onJob: (id, outcome, attempt) => process.stderr.write(`[worker ${process.pid}] ocr ${id.slice(2, 14)}… (próba ${attempt}): ${OUTCOME[outcome]}\n`),
  });
  await worker.ready();
  process.stderr.write(
    `[worker ${process.pid}] gotowy (tylko OCR): kolejka ${redisWhere(url)}, silnik ${engine.id}, procesy OCR: ${engine.size}. Ctrl+C kończy.\n`,
  );
  await untilStopped();
  await worker.close();
  await engine.close();
  process.stderr.write(`[worker ${process.pid}] zakończono.\n`);
  return 0;
}

/**
 * Resolves on the first SIGINT/SIGTERM (the caller then finishes its running jobs); a second one
 * exits at once, leaving the interrupted jobs to another worker once their locks expire.
 */
function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      const now = () => {
        process.stderr.write(`\n[worker ${process.pid}] przerwano; bieżące zadania przejmie inny worker.\n`);
        process.exit(130);
      };
      process.once('SIGINT', now);
      process.once('SIGTERM', now);
      process.stderr.write(
        `\n[worker ${process.pid}] zatrzymywanie: kończę bieżące zadania (ponownie Ctrl+C, aby przerwać natychmiast)…\n`,
      );
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
