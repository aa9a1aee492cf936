/**
 * `kwerenda reindex`: rebuilds the Elasticsearch index of a scaled-out archive from the archive
 * record into a new generation and switches the aliases to it atomically (searches keep working
 * throughout; see server/search/elasticsearch/es-reindex.ts). Also `--status`: the outbox of
 * changes not yet in the index. Admins only; recorded in the audit trail.
 */
import { Command } from 'commander';
import type { Config } from '../config.js';
import type { RuntimeOptions } from '../runtime.js';
import { AuditLog } from '../store/audit-log.js';
import { cliOperator } from '../store/users.js';
import { requireCli } from './users.js';

type Load = (opts: { data?: string }) => Readonly<Config>;

export function reindexCommand(load: Load, setExit: (code: number) => void, runtime: RuntimeOptions = {}): Command {
  return new Command('reindex')
    .description('Przebuduj indeks Elasticsearch z archiwum (nowa generacja, przełączenie bez przerwy w wyszukiwaniu)')
    .option('--data <dir>', 'katalog danych archiwum')
    .option('--keep-old', 'nie usuwaj poprzedniej generacji indeksów')
    .option('--status', 'tylko pokaż zmiany czekające na zapis w indeksie')
    .action(async (opts: { data?: string; keepOld?: boolean; status?: boolean }) => {
      requireCli('index.manage');
      const config = load(opts);
      if (config.backend !== 'elasticsearch') {
        process.stderr.write(
          'Przebudowa indeksu dotyczy archiwum w Elasticsearch (KWERENDA_BACKEND=elasticsearch i ELASTICSEARCH_URL).\n' +
            'Wbudowane archiwum SQLite indeksuje każdy dokument w chwili przyjęcia i nie wymaga przebudowy.\n',
        );
        setExit(2);
        return;
      }
      const [{ createRuntime }, { reindexArchive }] = await Promise.all([
        import('../runtime.js'),
        import('../search/elasticsearch/es-reindex.js'),
      ]);
      const rt = await createRuntime(config, runtime);
      try {
        const es = rt.elasticsearch!;
        if (opts.status) {
          const failing = rt.db.prepare('SELECT count(*) AS n FROM search_sync WHERE attempts > 0').get() as { n: number };
          process.stdout.write(`Zmiany czekające na zapis w indeksie: ${es.sync.pending()} (w tym po nieudanej próbie: ${failing.n})\n`);
          return;
        }
        const tty = process.stderr.isTTY;
        const result = await reindexArchive(es, rt.db, {
          keepOld: opts.keepOld ?? false,
          onProgress: (done, total) => {
            if (tty) process.stderr.write(`\rDokumenty: ${done}/${total}`);
            else if (done === total || done % 500 < 20) process.stderr.write(`Dokumenty: ${done}/${total}\n`);
          },
        });
        if (tty) process.stderr.write('\n');
        new AuditLog(rt.db, config.timeZone).append({
          actor: cliOperator(),
          action: 'search_index.rebuilt',
          details: { generation: result.generation, documents: result.documents, previous: result.previous, deleted: result.deleted, stempel: result.stempel },
        });
        process.stdout.write(
          `Indeks przebudowany: generacja ${result.generation}, dokumentów: ${result.documents}, ` +
            `analizator polski: ${result.stempel ? 'stempel' : 'zastępczy (bez wtyczki analysis-stempel)'}.\n` +
            (result.previous.length === 0
              ? ''
              : result.deleted
                ? `Usunięto poprzednie indeksy: ${result.previous.join(', ')}\n`
                : `Poprzednie indeksy zachowane (--keep-old): ${result.previous.join(', ')}\n`),
        );
        // Whatever changed while the copy ran and is still queued goes in now.
        const after = await es.sync.drain();
        if (after.failed > 0) {
          process.stderr.write(`Uwaga: ${after.failed} zmian nie zapisano jeszcze w indeksie (${after.error}); serwer ponowi próbę.\n`);
          setExit(1);
        }
      } finally {
        await rt.close();
      }
    });
}
