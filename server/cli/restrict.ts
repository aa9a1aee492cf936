/**
 * `kwerenda restrict --case SIG | --folder PATH | --document ID --to user:anna,role:supervisor
 * [--reason …]`, `kwerenda restrictions [--json] [--all]`, `kwerenda unrestrict ID`: restricted
 * documents from the command line, as the machine's operator (needs `restrictions.manage`, like the
 * API). `kwerenda ingest … --restrict-to user:x,role:y` uses `restrictIngestRoots` below.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Config } from '../config.js';
import { DomainError } from '../errors.js';
import { openDb, type Db } from '../store/db.js';
import { Restrictions, type Principal, type Restriction } from '../store/restrictions.js';
import { cliOperator, type Actor } from '../store/users.js';
import { requireCli } from './users.js';

type Load = (opts: { data?: string }) => Readonly<Config>;

/** "user:anna,role:supervisor" → principals (the store checks that users and roles exist). */
export function parsePrincipalSpec(spec: string): Principal[] {
  const parts = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new InvalidArgumentError('podaj np. user:anna,role:supervisor');
  return parts.map((p) => {
    const m = /^(user|role):(.+)$/.exec(p);
    if (!m) throw new InvalidArgumentError(`„${p}”: oczekiwano user:NAZWA lub role:ROLA`);
    return { kind: m[1] as Principal['kind'], value: m[2]!.trim() };
  });
}

function positiveInt(v: string): number {
  if (!/^[1-9][0-9]{0,11}$/.test(v)) throw new InvalidArgumentError('numer ograniczenia (liczba od 1)');
  return Number(v);
}

const SCOPE_LABELS: Record<Restriction['scope'], string> = { case: 'sprawa', folder: 'folder', document: 'dokument' };
const who = (r: Restriction) => r.principals.map((p) => `${p.kind}:${p.value}`).join(',');

function describe(r: Restriction): string {
  return `${SCOPE_LABELS[r.scope]} ${r.value}, dostęp: ${who(r)}; dokumentów: ${r.documents}`;
}

async function withRestrictions<T>(config: Readonly<Config>, fn: (r: Restrictions) => T): Promise<T> {
  requireCli('restrictions.manage');
  const db = openDb(config.dataDir);
  try {
    return fn(new Restrictions(db));
  } finally {
    db.close();
  }
}

/**
 * Folder rules for the roots of an ingest run, added before any file is read so that every
 * document from there is restricted the moment it becomes searchable. Returns the rules' ids.
 */
export function restrictIngestRoots(db: Db, roots: string[], principals: Principal[], by: Actor = cliOperator()): number[] {
  requireCli('restrictions.manage');
  const missing = roots.find((root) => !fs.existsSync(root));
  if (missing !== undefined) throw new DomainError('invalid_restriction', `ścieżka nie istnieje: ${missing}`);
  const store = new Restrictions(db);
  return roots.map((root) => store.add({ scope: 'folder', value: path.resolve(root), principals, reason: 'kwerenda ingest --restrict-to' }, by).id);
}

/** After the run: files found already in the archive (same content, stored earlier) are covered too. */
export function reapplyIngestRules(db: Db, ids: number[]): number {
  const store = new Restrictions(db);
  return ids.reduce((n, id) => n + store.reapply(id), 0);
}

export function restrictCommands(load: Load): Command[] {
  const restrict = new Command('restrict')
    .description('Ogranicz dostęp do dokumentów sprawy, folderu lub jednego dokumentu')
    .option('--case <signature>', 'znak sprawy')
    .option('--folder <path>', 'folder, z którego przyjęto pliki')
    .option('--document <id>', 'id dokumentu')
    .requiredOption('--to <principals>', 'kto ma dostęp, np. user:anna,role:supervisor', parsePrincipalSpec)
    .option('--reason <text>', 'powód (zapisywany w dzienniku)')
    .option('--data <dir>', 'katalog danych archiwum')
    .action(async (opts: { case?: string; folder?: string; document?: string; to: Principal[]; reason?: string; data?: string }) => {
      const given = (['case', 'folder', 'document'] as const).filter((k) => opts[k] !== undefined);
      if (given.length !== 1) throw new DomainError('invalid_arguments', 'podaj dokładnie jedno z: --case, --folder, --document');
      const scope = given[0]!;
      const value = scope === 'folder' ? path.resolve(opts.folder!) : opts[scope]!;
      const r = await withRestrictions(load(opts), (s) =>
        s.add({ scope, value, principals: opts.to, ...(opts.reason ? { reason: opts.reason } : {}) }, cliOperator()),
      );
      process.stdout.write(`Ograniczono dostęp (nr ${r.id}): ${describe(r)}\n`);
    });

  const list = new Command('restrictions')
    .description('Lista ograniczeń dostępu')
    .option('--all', 'także zniesione')
    .option('--json', 'JSON')
    .option('--data <dir>', 'katalog danych archiwum')
    .action(async (opts: { all?: boolean; json?: boolean; data?: string }) => {
      const rules = await withRestrictions(load(opts), (s) => s.list({ includeRemoved: opts.all === true }));
      if (opts.json) {
        process.stdout.write(JSON.stringify(rules) + '\n');
        return;
      }
      if (rules.length === 0) process.stdout.write('Brak ograniczeń dostępu.\n');
      for (const r of rules) {
        const state = r.removedAt ? `zniesione ${r.removedAt} (${r.removedBy ?? '?'})` : 'aktywne';
        process.stdout.write(`${r.id}\t${describe(r)}\t${state}\tdodane ${r.createdAt} (${r.createdBy ?? '?'})${r.reason ? `\t${r.reason}` : ''}\n`);
      }
    });

  const unrestrict = new Command('unrestrict')
    .description('Znieś ograniczenie dostępu (numer z `kwerenda restrictions`)')
    .argument('<id>', 'numer ograniczenia', positiveInt)
    .option('--data <dir>', 'katalog danych archiwum')
    .action(async (id: number, opts: { data?: string }) => {
      const r = await withRestrictions(load(opts), (s) => s.remove(id, cliOperator()));
      process.stdout.write(`Zniesiono ograniczenie nr ${r.id}: ${SCOPE_LABELS[r.scope]} ${r.value}, dostęp był: ${who(r)}\n`);
    });

  return [restrict, list, unrestrict];
}
