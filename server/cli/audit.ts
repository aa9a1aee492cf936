/**
 * `kwerenda audit verify [--anchor FILE]` walks the chain (hashes, HMACs of a keyed archive, and the
 * head recorded in an anchor) and names the first broken entry (exit 3 when broken);
 * `kwerenda audit init-key --out FILE` keys the archive with a new key file outside the data
 * directory; `kwerenda audit anchor --out FILE` writes the chain's head for safekeeping off the
 * machine; `kwerenda audit export --from DAY --to DAY` writes the entries of a date range as JSON
 * lines for the city's records (the export itself is recorded).
 */
import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { Config } from '../config.js';
import { DomainError } from '../errors.js';
import { archiveKey, archiveKeyFile, createAuditKeyFile, readAuditKey, type AuditKey } from '../store/audit-key.js';
import { AuditLog, type VerifyResult } from '../store/audit-log.js';
import { anchorOf, zAuditAnchor, type AuditAnchor } from '../store/audit-verify.js';
import { openDb, type Db } from '../store/db.js';
import { cliOperator } from '../store/users.js';
import { requireCli } from './users.js';

type Load = (opts: { data?: string }) => Readonly<Config>;

export const EXIT_CHAIN_BROKEN = 3;

function day(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new InvalidArgumentError('data w formacie RRRR-MM-DD');
  return v;
}

/** Where verify takes its key: the operator's file (configured) before the file the archive names. */
function verifyKey(config: Readonly<Config>, db: Db): { key: AuditKey | null; source: 'config' | 'archive' | null } {
  if (config.audit.keyFile) return { key: readAuditKey(config.audit.keyFile), source: 'config' };
  const file = archiveKeyFile(db);
  if (file === undefined) return { key: null, source: null };
  try {
    return { key: readAuditKey(file), source: 'archive' };
  } catch {
    return { key: null, source: 'archive' };
  }
}

function readAnchor(file: string): AuditAnchor {
  const bad = () => new DomainError('invalid_anchor', `plik ${file} nie jest kotwicą dziennika (kwerenda audit anchor)`, 400);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new DomainError('invalid_anchor', `nie można odczytać kotwicy ${file}`, 400);
  }
  try {
    const parsed = zAuditAnchor.safeParse(JSON.parse(text));
    if (!parsed.success) throw bad();
    return parsed.data;
  } catch {
    throw bad();
  }
}

/** The verdict in Polish, a line per fact: integrity, keying, anchor. */
function verdictLines(r: VerifyResult, key: AuditKey | null, source: 'config' | 'archive' | null): string[] {
  if (!r.ok) return [`Dziennik NARUSZONY: pierwszy błędny wpis nr ${r.firstBroken.seq} (${r.firstBroken.reason}); poprawnych przed nim: ${r.checked}`];
  const lines = [`Dziennik nienaruszony: ${r.checked} wpisów; skrót ostatniego: ${r.lastHash}`];
  if (r.hmac === 'unkeyed') {
    lines.push('Łańcuch NIEKLUCZOWANY: kto ma plik bazy, może przeliczyć skróty od nowa bez śladu; zabezpiecz go: kwerenda audit init-key --out PLIK (poza katalogiem danych)');
  } else if (r.hmac === 'no_key') {
    lines.push(`Łańcuch kluczowany od wpisu nr ${r.keyedFrom}, ale klucza nie odczytano: HMAC NIESPRAWDZONE (ustaw KWERENDA_AUDIT_KEY_FILE)`);
  } else {
    const earlier = r.keyedFrom! > 1 ? `; wpisy 1–${r.keyedFrom! - 1} sprzed klucza sprawdzone skrótami` : '';
    lines.push(`Łańcuch kluczowany od wpisu nr ${r.keyedFrom} (HMAC sprawdzone kluczem ${key!.id}${earlier})`);
    if (source === 'archive') lines.push('Uwaga: klucz z pliku wskazanego przez samo archiwum; ustaw KWERENDA_AUDIT_KEY_FILE, by sprawdzać kluczem spoza archiwum');
  }
  lines.push(r.anchor ? `Zgodny z kotwicą z ${r.anchor.at} (${r.anchor.entries} wpisów)` : 'Bez kotwicy: ucięcia końca dziennika nie da się wykryć (kwerenda audit anchor, potem verify --anchor PLIK)');
  return lines;
}

