/**
 * The keyed audit chain on real SQLite, against the attacks of someone holding the database file
 * (but not the key, which lives outside the data directory): a rewritten history with every hash
 * recomputed, HMACs stripped, a key swapped under the archive's pointer, and a cut tail caught by an
 * anchor. Each attack drops the append-only triggers first, as such a person would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rechainAudit as rechain, tamperAudit as tamper } from '../../test/helpers/audit-tamper.js';
import { tempDir } from '../../test/helpers/paths.js';
import { ConfigError, loadConfig } from '../config.js';
import { AUDIT_KEY_SETTING, createAuditKeyFile, readAuditKey, type AuditKey } from './audit-key.js';
import { AuditLog } from './audit-log.js';
import { anchorOf } from './audit-verify.js';
import { openDb, setSetting, type Db } from './db.js';
import { Users, type Actor } from './users.js';

const sonia: Actor = { userId: null, name: 'sonia', role: 'supervisor', via: 'token', ip: '10.0.0.7' };

describe('the keyed audit chain and its anchor', () => {
  const dirs: string[] = [];
  const dbs: Db[] = [];
  afterEach(() => {
    dbs.splice(0).forEach((db) => db.close());
    dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });

  /** An archive with 3 entries from before keying, then keyed, then 3 more (7 in all). */
  const keyedArchive = (): { db: Db; log: AuditLog; key: AuditKey; dataDir: string; outside: string } => {
    const dataDir = tempDir('audit-key-data');
    const outside = tempDir('audit-key-etc');
    dirs.push(dataDir, outside);
    const db = openDb(dataDir);
    dbs.push(db);
    const log = new AuditLog(db);
    for (let i = 1; i <= 3; i++) log.append({ actor: sonia, action: 'document.view', target: `${i}` });
    const key = createAuditKeyFile(path.join(outside, 'audit.key'), dataDir);
    log.startKeying(key, null);
    for (let i = 5; i <= 7; i++) log.append({ actor: sonia, action: 'page.view', target: `${i}`, details: { page: 1 } });
    return { db, log, key, dataDir, outside };
  };

  it('keys every entry after init, from any AuditLog over the archive; earlier entries still verify by hash', () => {
    const { db, log, key } = keyedArchive();
    new Users(db).add('ewa', 'clerk'); // its own AuditLog: keyed all the same
    const rows = db.prepare('SELECT seq, action, mac FROM audit_events ORDER BY seq').all() as { seq: number; action: string; mac: string | null }[];
    expect(rows.slice(0, 3).every((r) => r.mac === null)).toBe(true);
    expect(rows[3]).toMatchObject({ seq: 4, action: 'audit.keyed' });
    expect(rows.slice(3).every((r) => /^[0-9a-f]{64}$/.test(r.mac ?? ''))).toBe(true);
    expect(log.verify({ key })).toMatchObject({ ok: true, checked: rows.length, keyedFrom: 4, hmac: 'checked' });
    expect(fs.statSync(key.file).mode & 0o777).toBe(0o600);
  });

  it('catches a history rewritten with every hash recomputed (the HMACs no longer match)', () => {
    const { db, log, key } = keyedArchive();
    rechain(db, 6, '99', 'keep');
    expect(new AuditLog(db).verify({ key: null }).ok).toBe(true); // hashes alone cannot tell
    expect(log.verify({ key })).toMatchObject({ ok: false, firstBroken: { seq: 6, reason: expect.stringMatching(/HMAC does not match/) } });
  });

  it('catches a rewrite of an entry from before keying: the first keyed HMAC covers it', () => {
    const { db, log, key } = keyedArchive();
    rechain(db, 2, '99', 'keep');
    expect(log.verify({ key })).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: expect.stringMatching(/HMAC does not match/) } });
  });

  it('catches HMACs stripped from the tail, or from every entry', () => {
    const tail = keyedArchive();
    tamper(tail.db, () => tail.db.prepare('UPDATE audit_events SET mac = NULL WHERE seq >= 6').run());
    expect(tail.log.verify({ key: tail.key })).toMatchObject({ ok: false, firstBroken: { seq: 6, reason: expect.stringMatching(/no HMAC/) } });

    const all = keyedArchive();
    rechain(all.db, 6, '99', 'strip');
    tamper(all.db, () => all.db.prepare('DELETE FROM settings WHERE key = ?').run(AUDIT_KEY_SETTING));
    expect(all.log.verify({ key: all.key })).toMatchObject({ ok: false, firstBroken: { reason: expect.stringMatching(/no entry carries an HMAC/) } });
  });

  it('catches the archive pointed at a forger\'s key: the operator\'s key does not match', () => {
    const { db, log, key, outside, dataDir } = keyedArchive();
    const forged = createAuditKeyFile(path.join(outside, 'forged.key'), dataDir);
    setSetting(db, AUDIT_KEY_SETTING, forged.file);
    log.append({ actor: sonia, action: 'document.view', target: '8' });
    expect(log.verify({ key })).toMatchObject({ ok: false, firstBroken: { seq: 8 } });
  });

  it('catches a cut tail against an anchor, and a head rewritten under it', () => {
    const { db, log, key } = keyedArchive();
    const anchor = anchorOf(log.head(), key);
    expect(anchor).toMatchObject({ entries: 7, lastSeq: 7, keyId: key.id });
    log.append({ actor: sonia, action: 'document.view', target: '8' });
    expect(log.verify({ key, anchor })).toMatchObject({ ok: true, anchor: { entries: 7 } });

    tamper(db, () => db.prepare('DELETE FROM audit_events WHERE seq >= 6').run());
    expect(log.verify({ key }).ok).toBe(true); // inside the archive nothing shows
    expect(log.verify({ key, anchor })).toMatchObject({ ok: false, firstBroken: { seq: 6, reason: expect.stringMatching(/cut from the end/) } });
  });

  it('an anchor catches a re-chained history even in an unkeyed archive', () => {
    const dataDir = tempDir('audit-key-plain');
    dirs.push(dataDir);
    const db = openDb(dataDir);
    dbs.push(db);
    const log = new AuditLog(db);
    for (let i = 1; i <= 4; i++) log.append({ actor: sonia, action: 'document.view', target: `${i}` });
    const anchor = anchorOf(log.head(), null);
    rechain(db, 2, '99', 'keep');
    expect(log.verify()).toMatchObject({ ok: true, hmac: 'unkeyed', keyedFrom: null });
    expect(log.verify({ anchor })).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: expect.stringMatching(/differs from the anchor/) } });
  });

  it('keeps the key outside the data directory, never overwrites it, and refuses to append without it', () => {
    const { db, log, key, dataDir, outside } = keyedArchive();
    expect(() => createAuditKeyFile(path.join(dataDir, 'audit.key'), dataDir)).toThrow(/poza katalogiem danych/);
    expect(() => createAuditKeyFile(key.file, dataDir)).toThrow(/już istnieje/);
    expect(readAuditKey(key.file).id).toBe(key.id);
    expect(() => loadConfig({ KWERENDA_DATA_DIR: dataDir, KWERENDA_AUDIT_KEY_FILE: path.join(dataDir, 'keys', 'audit.key') })).toThrow(ConfigError);
    expect(loadConfig({ KWERENDA_DATA_DIR: dataDir, KWERENDA_AUDIT_KEY_FILE: key.file }).audit.keyFile).toBe(key.file);
    expect(() => log.startKeying(key, null)).toThrow(/już kluczowany/);
    // Moved away: an appender fails rather than write an entry the chain would flag as unkeyed.
    setSetting(db, AUDIT_KEY_SETTING, path.join(outside, 'moved.key'));
    const before = (db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;
    expect(() => log.append({ actor: sonia, action: 'document.view', target: '9' })).toThrow(/nie istnieje/);
    expect((db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n).toBe(before);
  });
});
