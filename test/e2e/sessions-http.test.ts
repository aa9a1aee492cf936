/**
 * Browser sessions, API tokens and the hardening around them, over HTTP against a real server:
 * login lockout (known and unknown names alike), session fixation, logout, idle and absolute expiry,
 * sessions ended by a password reset or by disabling, expired and revoked tokens, cookie flags (Secure
 * only behind a trusted TLS proxy), security headers, error bodies without stack traces, rate limits.
 * Then the audit trail from the command line: `kwerenda audit verify` on a clean archive and after
 * tampering with one entry or one stored search, and `kwerenda audit export` of a date range.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { createApp, type AppDeps } from '../../server/http/app.js';
import { silentLogger } from '../../server/log.js';
import { appDeps, createHttpServer, createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import type { AgentService } from '../../server/services/agent.service.js';
import { AUTH_DENIED } from '../../server/security/denials.js';
import { hashPassword } from '../../server/security/passwords.js';
import { AuditLog, type AuditEntry } from '../../server/store/audit-log.js';
import { openDb } from '../../server/store/db.js';
import { Sessions } from '../../server/store/sessions.js';
import { cliPath, repoRoot, tempDir } from '../helpers/paths.js';

const PASSWORD = 'Sesje-i-tokeny-2024';
const STACK_TRACE = /\bat \S+ \(|\.[jt]s:\d+|node:internal|Error:/;

interface Body {
  error?: { code: string; message: string };
  user?: { name: string; role: string };
  csrfToken?: string;
}

const dirs: string[] = [];
const servers: http.Server[] = [];

async function listen(app: http.RequestListener): Promise<string> {
  const server = http.createServer(app);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

describe('sessions, tokens and hardening over HTTP', () => {
  let rt: SearchRuntime;
  let base: string;
  let adminToken: string;
  let clerkToken: string;

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const login = (name: string, password = PASSWORD, headers: Record<string, string> = {}, at = base) =>
    post(`${at}/api/auth/login`, { username: name, password }, headers);
  const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('kw_session='));
  const cookieOf = (res: Response) => sessionCookie(res)!.split(';')[0]!;
  const me = (cookie: string, at = base) => fetch(`${at}/api/auth/me`, { headers: { cookie } });
  const addUser = async (name: string, role: 'clerk' | 'records' | 'supervisor' | 'admin' = 'clerk') =>
    rt.users.add(name, role, { passwordHash: await hashPassword(PASSWORD) }).token;

  beforeAll(async () => {
    const dataDir = tempDir('sessions-http');
    dirs.push(dataDir);
    rt = await createSearchRuntime(
      loadConfig({
        KWERENDA_DATA_DIR: dataDir,
        KWERENDA_LOGIN_MAX_FAILURES: '3',
        KWERENDA_LOGIN_LOCK_S: '120',
        KWERENDA_RATE_LOGIN_PER_MIN: '10000',
        KWERENDA_RATE_SEARCH_PER_MIN: '10000',
      }),
      { logger: silentLogger },
    );
    adminToken = await addUser('adam', 'admin');
    clerkToken = await addUser('anna');
    const server = await createHttpServer(rt, '127.0.0.1', 0);
    servers.push(server);
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }, 120_000);

  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await rt?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  describe('login lockout', () => {
    const failed = () => rt.auditLog.list({ action: 'auth.login_failed', limit: 1000, offset: 0 }).items;
    /** A known name is recorded as typed; an unknown one only by its length. */
    const failures = (name: string, known = true) =>
      failed()
        .filter((e) => (known ? e.target === name : e.target === null && (e.details.unknownName as { length: number }).length === [...name].length))
        .map((e) => e.details.reason);

    it.each([
      ['a known user, then even the right password', 'ola', true],
      ['an unknown name, the same way', 'duch', false],
    ])('locks %s after 3 failures: 429 with Retry-After and a Polish message', async (_what, name, known) => {
      if (known) await addUser(name);
      for (let i = 0; i < 3; i++) {
        const res = await login(name, `zle-haslo-${i}-xxxxxx`);
        expect(res.status).toBe(401);
        expect(((await res.json()) as Body).error!.message).toBe('nieprawidłowa nazwa użytkownika lub hasło');
      }
      const locked = await login(name, PASSWORD);
      expect(locked.status).toBe(429);
      const retry = Number(locked.headers.get('retry-after'));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(120);
      const body = (await locked.json()) as Body;
      expect(body.error).toEqual({ code: 'login_locked', message: 'zbyt wiele nieudanych prób logowania; spróbuj ponownie za 2 minuty' });
      expect(sessionCookie(locked)).toBeUndefined();
      expect(failures(name, known).sort()).toEqual(['invalid_credentials', 'invalid_credentials', 'invalid_credentials', 'locked']);
    });

    it('counts parallel guesses before checking them: of 20 at once at most 3 are checked, and the right password is refused while locked', async () => {
      await addUser('kasia');
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => login('kasia', `zle-haslo-rownolegle-${i}`)));
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(3);
      expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
      expect(failures('kasia').filter((r) => r === 'invalid_credentials').length).toBeLessThanOrEqual(3);
      const right = await login('kasia');
      expect(right.status).toBe(429);
      expect(sessionCookie(right)).toBeUndefined();
    });

    it('keeps a password typed into the name field out of the audit trail: an unknown name is recorded by its length only', async () => {
      const typed = 'Moje-Haslo-W-Polu-Nazwy-2024';
      const res = await login(typed, 'cokolwiek-innego-123');
      expect(res.status).toBe(401);
      const all = JSON.stringify([...rt.auditLog.range()]);
      expect(all.toLowerCase()).not.toContain(typed.toLowerCase());
      expect(failures(typed, false)).toEqual(['invalid_credentials']);
      expect(JSON.stringify(rt.db.prepare('SELECT * FROM login_attempts').all()).toLowerCase()).not.toContain(typed.toLowerCase());
    });

    it('locks only that name, and never writes a password to the audit trail', async () => {
      expect((await login('anna')).status).toBe(200);
      const all = JSON.stringify([...rt.auditLog.range()]);
      expect(all).not.toContain(PASSWORD);
      expect(all).not.toContain('zle-haslo');
    });
  });

  describe('session lifecycle', () => {
    it('does not adopt a session id planted before login (fixation)', async () => {
      await addUser('bartek');
      await addUser('mallory');
      const planted = 'kw_session=' + 'A'.repeat(43);
      const res = await login('bartek', PASSWORD, { cookie: planted });
      expect(res.status).toBe(200);
      const issued = cookieOf(res);
      expect(issued).not.toBe(planted);
      expect((await me(planted)).status).toBe(401);
      expect(((await (await me(issued)).json()) as Body).user).toEqual({ name: 'bartek', role: 'clerk' });

      // An attacker's own live session planted in the victim's browser is dropped, not shared.
      const attacker = cookieOf(await login('mallory'));
      const victim = cookieOf(await login('bartek', PASSWORD, { cookie: attacker }));
      expect(victim).not.toBe(attacker);
      expect(((await (await me(victim)).json()) as Body).user!.name).toBe('bartek');
      expect((await me(attacker)).status).toBe(401);
    });

    it('logout ends the session on the server, not only in the browser', async () => {
      const res = await login('anna');
      const cookie = cookieOf(res);
      const { csrfToken } = (await res.json()) as Body;
      const out = await fetch(`${base}/api/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken! } });
      expect(out.status).toBe(204);
      expect(sessionCookie(out)).toMatch(/kw_session=;.*Expires=Thu, 01 Jan 1970/);
      expect((await me(cookie)).status).toBe(401);
      expect(rt.auditLog.list({ action: 'auth.logout', limit: 10, offset: 0 }).items[0]!.target).toBe('anna');
    });

    it('a password reset or disabling the user ends their open sessions; a disabled user cannot sign in', async () => {
      const piotrToken = await addUser('piotr');
      await addUser('zofia');
      const piotr = cookieOf(await login('piotr'));
      const zofia = cookieOf(await login('zofia'));
      expect((await me(piotr)).status).toBe(200);
      const admin = { authorization: `Bearer ${adminToken}` };

      const changed = await post(`${base}/api/users/piotr/password`, { password: 'Nowe-haslo-piotra-2024' }, admin);
      expect(changed.status).toBe(200);
      expect(await changed.json()).toMatchObject({ revokedTokens: 1, message: 'piotr: hasło zmienione; sesje w przeglądarce zakończone; unieważniono tokeny API: 1' });
      expect((await me(piotr)).status).toBe(401);
      // The API token issued before the change no longer works either.
      expect((await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${piotrToken}` } })).status).toBe(401);
      expect(rt.auditLog.list({ action: 'token.revoked', target: 'piotr', limit: 1, offset: 0 }).items[0]).toMatchObject({ actorName: 'adam', details: { count: 1, reason: 'password_changed' } });
      const newToken = rt.users.newToken('piotr');
      expect((await login('piotr')).status).toBe(401);
      expect((await login('piotr', 'Nowe-haslo-piotra-2024')).status).toBe(200);

      const patch = await fetch(`${base}/api/users/zofia`, { method: 'PATCH', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ disabled: true }) });
      expect(patch.status).toBe(200);
      expect((await me(zofia)).status).toBe(401);
      expect((await login('zofia')).status).toBe(401);

      await fetch(`${base}/api/users/piotr`, { method: 'PATCH', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ disabled: true }) });
      expect((await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${newToken}` } })).status).toBe(401);
    });

    it('kwerenda users reset-password says in Polish that the API tokens were revoked', async () => {
      const token = await addUser('wiktor');
      const r = spawnSync(process.execPath, [cliPath, 'users', 'reset-password', 'wiktor', '--data', rt.config.dataDir], {
        encoding: 'utf8',
        input: 'Nowe-haslo-wiktora-2024\n',
        timeout: 120_000,
        env: { ...process.env, KWERENDA_LOG_LEVEL: 'error' },
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('wiktor: hasło zmienione; sesje w przeglądarce zakończone; unieważniono tokeny API: 1\n');
      expect((await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    });

    it('ends an idle session after the idle time and any session after its absolute lifetime', async () => {
      // Starts at the real time: a password set before the session was created must not end it.
      let now = Date.now();
      const sessions = new Sessions(rt.db, { idleMinutes: 30, maxHours: 10 }, { maxFailures: 3, lockSeconds: 60, maxLockSeconds: 3600 }, () => now);
      const deps = appDeps(rt);
      const at = await listen(createApp({ ...deps, security: { ...deps.security, sessions, loginPerMinute: 10000 } }));

      const idle = cookieOf(await login('anna', PASSWORD, {}, at));
      now += 29 * 60_000;
      expect((await me(idle, at)).status).toBe(200); // a request restarts the idle clock
      now += 29 * 60_000;
      expect((await me(idle, at)).status).toBe(200);
      now += 31 * 60_000;
      expect((await me(idle, at)).status).toBe(401);

      const busy = cookieOf(await login('anna', PASSWORD, {}, at));
      const started = now;
      while (now - started < 10 * 3_600_000 - 20 * 60_000) {
        now += 20 * 60_000;
        expect((await me(busy, at)).status).toBe(200);
      }
      now = started + 10 * 3_600_000;
      expect((await me(busy, at)).status).toBe(401);
    });
  });

  describe('API tokens', () => {
    it('an expired or revoked token is refused with 401', async () => {
      const expired = await addUser('tomasz');
      const revoked = await addUser('renata');
      const get = (token: string) => fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect((await get(expired)).status).toBe(200);
      expect((await get(revoked)).status).toBe(200);

      rt.db.prepare("UPDATE api_tokens SET expires_at = '2020-01-01T00:00:00.000Z' WHERE user_id = (SELECT id FROM users WHERE name = 'tomasz')").run();
      rt.users.revokeTokens('renata');
      for (const token of [expired, revoked, 'kw_' + 'x'.repeat(43), 'nie-token']) {
        const res = await get(token);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toContain('Bearer');
        expect(((await res.json()) as Body).error!.code).toBe('unauthorized');
      }
    });
  });

  describe('failed authorizations', () => {
    const denied = () => rt.auditLog.list({ action: AUTH_DENIED, limit: 1000, offset: 0 }).items;

    it('records a refused request as auth.denied: who, method, route and reason, never the token', async () => {
      const res = await fetch(`${base}/api/users`, { headers: { authorization: `Bearer ${clerkToken}` } });
      expect(res.status).toBe(403);
      expect(denied()[0]).toMatchObject({ actorName: 'anna', actorRole: 'clerk', details: { method: 'GET', route: '/api/users', status: 403, reason: 'forbidden' } });

      const session = await login('anna');
      const cookie = cookieOf(session);
      const noCsrf = await fetch(`${base}/api/auth/logout`, { method: 'POST', headers: { cookie } });
      expect(noCsrf.status).toBe(403);
      expect(denied()[0]).toMatchObject({ actorName: 'anna', details: { method: 'POST', route: '/api/auth/logout', status: 403, reason: 'csrf' } });
      expect(JSON.stringify([...rt.auditLog.range()])).not.toContain(clerkToken);
    });

    it('writes one entry a minute for a flood from one address without valid credentials, counting the rest', async () => {
      const deps = appDeps(rt);
      const at = await listen(createApp({ ...deps, security: { ...deps.security, trustProxy: 'loopback' } }));
      const fake = 'kw_' + 'Zgadywany'.repeat(5);
      for (let i = 0; i < 40; i++) {
        const headers: Record<string, string> = { 'x-forwarded-for': '203.0.113.7', ...(i % 2 ? { authorization: `Bearer ${fake}` } : {}) };
        expect((await fetch(`${at}/api/users?proba=${i}`, { headers })).status).toBe(401);
      }
      const flood = denied().filter((e) => e.ip === '203.0.113.7');
      expect(flood).toHaveLength(1);
      expect(flood[0]).toMatchObject({ actorName: null, details: { method: 'GET', route: '/api/users', status: 401, reason: 'unauthenticated' } });
      const trail = JSON.stringify([...rt.auditLog.range()]);
      expect(trail).not.toContain('Zgadywany');
      expect(trail).not.toContain('proba=');
    });
  });

  describe('cookies and headers', () => {
    it('sets the session cookie HttpOnly and SameSite=Strict, without Secure over plain HTTP', async () => {
      const c = sessionCookie(await login('anna', PASSWORD, { 'x-forwarded-proto': 'https' }))!;
      expect(c).toMatch(/; HttpOnly/);
      expect(c).toMatch(/; SameSite=Strict/);
      expect(c).toMatch(/; Path=\//);
      // The header is not trusted without KWERENDA_TRUST_PROXY: anyone could send it.
      expect(c).not.toMatch(/Secure/);
    });

    it('marks it Secure behind a trusted TLS proxy (KWERENDA_TRUST_PROXY=loopback, X-Forwarded-Proto: https)', async () => {
      const { trustProxy } = loadConfig({ KWERENDA_TRUST_PROXY: 'loopback' }).http;
      const deps = appDeps(rt);
      const at = await listen(createApp({ ...deps, security: { ...deps.security, trustProxy } }));
      const c = sessionCookie(await login('anna', PASSWORD, { 'x-forwarded-proto': 'https' }, at))!;
      expect(c).toMatch(/; Secure/);
      expect(c).toMatch(/; HttpOnly/);
      expect(sessionCookie(await login('anna', PASSWORD, {}, at))).not.toMatch(/Secure/);
    });

    it('serves the UI with helmet headers and a strict Content-Security-Policy; API answers are never cached', async () => {
      const res = await fetch(`${base}/`);
      const csp = res.headers.get('content-security-policy') ?? '';
      for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) {
        expect(csp).toContain(d);
      }
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
      const api = await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${clerkToken}` } });
      expect(api.headers.get('cache-control')).toBe('no-store');
    });

    it('never puts a stack trace, a file path or an exception text into an error body', async () => {
      const deps: AppDeps = appDeps(rt);
      const broken = { ...deps, agent: { search: async () => { throw new TypeError(`Cannot read properties of undefined (reading 'x') ${repoRoot}/server/a.ts:1`); } } as unknown as AgentService };
      const faulty = await listen(createApp(broken));
      const auth = { authorization: `Bearer ${clerkToken}` };
      const cases: [string, Promise<Response>, number][] = [
        ['internal error', post(`${faulty}/api/agent/search`, { question: 'decyzja' }, auth), 500],
        ['invalid JSON', fetch(`${base}/api/agent/search`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"question": ' }), 400],
        ['body too large', post(`${base}/api/agent/search`, { question: 'x'.repeat(200_000) }, auth), 413],
        ['bad charset', fetch(`${base}/api/agent/search`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json; charset=koi8-r' }, body: '{}' }), 415],
        ['bad URL escape', fetch(`${base}/api/documents/%E0%A4%A`, { headers: auth }), 400],
        ['unknown route', fetch(`${base}/api/nie/ma/takiego`, { headers: auth }), 404],
        ['unknown static file', fetch(`${base}/../../etc/passwd`), 404],
        ['wrong type', post(`${base}/api/agent/search`, { question: 42 }, auth), 400],
      ];
      for (const [what, pending, status] of cases) {
        const res = await pending;
        const text = await res.text();
        expect(res.status, what).toBe(status);
        expect(res.headers.get('content-type'), what).toMatch(/^application\/json/);
        const body = JSON.parse(text) as Body;
        expect(Object.keys(body), what).toEqual(['error']);
        expect(Object.keys(body.error!).sort(), what).toEqual(['code', 'message']);
        expect(text, what).not.toMatch(STACK_TRACE);
        expect(text, what).not.toContain(repoRoot);
      }
    });

    it('rate-limits logins per address and searches per user with 429 and a Polish message', async () => {
      const deps = appDeps(rt);
      const at = await listen(createApp({ ...deps, security: { ...deps.security, loginPerMinute: 3, searchPerMinute: 2 } }));
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await login('ktokolwiek', 'zle-haslo-123456', {}, at)).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const limited = await login('anna', PASSWORD, {}, at);
      expect(limited.status).toBe(429);
      expect(((await limited.json()) as Body).error).toEqual({ code: 'rate_limited', message: 'zbyt wiele prób logowania z tego adresu; spróbuj ponownie za minutę' });

      const search = () => post(`${at}/api/agent/search`, { question: 'pozwolenie na budowę' }, { authorization: `Bearer ${clerkToken}` });
      expect((await search()).status).toBe(200);
      expect((await search()).status).toBe(200);
      const third = await search();
      expect(third.status).toBe(429);
      expect(((await third.json()) as Body).error).toEqual({ code: 'rate_limited', message: 'zbyt wiele wyszukiwań w krótkim czasie; spróbuj ponownie za minutę' });
      // Another user has a budget of their own.
      expect((await post(`${at}/api/agent/search`, { question: 'pozwolenie' }, { authorization: `Bearer ${adminToken}` })).status).toBe(200);
    });
  });

  describe('kwerenda audit verify / export', () => {
    const cli = (args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, KWERENDA_LOG_LEVEL: 'error' } });
    const verify = () => cli(['audit', 'verify', '--data', rt.config.dataDir]);

    /** Runs `sql` with the named append-only trigger lifted, then puts the trigger back exactly as it was. */
    const tamper = (trigger: string, sql: string, ...args: unknown[]) => {
      const { sql: ddl } = rt.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?").get(trigger) as { sql: string };
      rt.db.exec(`DROP TRIGGER ${trigger}`);
      rt.db.prepare(sql).run(...args);
      rt.db.exec(ddl);
    };

    it('passes on the untouched archive (exit 0)', () => {
      const r = verify();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Dziennik nienaruszony: \d+ wpisów/);
    });

    it('names the entry whose content was changed in the database (exit 3), and passes again once it is restored', () => {
      const victim = rt.auditLog.list({ action: 'auth.login_failed', target: 'ola', limit: 1, offset: 0 }).items[0]!;
      tamper('audit_events_no_update', 'UPDATE audit_events SET target = ? WHERE seq = ?', 'ktos-inny', victim.seq);
      const r = verify();
      expect(r.status).toBe(3);
      expect(r.stdout).toContain(`pierwszy błędny wpis nr ${victim.seq} `);
      tamper('audit_events_no_update', 'UPDATE audit_events SET target = ? WHERE seq = ?', victim.target, victim.seq);
      expect(verify().status).toBe(0);
    });

    it('names the search entry whose stored response was edited (exit 3)', () => {
      const entry = rt.auditLog.list({ action: 'search', limit: 1, offset: 0 }).items[0]!;
      const id = entry.details.searchId as string;
      const { response } = rt.db.prepare('SELECT response FROM searches WHERE id = ?').get(id) as { response: string };
      const shown = JSON.parse(response) as { mode: string };
      const edited = JSON.stringify({ ...shown, mode: shown.mode === 'llm' ? 'rules' : 'llm' }); // "the model chose this"
      expect(edited).not.toBe(response);
      tamper('searches_no_update', 'UPDATE searches SET response = ? WHERE id = ?', edited, id);
      const r = verify();
      expect(r.status).toBe(3);
      expect(r.stdout).toContain(`pierwszy błędny wpis nr ${entry.seq} `);
      expect(r.stdout).toContain(id);
      tamper('searches_no_update', 'UPDATE searches SET response = ? WHERE id = ?', response, id);
      expect(verify().status).toBe(0);
    });

    it('exports exactly the entries of a date range as JSON lines', () => {
      const dir = tempDir('audit-export');
      dirs.push(dir);
      const db = openDb(dir);
      const log = new AuditLog(db);
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        for (const [day, n] of [['2024-03-01', 2], ['2024-03-02', 3], ['2024-03-03', 1]] as const) {
          for (let i = 0; i < n; i++) {
            vi.setSystemTime(new Date(`${day}T${String(8 + i).padStart(2, '0')}:15:00Z`));
            log.append({ actor: null, action: 'ingest.batch', target: `${day}#${i}`, details: { files: i } });
          }
        }
        // 23:30 UTC on 2 March is 00:30 on 3 March in Warsaw: the days are the city's (KWERENDA_TIMEZONE).
        vi.setSystemTime(new Date('2024-03-02T23:30:00Z'));
        log.append({ actor: null, action: 'ingest.batch', target: '2024-03-03#late', details: {} });
      } finally {
        vi.useRealTimers();
        db.close();
      }
      const r = cli(['audit', 'export', '--from', '2024-03-02', '--to', '2024-03-02', '--data', dir]);
      expect(r.status).toBe(0);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
      expect(lines.map((e) => [e.seq, e.target])).toEqual([[3, '2024-03-02#0'], [4, '2024-03-02#1'], [5, '2024-03-02#2']]);
      expect(lines.every((e) => e.hash.length === 64 && e.prevHash.length === 64)).toBe(true);
      expect(r.stderr).toContain('Wyeksportowano wpisów: 3');

      const rest = cli(['audit', 'export', '--from', '2024-03-03', '--data', dir]);
      expect(rest.stdout.trim().split('\n').map((l) => (JSON.parse(l) as AuditEntry).target)).toEqual(['2024-03-03#0', '2024-03-03#late', null]); // the first export is recorded too
      expect(cli(['audit', 'verify', '--data', dir]).status).toBe(0);
      const bad = cli(['audit', 'export', '--from', '2024-3-2', '--data', dir]);
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).not.toMatch(STACK_TRACE);
    });
  });
});
