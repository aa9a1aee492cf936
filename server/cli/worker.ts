/**
 * `kwerenda worker`: runs ingest jobs from the Redis queue (BullMQ) and nothing else, until SIGINT
 * or SIGTERM. Any number of these may run, on one machine (sharing the SQLite archive) or several.
 * The first signal stops taking jobs and lets the running ones finish; a second one exits at once,
 * and the interrupted jobs are taken over by another worker once their locks expire.
 */
import type { Config } from '../config.js';
import { createIngestRuntime } from '../main.js';

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

export async function workerCommand(config: Readonly<Config>, opts: { workers?: number }): Promise<number> {
  if (!config.redisUrl) {
    process.stderr.write(
      'kwerenda worker działa tylko z kolejką Redis: ustaw REDIS_URL (np. redis://127.0.0.1:6379).\n' +
        'Bez Redisa pliki przetwarza samo polecenie `kwerenda ingest` (albo `kwerenda serve`).\n',
    );
    return 2;
  }
  const runtime = await createIngestRuntime(config, opts.workers, {
    consume: true,
    onJob: (job, outcome) =>
      process.stderr.write(`[worker ${process.pid}] ${job.id} (próba ${job.attempt}/${job.maxAttempts}): ${OUTCOME[outcome]}\n`),
  });
  process.stderr.write(
    `[worker ${process.pid}] gotowy: kolejka ${redisWhere(config.redisUrl)}, archiwum ${config.dataDir}, ` +
      `procesy OCR: ${runtime.pool.size}. Ctrl+C kończy.\n`,
  );
  await new Promise<void>((resolve) => {
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
  await runtime.close();
  process.stderr.write(`[worker ${process.pid}] zakończono.\n`);
  return 0;
}
