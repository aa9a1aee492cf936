import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/paths.js';
import { hashPassword } from '../security/passwords.js';
import { openDb, type Db } from './db.js';
import { Users, type Actor } from './users.js';

describe('users: password changes and long-lived actors (real SQLite)', () => {
  const dirs: string[] = [];
  const dbs: Db[] = [];
  const fresh = () => {
    const d = tempDir('users');
    dirs.push(d);
    const db = openDb(d);
    dbs.push(db);
    return { db, users: new Users(db) };
  };
  afterEach(() => {
    dbs.splice(0).forEach((db) => db.close());
    dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });

  it('a changed password revokes every API token of the user, audited; other users keep theirs', async () => {
    const { users } = fresh();
    const first = users.add('ewa', 'clerk', { passwordHash: await hashPassword('stare-haslo-ewy-1') }).token;
    const second = users.newToken('ewa');
    const other = users.add('olek', 'clerk').token;
    expect(users.authenticate(first)).not.toBeNull();

    const { revokedTokens } = await users.setPassword('ewa', 'nowe-haslo-ewy-22');
    expect(revokedTokens).toBe(2);
    expect(users.authenticate(first)).toBeNull();
    expect(users.authenticate(second)).toBeNull();
    expect(users.authenticate(other)).not.toBeNull();
    const revoked = users.audit.list({ action: 'token.revoked', target: 'ewa', limit: 10, offset: 0 }).items;
    expect(revoked.map((e) => e.details)).toEqual([{ count: 2, reason: 'password_changed' }]);
    expect(revoked[0]!.actorName).toMatch(/^cli:/);

    // A token issued after the change is valid, until the next change.
    const fresh2 = users.newToken('ewa');
    expect(users.authenticate(fresh2)).not.toBeNull();
    expect((await users.setPassword('ewa', 'trzecie-haslo-ewy-3')).revokedTokens).toBe(1);
    expect(users.authenticate(fresh2)).toBeNull();
  });

  it('a first password (the user had none) leaves the tokens valid', async () => {
    const { users } = fresh();
    const token = users.add('ewa', 'clerk').token;
    expect((await users.setPassword('ewa', 'pierwsze-haslo-1')).revokedTokens).toBe(0);
    expect(users.authenticate(token)).not.toBeNull();
  });

  it('tells whether an actor identified earlier still acts as it did: enabled, same role, still there', () => {
    const { users } = fresh();
    const u = users.add('ewa', 'clerk').user;
    const actor: Actor = { userId: u.id, name: u.name, role: u.role, via: 'cli' };
    expect(() => users.assertStillActs(actor)).not.toThrow();
    users.setDisabled('ewa', true);
    expect(() => users.assertStillActs(actor)).toThrow(/użytkownik ewa jest zablokowany/);
    users.setDisabled('ewa', false);
    users.setRole('ewa', 'admin');
    expect(() => users.assertStillActs(actor)).toThrow(/rola użytkownika ewa zmieniła się \(clerk → admin\)/);
    expect(() => users.assertStillActs({ ...actor, role: 'admin' })).not.toThrow();
  });
});
