/**
 * `kwerenda users …`: add (prints the new API token alone on its last stdout line), list, role,
 * disable/enable, reset-password, tokens (list), token (new), revoke. Passwords are read from
 * standard input (first line), never from the command line, where `ps` and shell history see them.
 * The command line acts as the machine's operator (`cli:<system user>`, an administrator) and every
 * change is in the audit trail.
 */
import { Command, InvalidArgumentError } from 'commander';
import type { Config } from '../config.js';
import { DomainError } from '../errors.js';
import { hashPassword, zPassword } from '../security/passwords.js';
import { can, forbiddenMessage, type Permission } from '../security/permissions.js';
import { openDb } from '../store/db.js';
import { cliOperator, DEFAULT_TOKEN_DAYS, passwordChanged, ROLES, Users, type Role } from '../store/users.js';

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

function positiveInt(v: string): number {
  const n = Number(v);
  if (!/^\d{1,12}$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('liczba całkowita od 1');
  return n;
}

/** The CLI's actor must hold the permission too: one matrix for the API and the command line. */
export function requireCli(permission: Permission): void {
  if (!can(cliOperator().role, permission)) throw new DomainError('forbidden', forbiddenMessage(permission), 403);
}

async function withUsers<T>(config: Readonly<Config>, fn: (u: Users) => T | Promise<T>): Promise<T> {
  requireCli('users.manage');
  const db = openDb(config.dataDir);
  try {
    return await fn(new Users(db));
  } finally {
    db.close();
  }
}

/** The first line of standard input (a password piped in or typed), without its line end. */
export async function readSecretLine(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Hasło (min. 12 znaków), potem Enter: ');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(c);
    size += c.length;
    if (Buffer.concat(chunks).includes(0x0a) || size > 4096) break;
  }
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  const parsed = zPassword.safeParse(line);
  if (!parsed.success) throw new DomainError('invalid_password', parsed.error.issues[0]!.message);
  return parsed.data;
}

const dataOption = (c: Command) => c.option('--data <dir>', 'katalog danych archiwum');

export function usersCommand(load: Load): Command {
  const cmd = new Command('users').description('Użytkownicy, hasła i tokeny API');
  dataOption(
    cmd
      .command('add')
      .argument('<name>', 'nazwa użytkownika')
      .requiredOption('--role <role>', `rola: ${ROLES.join(' | ')}`, role)
      .option('--password-stdin', 'ustaw hasło do logowania w przeglądarce (pierwszy wiersz standardowego wejścia)')
      .option('--expires-days <n>', `ważność tokenu w dniach (domyślnie ${DEFAULT_TOKEN_DAYS})`, days),
  ).action(async (name: string, opts: { role: Role; expiresDays?: number; passwordStdin?: boolean; data?: string }) => {
    const passwordHash = opts.passwordStdin ? await hashPassword(await readSecretLine()) : undefined;
    const { user, token } = await withUsers(load(opts), (u) =>
      u.add(name, opts.role, { ...(opts.expiresDays ? { tokenDays: opts.expiresDays } : {}), ...(passwordHash ? { passwordHash } : {}) }),
    );
    process.stderr.write(`Dodano użytkownika ${user.name} (rola: ${user.role}${user.hasPassword ? ', z hasłem' : ''}). Token API (pokazywany tylko raz):\n`);
    process.stdout.write(`${token}\n`);
  });
  dataOption(cmd.command('reset-password').description('ustaw nowe hasło (ze standardowego wejścia); kończy sesje użytkownika i unieważnia jego tokeny API').argument('<name>')).action(
    async (name: string, opts: { data?: string }) => {
      const password = await readSecretLine();
      const { user, revokedTokens } = await withUsers(load(opts), (users) => users.setPassword(name, password));
      process.stdout.write(`${passwordChanged(user.name, revokedTokens)}\n`);
    },
  );
  dataOption(cmd.command('role').description('zmień rolę użytkownika').argument('<name>').argument('<role>', ROLES.join(' | '), role)).action(
    async (name: string, r: Role, opts: { data?: string }) => {
      const u = await withUsers(load(opts), (users) => users.setRole(name, r));
      process.stdout.write(`${u.name}: rola ${u.role}\n`);
    },
  );
  dataOption(
    cmd
      .command('token')
      .description('nowy token dla istniejącego użytkownika')
      .argument('<name>')
      .option('--expires-days <n>', `ważność tokenu w dniach (domyślnie ${DEFAULT_TOKEN_DAYS})`, days),
  ).action(async (name: string, opts: { expiresDays?: number; data?: string }) => {
    const token = await withUsers(load(opts), (u) => u.newToken(name, opts.expiresDays));
    process.stdout.write(`${token}\n`);
  });
  dataOption(cmd.command('tokens').description('tokeny użytkownika (bez ich treści)').argument('<name>').option('--json', 'JSON')).action(
    async (name: string, opts: { data?: string; json?: boolean }) => {
      const list = await withUsers(load(opts), (u) => u.tokens(name));
      if (opts.json) process.stdout.write(JSON.stringify(list) + '\n');
      else {
        for (const t of list) {
          const state = t.revokedAt ? 'unieważniony' : t.expiresAt && t.expiresAt <= new Date().toISOString() ? 'wygasł' : 'aktywny';
          process.stdout.write(`${t.id}\t${state}\tutworzony ${t.createdAt}\twygasa ${t.expiresAt ?? '—'}\tużyty ${t.lastUsedAt ?? '—'}\n`);
        }
      }
    },
  );
  dataOption(
    cmd.command('revoke').description('unieważnij tokeny użytkownika (wszystkie albo jeden: --token ID)').argument('<name>').option('--token <id>', 'numer tokenu z `users tokens`', positiveInt),
  ).action(async (name: string, opts: { data?: string; token?: number }) => {
    const n = await withUsers(load(opts), (u) => u.revokeTokens(name, cliOperator(), opts.token));
    process.stdout.write(`Unieważniono tokenów: ${n}\n`);
  });
  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    dataOption(cmd.command(verb).argument('<name>')).action(async (name: string, opts: { data?: string }) => {
      const u = await withUsers(load(opts), (users) => users.setDisabled(name, disabled));
      process.stdout.write(`${u.name}: ${u.disabled ? 'zablokowany' : 'aktywny'}\n`);
    });
  }
  dataOption(cmd.command('list').option('--json', 'JSON')).action(async (opts: { data?: string; json?: boolean }) => {
    const list = await withUsers(load(opts), (u) => u.list());
    if (opts.json) process.stdout.write(JSON.stringify(list) + '\n');
    else {
      for (const u of list) {
        process.stdout.write(`${u.name}\t${u.role}\t${u.disabled ? 'zablokowany' : 'aktywny'}\t${u.hasPassword ? 'hasło' : 'bez hasła'}\t${u.createdAt}\n`);
      }
    }
  });
  return cmd;
}
