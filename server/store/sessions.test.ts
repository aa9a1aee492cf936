import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/paths.js';
import { hashPassword } from '../security/passwords.js';
import { openDb, type Db } from './db.js';
import { Sessions } from './sessions.js';
import { Users } from './users.js';

describe('browser sessions and login lockout (real SQLite, injected clock)', () => {
  const dirs: string[] = [];
  const dbs: Db[] = [];
  let now = Date.parse('2026-11-26T08:00:00Z');
  const fresh = () => {
    const d = tempDir('sessions');
    dirs.push(d);
    const db = openDb(d);
    dbs.push(db);
    const users = new Users(db);
    const sessions = new Sessions(db, { idleMinutes: 30, maxHours: 10 }, { maxFailures: 3, lockSeconds: 60, maxLockSeconds: 600 }, () => now);
    return { db, users, sessions };
  };
  afterEach(() => {
    dbs.splice(0).forEach((db) => db.close());
    dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
    now = Date.parse('2026-11-26T08:00:00Z');
  });

  it('resolves a session to its user until it idles out', () => {
    const { users, sessions } = fresh();
    const u = users.add('ewa', 'clerk').user;
    const s = sessions.create(u.id, 'password');
    expect(sessions.resolve(s.id)?.actor).toMatchObject({ name: 'ewa', role: 'clerk', via: 'session' });
    now += 29 * 60_000;
    expect(sessions.resolve(s.id)).not.toBeNull(); // activity refreshes the idle timer
    now += 29 * 60_000;
    expect(sessions.resolve(s.id)).not.toBeNull();
    now += 31 * 60_000;
    expect(sessions.resolve(s.id)).toBeNull();
    now -= 31 * 60_000; // even back in time, an ended session stays ended
    expect(sessions.resolve(s.id)).toBeNull();
  });

  it('ends a busy session at its absolute lifetime', () => {
    const { users, sessions } = fresh();
    const s = sessions.create(users.add('ewa', 'clerk').user.id, 'password');
    const end = Date.parse('2026-11-26T18:00:00Z'); // ten hours after login
    let busy = 0;
    while (now + 25 * 60_000 < end) {
      now += 25 * 60_000;
      expect(sessions.resolve(s.id)).not.toBeNull();
      busy++;
    }
    expect(busy).toBe(23);
    now = end;
    expect(sessions.resolve(s.id)).toBeNull();
  });

  it('ends sessions when the user is disabled, gets a new password or a new role', async () => {
    const { users, sessions } = fresh();
    const id = users.add('ewa', 'clerk').user.id;
    const a = sessions.create(id, 'password');
    users.setDisabled('ewa', true);
    expect(sessions.resolve(a.id)).toBeNull();
    users.setDisabled('ewa', false);
    const b = sessions.create(id, 'password');
    expect((await users.setPassword('ewa', 'nowe-haslo-12345')).revokedTokens).toBe(0); // a first password
    expect(sessions.resolve(b.id)).toBeNull();
    const b2 = sessions.create(id, 'password');
    expect((await users.setPassword('ewa', 'inne-haslo-12345')).revokedTokens).toBe(1); // a changed one
    expect(sessions.resolve(b2.id)).toBeNull();
    const c = sessions.create(id, 'password');
    users.setRole('ewa', 'records');
    expect(sessions.resolve(c.id)).toBeNull();
  });

  it('stores only a hash of the cookie value', () => {
    const { db, users, sessions } = fresh();
    const s = sessions.create(users.add('ewa', 'clerk').user.id, 'password');
    const dump = JSON.stringify(db.prepare('SELECT * FROM sessions').all());
    expect(dump).not.toContain(s.id);
    expect(sessions.resolve('x'.repeat(43))).toBeNull();
  });

  it('locks a name after repeated attempts with a doubling back-off, and a success clears it', () => {
    const { sessions } = fresh();
    expect(sessions.admitAttempt('Ewa')).toBe(0);
    expect(sessions.admitAttempt('ewa')).toBe(0);
    expect(sessions.lockedFor('ewa')).toBe(0);
    expect(sessions.admitAttempt('EWA')).toBe(0); // names compare case-insensitively; the third is admitted…
    expect(sessions.lockedFor('ewa')).toBe(60); // …and locks the name before its password is checked
    expect(sessions.admitAttempt('ewa')).toBe(60);
    now += 60_000;
    expect(sessions.admitAttempt('ewa')).toBe(0);
    expect(sessions.lockedFor('ewa')).toBe(120);
    now += 120_000;
    expect(sessions.admitAttempt('ewa')).toBe(0);
    expect(sessions.lockedFor('ewa')).toBe(240);
    for (let i = 0; i < 5; i++) {
      now += 601_000;
      sessions.admitAttempt('ewa');
    }
    expect(sessions.lockedFor('ewa')).toBe(600); // capped
    now += 601_000;
    expect(sessions.lockedFor('ewa')).toBe(0);
    sessions.recordSuccess('ewa');
    for (let i = 0; i < 2; i++) sessions.admitAttempt('ewa');
    expect(sessions.lockedFor('ewa')).toBe(0);
  });

  it('admits at most maxFailures of many attempts made at once, and none while locked', () => {
    const { sessions } = fresh();
    const admitted = Array.from({ length: 20 }, () => sessions.admitAttempt('ewa')).filter((locked) => locked === 0);
    expect(admitted).toHaveLength(3);
  });

  it('keeps no typed name in the clear (a password typed into the name field)', () => {
    const { db, sessions } = fresh();
    sessions.admitAttempt('Moje-Tajne-Haslo-2024');
    expect(JSON.stringify(db.prepare('SELECT * FROM login_attempts').all()).toLowerCase()).not.toContain('moje-tajne-haslo-2024');
  });

  it('checks passwords: right, wrong, disabled, none set', async () => {
    const { users } = fresh();
    users.add('ewa', 'clerk', { passwordHash: await hashPassword('poprawne-haslo-1') });
    users.add('olek', 'clerk');
    expect((await users.checkPassword('ewa', 'poprawne-haslo-1'))?.name).toBe('ewa');
    expect(await users.checkPassword('ewa', 'poprawne-haslo-2')).toBeNull();
    expect(await users.checkPassword('olek', '')).toBeNull();
    expect(await users.checkPassword('nikt', 'poprawne-haslo-1')).toBeNull();
    users.setDisabled('ewa', true);
    expect(await users.checkPassword('ewa', 'poprawne-haslo-1')).toBeNull();
  });

  it('refuses short passwords with a Polish message', async () => {
    const { users } = fresh();
    users.add('ewa', 'clerk');
    await expect(users.setPassword('ewa', 'krotkie')).rejects.toThrow(/co najmniej 12 znaków/);
  });
});
