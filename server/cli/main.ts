/**
 * `kwerenda` command line. Messages for records staff are Polish; exit codes are the contract:
 * `ingest` exits 0 only when every file was ingested or already present. Each command's
 * implementation is loaded when it runs: the web server, OCR, search backend and clients take ~1 s
 * to load together, and `--help` needs none of them.
 */
import { cliOperator } from '../store/users.js';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { DomainError } from '../errors.js';
import { createReporter, statusWord } from './progress.js';
import { auditCommand } from './audit.js';
import { llmServeCommand } from './llm-serve.js';
import { reembedCommand } from './reembed.js';
import { reindexCommand } from './reindex.js';
import { thesaurusCommand } from './thesaurus.js';
import { parsePrincipalSpec, reapplyIngestRules, restrictCommands, restrictIngestRoots } from './restrict.js';
import type { Principal } from '../store/restrictions.js';
import { requireCli, usersCommand } from './users.js';

/** Configuration from the environment, with command-line options taking precedence. */
function configWith(opts: { data?: string; port?: number; host?: string }) {
  const env = { ...process.env };
  if (opts.data) env.KWERENDA_DATA_DIR = opts.data;
  if (opts.port !== undefined) env.KWERENDA_PORT = String(opts.port);
  if (opts.host) env.KWERENDA_HOST = opts.host;
  return loadConfig(env);
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('numer portu 0–65535');
  return n;
}

function limit(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new InvalidArgumentError('liczba całkowita od 1 do 50');
  return n;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('liczba całkowita od 1 do 64');
  return n;
}

