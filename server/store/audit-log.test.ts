import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/paths.js';
import { AuditLog, GENESIS_HASH } from './audit-log.js';
import { openDb, type Db } from './db.js';
import { Searches } from './searches.js';
import { Users, type Actor } from './users.js';
import { Verdicts } from './verdicts.js';

const sonia: Actor = { userId: null, name: 'sonia', role: 'supervisor', via: 'token', ip: '10.0.0.7' };

/** Runs raw SQL against a table whose triggers forbid it, as someone with the database file would. */
function tamper(db: Db, table: 'audit_events' | 'searches' | 'verdicts', sql: string, ...args: unknown[]): void {
  const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?").all(table) as { name: string; sql: string }[];
  for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
  db.prepare(sql).run(...args);
  for (const t of triggers) db.exec(t.sql);
}

describe('the audit trail (hash chain on real SQLite)', () => {
  const dirs: string[] = [];
  const dbs: Db[] = [];
  const fresh = () => {
    const d = tempDir('audit-log');
    dirs.push(d);
    const db = openDb(d);
    dbs.push(db);
    return { db, log: new AuditLog(db) };
  };
  afterEach(() => {
    dbs.splice(0).forEach((db) => db.close());
    dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });

  it('chains every entry to the one before and verifies clean', () => {
    const { log } = fresh();
    const a = log.append({ actor: sonia, action: 'auth.login', target: 'sonia', details: { via: 'password' } });
    const b = log.append({ actor: null, action: 'ingest.file', target: 'file:1', details: { status: 'ingested' } });
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(a.ip).toBe('10.0.0.7');
    expect(log.verify()).toEqual({ ok: true, checked: 2, lastHash: b.hash, keyedFrom: null, hmac: 'unkeyed' });
  });

  it('refuses updates and deletes through SQL', () => {
    const { db, log } = fresh();
    log.append({ actor: sonia, action: 'auth.login' });
    expect(() => db.prepare("UPDATE audit_events SET actor_name = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
  });

  it('names the first entry whose content was changed', () => {
    const { db, log } = fresh();
    for (let i = 0; i < 5; i++) log.append({ actor: sonia, action: 'document.view', target: `doc-${i}` });
    tamper(db, 'audit_events', "UPDATE audit_events SET target = 'doc-x' WHERE seq = 3");
    expect(log.verify()).toEqual({ ok: false, checked: 2, firstBroken: { seq: 3, reason: 'content does not match its hash' } });
  });

  it('catches a removed entry and a rewritten tail', () => {
    const { db, log } = fresh();
    for (let i = 0; i < 4; i++) log.append({ actor: sonia, action: 'page.view', target: `doc-${i}` });
    tamper(db, 'audit_events', 'DELETE FROM audit_events WHERE seq = 2');
    const r = log.verify();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.firstBroken.seq).toBe(2);
  });

  it('catches an edited stored search and a search slipped in without an entry', () => {
    const { db, log } = fresh();
    const searches = new Searches(db, log);
    const shown = { results: [{ rank: 1, document: { id: 'd1' } }] };
    searches.record({ id: 's1', question: 'decyzja', mode: 'rules', resultCount: 1, resultIds: ['d1'], response: shown }, sonia);
    expect(log.verify().ok).toBe(true);
    tamper(db, 'searches', "UPDATE searches SET response = '{\"results\":[]}' WHERE id = 's1'");
    expect(log.verify()).toMatchObject({ ok: false, firstBroken: { seq: 1, reason: 'search s1 differs from what was recorded' } });

    const other = fresh();
    other.db.prepare("INSERT INTO searches(id, question, mode, result_count, response) VALUES ('s9', 'q', 'rules', 0, '{}')").run();
    expect(other.log.verify()).toMatchObject({ ok: false, firstBroken: { reason: 'search s9 has no audit entry' } });
  });

  it('records verdicts and user changes in the chain and checks the verdict rows', () => {
    const { db, log } = fresh();
    const users = new Users(db, log);
    users.add('ewa', 'clerk', { by: sonia });
    users.setRole('ewa', 'records', sonia);
    const searches = new Searches(db, log);
    searches.record({ id: 's1', question: 'q', mode: 'rules', resultCount: 1, resultIds: ['d1'], response: { results: [] } }, sonia);
    const v = new Verdicts(db, log).record({ searchId: 's1', rank: 1, documentId: 'd1', verdict: 'relevant' }, sonia);
    const actions = log.list({ limit: 50, offset: 0 }).items.map((e) => e.action).reverse();
    expect(actions).toEqual(['user.created', 'token.created', 'user.changed', 'search', 'verdict']);
    expect(log.verify().ok).toBe(true);
    tamper(db, 'verdicts', "UPDATE verdicts SET verdict = 'not_relevant' WHERE id = ?", v.id);
    expect(log.verify()).toMatchObject({ ok: false, firstBroken: { seq: 5 } });
  });

  it('never stores a token or password in an entry', async () => {
    const { db, log } = fresh();
    const users = new Users(db, log);
    const { token } = users.add('ewa', 'clerk', { by: sonia });
    await users.setPassword('ewa', 'bardzo-tajne-haslo-123', sonia);
    const all = JSON.stringify([...log.range()]);
    expect(all).not.toContain(token);
    expect(all).not.toContain('bardzo-tajne-haslo-123');
    expect(all).toContain('user.password');
  });

  it('filters by action group, actor and day', () => {
    const { db } = fresh();
    const log = new AuditLog(db, 'UTC');
    log.append({ actor: sonia, action: 'auth.login' });
    log.append({ actor: null, action: 'auth.login_failed', target: 'x' });
    log.append({ actor: sonia, action: 'document.view', target: 'd1' });
    const today = new Date().toISOString().slice(0, 10);
    expect(log.list({ action: 'auth', limit: 10, offset: 0 }).total).toBe(2);
    expect(log.list({ actor: 'sonia', limit: 10, offset: 0 }).total).toBe(2);
    expect(log.list({ from: today, to: today, limit: 10, offset: 0 }).total).toBe(3);
    expect(log.list({ to: '2000-01-01', limit: 10, offset: 0 }).total).toBe(0);
  });
});
