/**
 * `kwerenda audit verify` walks the hash chain and names the first broken entry (exit 3 when
 * broken); `kwerenda audit export --from DAY --to DAY` writes the entries of a date range as JSON
 * lines for the city's records (the export itself is recorded).
 */
import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { Config } from '../config.js';
import { AuditLog } from '../store/audit-log.js';
import { openDb } from '../store/db.js';
import { cliOperator } from '../store/users.js';
import { requireCli } from './users.js';

type Load = (opts: { data?: string }) => Readonly<Config>;

export const EXIT_CHAIN_BROKEN = 3;

function day(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new InvalidArgumentError('data w formacie RRRR-MM-DD');
  return v;
}

export function auditCommand(load: Load, setExit: (code: number) => void): Command {
  const cmd = new Command('audit').description('Dziennik zdarzeń: weryfikacja i eksport');
  cmd
    .command('verify')
    .description('sprawdź łańcuch skrótów dziennika; wskaż pierwszy naruszony wpis')
    .option('--data <dir>', 'katalog danych archiwum')
    .option('--json', 'wynik w formacie JSON')
    .action((opts: { data?: string; json?: boolean }) => {
      requireCli('audit.read');
      const db = openDb(load(opts).dataDir);
      try {
        const r = new AuditLog(db).verify();
        if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
        else if (r.ok) process.stdout.write(`Dziennik nienaruszony: ${r.checked} wpisów; skrót ostatniego: ${r.lastHash}\n`);
        else process.stdout.write(`Dziennik NARUSZONY: pierwszy błędny wpis nr ${r.firstBroken.seq} (${r.firstBroken.reason}); poprawnych przed nim: ${r.checked}\n`);
        if (!r.ok) setExit(EXIT_CHAIN_BROKEN);
      } finally {
        db.close();
      }
    });
  cmd
    .command('export')
    .description('wpisy z zakresu dat jako JSON lines (jeden wpis w wierszu)')
    .option('--from <day>', 'pierwszy dzień (RRRR-MM-DD, strefa KWERENDA_TIMEZONE)', day)
    .option('--to <day>', 'ostatni dzień (RRRR-MM-DD, czas lokalny archiwum)', day)
    .option('--out <file>', 'plik wynikowy (domyślnie standardowe wyjście)')
    .option('--data <dir>', 'katalog danych archiwum')
    .action(async (opts: { from?: string; to?: string; out?: string; data?: string }) => {
      requireCli('audit.read');
      if (opts.from && opts.to && opts.from > opts.to) throw new InvalidArgumentError('data początkowa jest późniejsza niż końcowa');
      const config = load(opts);
      const db = openDb(config.dataDir);
      try {
        const log = new AuditLog(db, config.timeZone);
        const out: NodeJS.WritableStream = opts.out ? fs.createWriteStream(opts.out, { flags: 'wx' }) : process.stdout;
        let n = 0;
        for (const e of log.range(opts.from, opts.to)) {
          if (!out.write(JSON.stringify(e) + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
          n++;
        }
        if (out !== process.stdout) await new Promise<void>((res, rej) => (out as fs.WriteStream).end((err?: Error | null) => (err ? rej(err) : res())));
        log.append({ actor: cliOperator(), action: 'audit.export', details: { from: opts.from ?? null, to: opts.to ?? null, entries: n } });
        process.stderr.write(`Wyeksportowano wpisów: ${n}\n`);
      } finally {
        db.close();
      }
    });
  return cmd;
}