export function auditCommand(load: Load, setExit: (code: number) => void): Command {
  const cmd = new Command('audit').description('Dziennik zdarzeń: weryfikacja, klucz, kotwica i eksport');
  cmd
    .command('verify')
    .description('sprawdź łańcuch dziennika (skróty, HMAC, kotwica); wskaż pierwszy naruszony wpis')
    .option('--anchor <file>', 'kotwica zapisana wcześniej (kwerenda audit anchor): wykrywa ucięty koniec')
    .option('--data <dir>', 'katalog danych archiwum')
    .option('--json', 'wynik w formacie JSON')
    .action((opts: { anchor?: string; data?: string; json?: boolean }) => {
      requireCli('audit.read');
      const anchor = opts.anchor === undefined ? undefined : readAnchor(opts.anchor);
      const config = load(opts);
      const db = openDb(config.dataDir);
      try {
        const { key, source } = verifyKey(config, db);
        const r = new AuditLog(db).verify({ key, ...(anchor ? { anchor } : {}) });
        if (opts.json) process.stdout.write(JSON.stringify({ ...r, keySource: source }) + '\n');
        else process.stdout.write(verdictLines(r, key, source).join('\n') + '\n');
        if (!r.ok) setExit(EXIT_CHAIN_BROKEN);
      } finally {
        db.close();
      }
    });
  cmd
    .command('init-key')
    .description('utwórz klucz dziennika (plik poza katalogiem danych); od następnego wpisu każdy wpis ma HMAC')
    .option('--out <file>', 'nowy plik klucza (domyślnie KWERENDA_AUDIT_KEY_FILE)')
    .option('--data <dir>', 'katalog danych archiwum')
    .action((opts: { out?: string; data?: string }) => {
      requireCli('audit.read');
      const config = load(opts);
      const out = opts.out ?? config.audit.keyFile;
      if (!out) throw new DomainError('invalid_request', 'podaj --out PLIK (poza katalogiem danych) albo ustaw KWERENDA_AUDIT_KEY_FILE', 400);
      const db = openDb(config.dataDir);
      try {
        const current = archiveKeyFile(db);
        if (current !== undefined) throw new DomainError('audit_already_keyed', `dziennik jest już kluczowany (plik klucza: ${current})`, 409);
        const key = createAuditKeyFile(out, config.dataDir);
        const first = (() => {
          try {
            return new AuditLog(db, config.timeZone).startKeying(key, cliOperator());
          } catch (e) {
            fs.rmSync(key.file, { force: true });
            throw e;
          }
        })();
        process.stdout.write(
          [
            `Utworzono klucz dziennika: ${key.file} (identyfikator ${key.id})`,
            `Łańcuch kluczowany od wpisu nr ${first.seq}; wcześniejsze wpisy nadal sprawdzane skrótami.`,
            `Ustaw KWERENDA_AUDIT_KEY_FILE=${key.file}: tym plikiem audit verify sprawdza łańcuch.`,
            'Serwer, workery i polecenia archiwum muszą móc czytać ten plik; przechowuj też jego kopię poza tym serwerem.',
          ].join('\n') + '\n',
        );
      } finally {
        db.close();
      }
    });
  cmd
    .command('anchor')
    .description('zapisz głowę łańcucha (liczba wpisów, ostatni skrót i HMAC, czas) do przechowania poza serwerem')
    .option('--out <file>', 'nowy plik kotwicy (domyślnie standardowe wyjście)')
    .option('--data <dir>', 'katalog danych archiwum')
    .action((opts: { out?: string; data?: string }) => {
      requireCli('audit.read');
      const db = openDb(load(opts).dataDir);
      try {
        let key: AuditKey | null = null;
        try {
          key = archiveKey(db);
        } catch {
          // The key only names itself in the anchor; the head is recorded without it.
        }
        const anchor = anchorOf(new AuditLog(db).head(), key);
        const text = JSON.stringify(anchor, null, 2) + '\n';
        if (opts.out) {
          try {
            fs.writeFileSync(opts.out, text, { flag: 'wx' });
          } catch (e) {
            const why = (e as NodeJS.ErrnoException).code === 'EEXIST' ? 'już istnieje' : 'nie może zostać zapisany';
            throw new DomainError('invalid_request', `plik kotwicy ${opts.out} ${why}`, 400);
          }
        } else process.stdout.write(text);
        process.stderr.write(`Kotwica: ${anchor.entries} wpisów, ostatni nr ${anchor.lastSeq}; przechowuj ją poza tym serwerem (np. w EZD)\n`);
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
