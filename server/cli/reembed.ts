/**
 * `kwerenda reembed`: moves the archive to the configured embedding model without re-ingesting
 * (server/services/reembed.service.ts). The archive keeps answering on its old vectors while the
 * new ones are computed; a killed run continues where it stopped. Scaled out, the search index gets
 * a new generation with the new vectors. Admins only; recorded in the audit trail.
 */
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import type { Config } from '../config.js';
import type { RuntimeOptions } from '../runtime.js';
import type { ReindexResult } from '../search/elasticsearch/es-reindex.js';
import { AuditLog } from '../store/audit-log.js';
import { archiveEmbedding, embedderKey, type EmbedderSpec } from '../store/db.js';
import { cliOperator } from '../store/users.js';
import { requireCli } from './users.js';

type Load = (opts: { data?: string }) => Readonly<Config>;

function batchSize(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 4096) throw new InvalidArgumentError('liczba całkowita od 1 do 4096');
  return n;
}

/** Progress for people: a bar on a terminal, a line every 5% otherwise (logs, cron). */
function progressReporter(out: NodeJS.WriteStream): { update(done: number, total: number): void; stop(): void } {
  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: out, format: 'Fragmenty {bar} {value}/{total} | {rate} fragm./s | pozostało {left}', hideCursor: true, fps: 5 },
      cliProgress.Presets.shades_classic,
    );
    const started = Date.now();
    let first: number | null = null;
    let running = false;
    return {
      update(done, total) {
        first ??= done;
        const seconds = (Date.now() - started) / 1000;
        const perSecond = seconds > 0.5 ? (done - first) / seconds : 0;
        const secs = perSecond > 0 ? Math.round((total - done) / perSecond) : null;
        const payload = {
          rate: perSecond > 0 ? perSecond.toFixed(1) : '–',
          left: secs === null ? '–' : secs >= 60 ? `${Math.floor(secs / 60)} min ${secs % 60} s` : `${secs} s`,
        };
        if (!running) bar.start(Math.max(1, total), done, payload);
        running = true;
        bar.setTotal(Math.max(1, total));
        bar.update(done, payload);
      },
      stop() {
        if (running) bar.stop();
      },
    };
  }
  let last = -1;
  return {
    update(done, total) {
      const step = total === 0 ? 20 : Math.floor((done * 20) / total);
      if (step === last && done !== total) return;
      last = step;
      out.write(`Fragmenty z nowymi wektorami: ${done}/${total}\n`);
    },
    stop() {},
  };
}

function indexReport(r: ReindexResult): string {
  return (
    `Indeks Elasticsearch: nowa generacja ${r.generation} z nowymi wektorami (dokumentów: ${r.documents}), aliasy przełączone` +
    (r.previous.length > 0 ? `; poprzednie indeksy usunięte: ${r.previous.join(', ')}` : '') +
    '.\n'
  );
}

export function reembedCommand(load: Load, setExit: (code: number) => void, runtime: RuntimeOptions = {}): Command {
  return new Command('reembed')
    .description('Przelicz wektory archiwum skonfigurowanym modelem embeddingów (bez ponownego przyjmowania dokumentów)')
    .option('--data <dir>', 'katalog danych archiwum')
    .option('--batch <n>', 'fragmentów na jedną zapisaną porcję (domyślnie 128)', batchSize)
    .action(async (opts: { data?: string; batch?: number }) => {
      requireCli('index.manage');
      const config = load(opts);
      const [{ createRuntime, createEmbedder, configuredSpec, describeSpec, shownUrl }, { reembedArchive }, { APIConnectionError }] = await Promise.all([
        import('../runtime.js'),
        import('../services/reembed.service.js'),
        import('openai'),
      ]);
      const unreachable = (err: unknown): never => {
        if (err instanceof APIConnectionError) {
          throw new Error(
            `Serwer embeddingów ${shownUrl(config.embeddings.baseUrl ?? '')} (model ${config.embeddings.model}) nie odpowiada (${err.message}). ` +
              'To, co już przeliczono, zostaje w archiwum; uruchom `kwerenda reembed` ponownie, gdy serwer będzie dostępny.',
            { cause: err },
          );
        }
        throw err;
      };
      const rt = await createRuntime(config, { ...runtime, quietEmbedderMismatch: true });
      const describe = (spec: EmbedderSpec | null, key: string) => (spec ? describeSpec(spec) : key);
      try {
        const from = archiveEmbedding(rt.db);
        const embedder = await createEmbedder(config).catch(unreachable);
        const spec = configuredSpec(config, embedder.dimensions);
        const to = embedderKey(embedder.id, embedder.dimensions);
        if (from !== null && from.key !== to) {
          process.stderr.write(`Przeliczanie wektorów: ${describe(from.spec, from.key)} → ${describe(spec, to)}. Archiwum odpowiada na dotychczasowych wektorach do końca.\n`);
        }
        const progress = progressReporter(process.stderr);
        let result;
        try {
          result = await reembedArchive(rt.db, embedder, spec, {
            batch: opts.batch ?? 128,
            onProgress: (done, total) => progress.update(done, total),
            ...(rt.elasticsearch ? { elasticsearch: rt.elasticsearch } : {}),
            onIndexProgress: (done, total) => {
              if (done === total || done % 500 < 20) process.stderr.write(`Indeks Elasticsearch, dokumenty: ${done}/${total}\n`);
            },
          }).catch(unreachable);
        } finally {
          progress.stop();
        }
        if (!result.done) {
          process.stdout.write(`Archiwum już używa skonfigurowanego modelu embeddingów (${describe(from?.spec ?? spec, result.current)}): nic do zrobienia.\n`);
          if (result.abandoned) process.stdout.write(`Usunięto niedokończone przeliczanie dla innego modelu (${result.abandoned.key}).\n`);
          if (result.index) process.stdout.write(indexReport(result.index));
        } else {
          if (result.replaced) {
            process.stdout.write(`Przerwane przeliczanie dla innego modelu (${result.replaced.key}) porzucono; zaczęto od nowa dla ${to}.\n`);
          }
          new AuditLog(rt.db, config.timeZone).append({
            actor: cliOperator(),
            action: 'embeddings.reembedded',
            details: {
              from: result.from,
              to: result.to,
              chunks: result.chunks,
              embedded: result.embedded,
              resumed: result.resumed,
              ...(result.index ? { generation: result.index.generation } : {}),
            },
          });
          process.stdout.write(
            `Archiwum przełączone na model ${describe(spec, to)}: fragmentów ${result.chunks}` +
              `, przeliczonych w tym uruchomieniu ${result.embedded}` +
              (result.resumed ? ' (wznowiono przerwane przeliczanie)' : '') +
              (result.caughtUp > 0 ? `, w tym z dokumentów przyjętych w trakcie ${result.caughtUp}` : '') +
              (result.orphans > 0 ? `; usunięto wektory ${result.orphans} nieistniejących już fragmentów` : '') +
              '. Poprzednie wektory usunięte; działające serwery przechodzą na nowy model przy najbliższym wyszukiwaniu.\n',
          );
          if (result.index) process.stdout.write(indexReport(result.index));
        }
        if (rt.elasticsearch && result.index) {
          const after = await rt.elasticsearch.sync.drain();
          if (after.failed > 0) {
            process.stderr.write(`Uwaga: ${after.failed} zmian nie zapisano jeszcze w indeksie (${after.error}); serwer ponowi próbę.\n`);
            setExit(1);
          }
        }
      } finally {
        await rt.close();
      }
    });
}
