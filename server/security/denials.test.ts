import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/paths.js';
import { AuditLog } from '../store/audit-log.js';
import { openDb, type Db } from '../store/db.js';
import type { Actor } from '../store/users.js';
import { AUTH_DENIED, DenialLog, type Denial } from './denials.js';

describe('failed authorizations in the audit trail, within a budget (real SQLite, injected clock)', () => {
  const dirs: string[] = [];
  const dbs: Db[] = [];
  let now = Date.parse('2026-11-26T08:00:00Z');
  const fresh = (budget = { perUserPerMinute: 3, perAddressPerMinute: 1, anonymousPerMinute: 4, maxTracked: 100 }) => {
    const d = tempDir('denials');
    dirs.push(d);
    const db = openDb(d);
    dbs.push(db);
    const audit = new AuditLog(db);
    return { audit, denials: new DenialLog(audit, budget, () => now), entries: () => audit.list({ action: AUTH_DENIED, limit: 1000, offset: 0 }).items.reverse() };
  };
  afterEach(() => {
    dbs.splice(0).forEach((db) => db.close());
    dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
    now = Date.parse('2026-11-26T08:00:00Z');
  });
  const anon = (ip: string): Denial => ({ actor: null, ip, method: 'GET', route: '/api/users', status: 401, reason: 'unauthenticated' });
  const clerk: Actor = { userId: 7, name: 'ewa', role: 'clerk', via: 'token', ip: '10.0.0.9' };

  it('records who, where and why for a signed-in caller', () => {
    const { denials, entries } = fresh();
    denials.record({ actor: clerk, ip: '10.0.0.9', method: 'POST', route: '/api/users', status: 403, reason: 'forbidden' });
    const [e] = entries();
    expect(e).toMatchObject({ actorName: 'ewa', actorRole: 'clerk', target: 'ewa', ip: '10.0.0.9', details: { method: 'POST', route: '/api/users', status: 403, reason: 'forbidden' } });
  });

  it('writes one entry per address a minute for callers without credentials, and carries the count of the rest', () => {
    const { denials, entries } = fresh();
    for (let i = 0; i < 1000; i++) denials.record(anon('10.0.0.1'));
    expect(entries()).toHaveLength(1);
    now += 60_000;
    denials.record(anon('10.0.0.1'));
    expect(entries().map((e) => e.details.unrecordedBefore)).toEqual([undefined, 999]);
  });

  it('writes at most anonymousPerMinute anonymous entries a minute from all addresses together', () => {
    const { denials, entries } = fresh();
    for (let i = 0; i < 50; i++) denials.record(anon(`10.0.1.${i}`));
    expect(entries()).toHaveLength(4);
    now += 60_000;
    denials.record(anon('10.0.1.40'));
    expect(entries().at(-1)!.details.unrecordedBefore).toBe(1);
  });

  it('bounds a signed-in caller too, and keeps counting past the table of tracked callers', () => {
    const { denials, entries } = fresh({ perUserPerMinute: 3, perAddressPerMinute: 1, anonymousPerMinute: 100, maxTracked: 2 });
    for (let i = 0; i < 10; i++) denials.record({ actor: clerk, ip: null, method: 'GET', route: '/api/audit/events', status: 403, reason: 'forbidden' });
    expect(entries()).toHaveLength(3);
    denials.record(anon('10.0.2.1'));
    denials.record(anon('10.0.2.2')); // a third caller: the table is full within this minute
    denials.record(anon('10.0.2.3'));
    expect(entries()).toHaveLength(4);
    now += 60_000;
    denials.record(anon('10.0.2.4')); // old callers forgotten; the untracked refusals and ewa's are carried
    expect(entries().at(-1)!.details).toMatchObject({ reason: 'unauthenticated', unrecordedElsewhere: 9 });
  });
});
