/**
 * `kwerenda audit init-key / anchor / verify --anchor` as an operator runs them, on a real archive
 * whose database file is then attacked the way its holder could (append-only triggers dropped):
 * a history rewritten with every hash recomputed, and the last entries cut off. An unkeyed archive
 * still verifies and says that it is unkeyed; the key is refused inside the data directory.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../server/store/audit-log.js';
import { openDb, type Db } from '../../server/store/db.js';
import { rechainAudit, tamperAudit } from '../helpers/audit-tamper.js';
import { cliPath, tempDir } from '../helpers/paths.js';

const dirs: string[] = [];
const dir = (p: string) => {
  const d = tempDir(p);
  dirs.push(d);
  return d;
};
const etc = dir('audit-cli-etc');
const keyFile = path.join(etc, 'audit.key');
const run = (args: string[], extra: Record<string, string> = {}) =>
  spawnSync(process.execPath, [cliPath, ...args], { env: { ...process.env, KWERENDA_LOG_LEVEL: 'error', KWERENDA_AUDIT_KEY_FILE: '', ...extra }, encoding: 'utf8', timeout: 120_000 });
const withKey = { KWERENDA_AUDIT_KEY_FILE: keyFile };

/** A copy of the archive (closed, so the copy is whole) to attack without touching the original. */
function copyOf(data: string): string {
  const to = dir('audit-cli-copy');
  for (const f of fs.readdirSync(data)) fs.cpSync(path.join(data, f), path.join(to, f), { recursive: true });
  return to;
}

function withDb<T>(data: string, fn: (db: Db) => T): T {
  const db = openDb(data);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('kwerenda audit init-key, anchor, verify --anchor', () => {
  const data = dir('audit-cli-data');
  const anchorFile = path.join(etc, 'anchor.json');

  beforeAll(() => {
    withDb(data, (db) => {
      const log = new AuditLog(db);
      for (let i = 1; i <= 3; i++) log.append({ actor: null, action: 'document.view', target: `${i}` });
    });
  });

  it('says an unkeyed archive is unkeyed, and still verifies it (exit 0)', () => {
    const r = run(['audit', 'verify', '--data', data]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Dziennik nienaruszony: 3 wpisów/);
    expect(r.stdout).toMatch(/NIEKLUCZOWANY/);
  });

  it('refuses a key inside the data directory; creates one outside, keyed from the next entry', () => {
    const inside = run(['audit', 'init-key', '--out', path.join(data, 'audit.key'), '--data', data]);
    expect(inside.status).toBe(2);
    expect(inside.stderr).toMatch(/poza katalogiem danych/);
    expect(fs.existsSync(path.join(data, 'audit.key'))).toBe(false);

    const r = run(['audit', 'init-key', '--out', keyFile, '--data', data]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Utworzono klucz dziennika: ${keyFile}`);
    expect(r.stdout).toMatch(/kluczowany od wpisu nr 4/);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(run(['audit', 'init-key', '--out', path.join(etc, 'other.key'), '--data', data]).status).toBe(2);

    // Another command's entries are keyed too.
    expect(run(['users', 'add', 'ewa', '--role', 'clerk', '--data', data]).status).toBe(0);
    const v = run(['audit', 'verify', '--data', data], withKey);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/Łańcuch kluczowany od wpisu nr 4 \(HMAC sprawdzone kluczem [0-9a-f]{16}; wpisy 1–3 sprzed klucza sprawdzone skrótami\)/);
  });

  it('writes an anchor of the head, and verifies the chain against it', () => {
    const r = run(['audit', 'anchor', '--out', anchorFile, '--data', data]);
    expect(r.status).toBe(0);
    const anchor = JSON.parse(fs.readFileSync(anchorFile, 'utf8')) as { entries: number; lastSeq: number; lastMac: string | null; keyId: string | null };
    expect(anchor.entries).toBeGreaterThanOrEqual(5);
    expect(anchor.lastMac).toMatch(/^[0-9a-f]{64}$/);
    const v = run(['audit', 'verify', '--anchor', anchorFile, '--data', data], withKey);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/Zgodny z kotwicą/);
    const bad = path.join(etc, 'not-an-anchor.json');
    fs.writeFileSync(bad, '{"entries": "many"}');
    expect(run(['audit', 'verify', '--anchor', bad, '--data', data], withKey)).toMatchObject({ status: 2, stderr: expect.stringMatching(/nie jest kotwicą/) });
  });

  it('catches a history rewritten with every hash recomputed (exit 3)', () => {
    const forged = copyOf(data);
    withDb(forged, (db) => rechainAudit(db, 2, '99', 'keep'));
    const r = run(['audit', 'verify', '--data', forged], withKey);
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/pierwszy błędny wpis nr 4 \(HMAC does not match/);
  });

  it('catches the last entries cut off, against the anchor (exit 3)', () => {
    const cut = copyOf(data);
    withDb(cut, (db) => tamperAudit(db, () => db.prepare('DELETE FROM audit_events WHERE seq > 4').run()));
    expect(run(['audit', 'verify', '--data', cut], withKey).status).toBe(0); // nothing inside the archive shows it
    const r = run(['audit', 'verify', '--anchor', anchorFile, '--data', cut], withKey);
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/pierwszy błędny wpis nr 5 \(.*cut from the end/);
  });
});
