/**
 * `kwerenda users add NAME --role ROLE` (prints the new token alone on its last stdout line),
 * `users list`, `users token NAME`, `users revoke NAME`, `users disable NAME`, `users enable NAME`.
 */
import { Command, InvalidArgumentError } from 'commander';
import type { Config } from '../config.js';
import { openDb } from '../store/db.js';
import { ROLES, Users, type Role } from '../store/users.js';

type Load = (opts: { data?: string }) => Readonly<Config>;

function role(v: string): Role {
  if (!(ROLES as readonly string[]).includes(v)) throw new InvalidArgumentError(`jedna z: ${ROLES.join(', ')}`);
  return v as Role;
}

function days(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 3650) throw new InvalidArgumentError('liczba dni od 1 do 3650');
  return n;
}

function withUsers<T>(config: Readonly<Config>, fn: (u: Users) => T): T {
  const db = openDb(config.dataDir);
  try {
    return fn(new Users(db));
  } finally {
    db.close();
  }
}

export function usersCommand(load: Load): Command {
  const cmd = new Command('users').description('Użytkownicy i tokeny API');
  cmd
    .command('add')
    .argument('<name>', 'nazwa użytkownika')
    .requiredOption('--role <role>', `rola: ${ROLES.join(' | ')}`, role)
    .option('--expires-days <n>', 'ważność tokenu w dniach (domyślnie bez terminu)', days)
    .option('--data <dir>', 'katalog danych archiwum')
    .action((name: string, opts: { role: Role; expiresDays?: number; data?: string }) => {
      const { user, token } = withUsers(load(opts), (u) => u.add(name, opts.role, opts.expiresDays));
      process.stderr.write(`Dodano użytkownika ${user.name} (rola: ${user.role}). Token API (pokazywany tylko raz):\n`);
      process.stdout.write(`${token}\n`);
    });
  cmd
    .command('token')
    .description('nowy token dla istniejącego użytkownika')
    .argument('<name>')
    .option('--expires-days <n>', 'ważność tokenu w dniach', days)
    .option('--data <dir>', 'katalog danych archiwum')
    .action((name: string, opts: { expiresDays?: number; data?: string }) => {
      const token = withUsers(load(opts), (u) => u.newToken(name, opts.expiresDays));
      process.stdout.write(`${token}\n`);
    });
  cmd
    .command('revoke')
    .description('unieważnij wszystkie tokeny użytkownika')
    .argument('<name>')
    .option('--data <dir>', 'katalog danych archiwum')
    .action((name: string, opts: { data?: string }) => {
      const n = withUsers(load(opts), (u) => u.revokeTokens(name));
      process.stdout.write(`Unieważniono tokenów: ${n}\n`);
    });
  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    cmd
      .command(verb)
      .argument('<name>')
      .option('--data <dir>', 'katalog danych archiwum')
      .action((name: string, opts: { data?: string }) => {
        const u = withUsers(load(opts), (users) => users.setDisabled(name, disabled));
        process.stdout.write(`${u.name}: ${u.disabled ? 'zablokowany' : 'aktywny'}\n`);
      });
  }
  cmd
    .command('list')
    .option('--data <dir>', 'katalog danych archiwum')
    .option('--json', 'JSON')
    .action((opts: { data?: string; json?: boolean }) => {
      const list = withUsers(load(opts), (u) => u.list());
      if (opts.json) process.stdout.write(JSON.stringify(list) + '\n');
      else for (const u of list) process.stdout.write(`${u.name}\t${u.role}\t${u.disabled ? 'zablokowany' : 'aktywny'}\t${u.createdAt}\n`);
    });
  return cmd;
}