export async function run(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('kwerenda')
    .description('Wyszukiwarka archiwum spraw budowlanych')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('ingest')
    .description('Dodaj pliki (skany i PDF) do archiwum')
    .argument('<paths...>', 'pliki lub foldery (przeszukiwane rekurencyjnie)')
    .option('--data <dir>', 'katalog danych archiwum')
    .option('--case <signature>', 'znak sprawy nadawany wszystkim plikom')
    .option('--workers <n>', 'liczba procesów OCR (domyślnie: liczba rdzeni)', positiveInt)
    .option('--watch', 'obserwuj foldery i dodawaj nowe pliki')
    .option('--restrict-to <principals>', 'dostęp do przyjętych plików tylko dla, np. user:anna,role:supervisor', parsePrincipalSpec)
    .option('--json', 'podsumowanie w formacie JSON na standardowym wyjściu')
    .option('--no-wait', 'tylko dodaj pliki do kolejki Redis i zakończ (wymaga REDIS_URL)')
    .option('--dms', 'eksport z systemu EZD: metadane z plików <plik>.json lub metadata.csv w folderze')
    .action(async (paths: string[], opts: { data?: string; case?: string; workers?: number; watch?: boolean; json?: boolean; restrictTo?: Principal[]; wait?: boolean; dms?: boolean }) => {
      requireCli('ingest.write');
      exitCode = await ingestCommand(paths, opts);
    });

  program
    .command('serve')
    .description('Uruchom API (domyślnie na 127.0.0.1:3000)')
    .option('--data <dir>', 'katalog danych archiwum')
    .option('--port <port>', 'port HTTP', port)
    .option('--host <host>', 'adres nasłuchiwania')
    .action(async (opts: { data?: string; port?: number; host?: string }) => {
      const { serveCommand } = await import('./serve.js');
      exitCode = await serveCommand(configWith(opts));
    });

  program
    .command('search')
    .description('Zadaj pytanie archiwum (wyniki z cytatami)')
    .argument('<question>', 'pytanie, np. "decyzja w sprawie WUA-ZRB.6740.1.123.2019"')
    .option('--data <dir>', 'katalog danych archiwum')
    .option('--limit <n>', 'liczba wyników (1–50)', limit)
    .option('--json', 'odpowiedź w formacie JSON (jak POST /api/agent/search)')
    .action(async (question: string, opts: { data?: string; json?: boolean; limit?: number }) => {
      requireCli('search');
      const { searchCommand } = await import('./search.js');
      exitCode = await searchCommand(configWith(opts), question, opts);
    });

  program
    .command('worker')
    .description('Przetwarzaj zadania z kolejki Redis (tryb skalowany; wymaga REDIS_URL)')
    .option('--data <dir>', 'katalog danych archiwum')
    .option('--workers <n>', 'liczba procesów OCR (domyślnie: liczba rdzeni)', positiveInt)
    .option('--ocr', 'tylko rozpoznawanie stron (OCR) dla archiwum z KWERENDA_OCR_ENGINE=remote; bez katalogu danych')
    .action(async (opts: { data?: string; workers?: number; ocr?: boolean }) => {
      const { workerCommand } = await import('./worker.js');
      exitCode = await workerCommand(configWith(opts), opts);
    });

  program
    .command('mcp')
    .description('Serwer MCP na stdin/stdout dla agentów i czatbotów (działa jako wskazany użytkownik)')
    .requiredOption('--user <name>', 'użytkownik, w którego imieniu działa serwer (jego rola decyduje o uprawnieniach)')
    .option('--data <dir>', 'katalog danych archiwum')
    .action(async (opts: { data?: string; user: string }) => {
      const { mcpCommand } = await import('./mcp.js');
      exitCode = await mcpCommand(configWith(opts), opts.user);
    });

  program.addCommand(usersCommand((opts) => configWith(opts)));
  program.addCommand(auditCommand((opts) => configWith(opts), (code) => (exitCode = code)));
  program.addCommand(reindexCommand((opts) => configWith(opts), (code) => (exitCode = code)));
  program.addCommand(reembedCommand((opts) => configWith(opts), (code) => (exitCode = code)));
  program.addCommand(thesaurusCommand());
  program.addCommand(llmServeCommand((code) => (exitCode = code)));
  for (const c of restrictCommands((opts) => configWith(opts))) program.addCommand(c);
  // addCommand does not pass settings down: every command must throw instead of exiting.
  const inherit = (cmd: Command) => {
    cmd.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
    cmd.commands.forEach(inherit);
  };
  inherit(program);

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ConfigError) {
      process.stderr.write(`Błędna konfiguracja:\n${err.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      return 2;
    }
    if (err instanceof DomainError) {
      process.stderr.write(`Błąd: ${err.message}\n`);
      return err.status < 500 ? 2 : 1;
    }
    process.stderr.write(`Błąd: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return exitCode;
}

async function ingestCommand(
  paths: string[],
  opts: { data?: string; case?: string; workers?: number; watch?: boolean; json?: boolean; restrictTo?: Principal[]; wait?: boolean; dms?: boolean },
): Promise<number> {
  const env = { ...process.env };
  if (opts.data) env.KWERENDA_DATA_DIR = opts.data;
  const config = loadConfig(env);
  if (opts.wait === false && (!config.redisUrl || opts.watch)) {
    process.stderr.write('--no-wait działa tylko z kolejką Redis (ustaw REDIS_URL) i bez --watch.\n');
    return 2;
  }
  const { createIngestRuntime } = await import('../runtime.js');
  const runtime = await createIngestRuntime(config, opts.workers);
  // With REDIS_URL the files are processed by `kwerenda worker` processes (this one only enqueues,
  // so OCR runs where the workers are); progress is read from the ledger they write.
  let liveBatch: number | null = null;
  const poll = config.redisUrl ? setInterval(() => liveBatch !== null && reporter.update(liveBatch), 500) : null;
  if (config.redisUrl) process.stderr.write('Kolejka Redis: pliki przetwarzają procesy `kwerenda worker`.\n');
  const tty = process.stderr.isTTY === true;
  const mode = config.progress === 'auto' ? (tty ? 'bar' : 'lines') : config.progress;
  const reporter = createReporter(mode, runtime.ledger, process.stderr);
  const abort = new AbortController();
  const onSignal = () => {
    if (opts.watch && !abort.signal.aborted) {
      process.stderr.write('\nZatrzymywanie obserwacji… (ponownie Ctrl+C, aby przerwać natychmiast)\n');
      abort.abort();
      return;
    }
    process.stderr.write('\nPrzerwano. Uruchom to samo polecenie ponownie, aby wznowić.\n');
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const caseOverride = opts.case?.trim() || null;
    // Rules first: each document from these roots is restricted the moment it becomes searchable.
    const rules = opts.restrictTo ? restrictIngestRoots(runtime.db, paths, opts.restrictTo) : [];
    if (opts.watch) {
      process.stderr.write(`Obserwuję: ${paths.join(', ')} (co ${config.ingest.watchIntervalMs / 1000} s). Ctrl+C kończy.\n`);
    }
    const result = await runtime.ingest.run({
      paths: paths.map((p) => path.resolve(p)),
      caseOverride,
      dms: opts.dms === true,
      by: cliOperator(),
      watch: opts.watch
        ? { intervalMs: config.ingest.watchIntervalMs, settleMs: config.ingest.watchSettleMs, signal: abort.signal }
        : undefined,
      onProgress: (batchId) => {
        liveBatch = batchId;
        reporter.update(batchId);
      },
      wait: opts.wait !== false,
      onWalkError: (p, err) => process.stderr.write(`Nie można odczytać: ${p} (${(err as NodeJS.ErrnoException).code ?? err.message})\n`),
    });
    reporter.stop();
    if (rules.length > 0) reapplyIngestRules(runtime.db, rules);
    let indexBehind = 0;
    if (runtime.elasticsearch) {
      // Rules that now also cover files already in the archive: into the search index before we report.
      const synced = await runtime.elasticsearch.sync.drain();
      if (synced.failed > 0) {
        indexBehind = synced.failed;
        process.stderr.write(`Uwaga: indeks wyszukiwania nie przyjął ${synced.failed} zmian (${synced.error}); serwer ponowi próbę.\n`);
      }
    }
    const s = result.summary;
    if (opts.wait === false && !opts.json) {
      process.stdout.write(`Partia ${result.batchId}: w kolejce ${s.files} plików (${s.files - s.queued - s.running} już zakończonych). Postęp: GET /api/ingest/batches/${result.batchId}\n`);
      return 0;
    }
    if (opts.wait === false) {
      process.stdout.write(JSON.stringify({ batchId: result.batchId, summary: s }) + '\n');
      return 0;
    }
    if (opts.json) {
      process.stdout.write(
        JSON.stringify({
          batchId: result.batchId,
          summary: s,
          failures: result.failures.map((f) => ({ path: f.path, code: f.error_code, reason: f.error, detected: f.detected })),
        }) + '\n',
      );
    } else {
      const lines = [
        '',
        `Partia ${result.batchId}: ${s.files} plików — dodano ${s.ingested}, już w archiwum ${s.present}, błędy ${s.failed}; stron: ${s.pagesDone}.`,
        `Archiwum: ${config.dataDir}`,
      ];
      if (result.failures.length) {
        lines.push('Nie dodano:');
        for (const f of result.failures) lines.push(`  ${statusWord(f)}  ${f.path}\n         ${f.error ?? f.error_code}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    }
    return s.failed === 0 && s.queued === 0 && s.running === 0 && indexBehind === 0 ? 0 : 1;
  } finally {
    if (poll) clearInterval(poll);
    reporter.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await runtime.close();
  }
}
