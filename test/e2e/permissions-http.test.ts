/**
 * The role × route matrix, generated from the permission table (server/security/permissions.ts):
 * every route in ROUTES, called by anonymous, clerk, records, supervisor and admin — over API tokens
 * and over browser sessions (cookie + CSRF token) — answers 401 / 403 / something else exactly as
 * the table says. The app's router stack is walked too, so a route registered without a rule (even
 * one that bypasses `route()`) fails this suite, and a rule whose route is missing from the app
 * fails it as well. Requests use harmless parameters (unknown ids, empty bodies): nothing is written.
 */
import type express from 'express';
import fs from 'node:fs';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { createHttpServer, createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import { hashPassword } from '../../server/security/passwords.js';
import { forbiddenMessage, PERMISSIONS, ROUTES, type Permission, type RouteRule } from '../../server/security/permissions.js';
import { ROLES, type Role } from '../../server/store/users.js';
import { tempDir } from '../helpers/paths.js';
import { registeredRoutes } from '../helpers/express-routes.js';

type Caller = 'anonymous' | Role;
const CALLERS: readonly Caller[] = ['anonymous', ...ROLES];
const PASSWORD = 'Matryca-uprawnien-2024';

/** Parameters that name nothing: the handler answers 404 (or 400), never touches a record. */
const HARMLESS: Record<string, string> = { id: '999999', n: '1', name: 'nikt-taki' };
const concrete = (path: string) => path.replace(/:(\w+)/g, (_m, p: string) => HARMLESS[p] ?? '999999');

type Outcome = 'unauthorized' | 'forbidden' | 'allowed';
function expected(rule: RouteRule, who: Caller): Outcome {
  if (rule.access === 'public') return 'allowed';
  if (who === 'anonymous') return 'unauthorized';
  if (rule.access === 'authenticated') return 'allowed';
  return (PERMISSIONS[rule.access] as readonly Role[]).includes(who) ? 'allowed' : 'forbidden';
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

describe('role × route matrix from the permission table', () => {
  let dataDir: string;
  let rt: SearchRuntime;
  let server: Server;
  let base: string;
  const tokens = {} as Record<Role, string>;
  const sessions = {} as Record<Role, { cookie: string; csrf: string }>;

  const login = async (name: string): Promise<{ cookie: string; csrf: string }> => {
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: name, password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('kw_session='))!.split(';')[0]!;
    return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
  };

  /** Rows whose count must not move while the matrix runs (sessions move: the matrix logs in). */
  const counts = () =>
    Object.fromEntries(
      ['users', 'api_tokens', 'searches', 'verdicts', 'batches', 'ingest_files', 'documents', 'restrictions']
        .filter((t) => rt.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t))
        .map((t) => [t, (rt.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]),
    );
  let before: Record<string, number>;

  beforeAll(async () => {
    dataDir = tempDir('permissions-http');
    rt = await createSearchRuntime(
      loadConfig({ KWERENDA_DATA_DIR: dataDir, KWERENDA_RATE_LOGIN_PER_MIN: '10000', KWERENDA_RATE_SEARCH_PER_MIN: '10000' }),
      { logger: silentLogger },
    );
    const passwordHash = await hashPassword(PASSWORD);
    for (const role of ROLES) tokens[role] = rt.users.add(`${role}-user`, role, { passwordHash }).token;
    server = await createHttpServer(rt, '127.0.0.1', 0);
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    for (const role of ROLES) sessions[role] = await login(`${role}-user`);
    before = counts();
  }, 120_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await rt?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (rule: RouteRule, who: Caller, via: 'token' | 'session') => {
    const headers: Record<string, string> = {};
    if (who !== 'anonymous' && via === 'token') headers.authorization = `Bearer ${tokens[who]}`;
    if (who !== 'anonymous' && via === 'session') {
      // Logging out ends the session: that row gets a session of its own.
      const s = rule.path === '/auth/logout' ? await login(`${who}-user`) : sessions[who];
      headers.cookie = s.cookie;
      if (rule.method !== 'GET') headers['x-csrf-token'] = s.csrf;
    }
    // An empty JSON object: every state-changing route must refuse it (400) before writing anything.
    const withBody = rule.method !== 'GET' && rule.method !== 'DELETE' && rule.path !== '/ingest';
    if (withBody) headers['content-type'] = 'application/json';
    const res = await fetch(base + '/api' + concrete(rule.path), { method: rule.method, headers, redirect: 'manual', ...(withBody ? { body: '{}' } : {}) });
    const text = await res.text();
    let body: ErrorBody = {};
    try {
      body = JSON.parse(text) as ErrorBody;
    } catch {
      // redirects (single sign-on) and files have no JSON body
    }
    return { status: res.status, body };
  };

  describe.each(['token', 'session'] as const)('over %s', (via) => {
    it.each(ROUTES.map((r) => [`${r.method} ${r.path} (${r.access})`, r] as const))('%s', async (_name, rule) => {
      const wrong: string[] = [];
      for (const who of CALLERS) {
        const { status, body } = await call(rule, who, via);
        const got = `${status} ${body.error?.code ?? ''}`;
        const want = expected(rule, who);
        if (want === 'unauthorized' && !(status === 401 && body.error?.code === 'unauthorized')) wrong.push(`${who}: ${got}, expected 401`);
        if (want === 'forbidden') {
          if (!(status === 403 && body.error?.code === 'forbidden')) wrong.push(`${who}: ${got}, expected 403 forbidden`);
          else if (body.error?.message !== forbiddenMessage(rule.access as Permission)) wrong.push(`${who}: 403 without the Polish reason`);
        }
        if (want === 'allowed') {
          if (status === 401 || status === 403 || status >= 500) wrong.push(`${who}: ${got}, expected access`);
          // The router's own 404 means this row has no route in the app: the table and the app disagree.
          if (status === 404 && body.error?.code === 'not_found') wrong.push(`${who}: 404 from the router — ${rule.method} ${rule.path} is not registered`);
        }
      }
      expect(wrong).toEqual([]);
    });
  });

  it('the matrix wrote nothing', () => {
    expect(counts()).toEqual(before);
  });

  it('every /api route registered in the app has a rule, and every rule has a route', () => {
    const app = server.listeners('request')[0] as unknown as express.Express;
    const registered = registeredRoutes(app).filter((r) => r.split(' ')[1]!.startsWith('/api/'));
    expect(registered.length).toBeGreaterThan(10);
    const rules = new Set(ROUTES.map((r) => `${r.method} /api${r.path}`));
    expect(registered.filter((r) => !rules.has(r)), 'registered without a rule in ROUTES').toEqual([]);
    expect([...rules].filter((r) => !registered.includes(r)), 'in ROUTES but not registered').toEqual([]);
  });

  describe('CSRF: cookie-authenticated state changes need the session\'s token', () => {
    const post = (path: string, body: unknown, headers: Record<string, string>) =>
      fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const QUESTION = { question: 'decyzja o pozwoleniu na budowę' };

    it('refuses a POST without or with a wrong X-CSRF-Token (403 csrf) and writes nothing', async () => {
      const start = counts();
      const admin = sessions.admin;
      const clerk = sessions.clerk;
      const attempts: Record<string, string>[] = [
        { cookie: admin.cookie },
        { cookie: admin.cookie, 'x-csrf-token': 'zly-token' },
        { cookie: admin.cookie, 'x-csrf-token': clerk.csrf }, // another session's token
        { cookie: admin.cookie, 'x-csrf-token': '' },
      ];
      for (const headers of attempts) {
        const res = await post('/api/users', { name: 'podrzucony', role: 'admin', password: 'Haslo-z-zewnatrz-123' }, headers);
        expect(res.status).toBe(403);
        expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: 'csrf', message: expect.stringContaining('CSRF') });
      }
      const patch = await fetch(`${base}/api/users/clerk-user`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', cookie: admin.cookie },
        body: JSON.stringify({ disabled: true }),
      });
      expect(patch.status).toBe(403);
      const search = await post('/api/agent/search', QUESTION, { cookie: clerk.cookie });
      expect(search.status).toBe(403);
      expect(counts()).toEqual(start);
      expect(rt.users.byName('podrzucony')).toBeNull();
      expect(rt.users.byName('clerk-user')!.disabled).toBe(false);
    });

    it('accepts the same request with the right token, and bearer requests need none', async () => {
      const start = counts().searches!;
      const withToken = await post('/api/agent/search', QUESTION, { cookie: sessions.clerk.cookie, 'x-csrf-token': sessions.clerk.csrf });
      expect(withToken.status).toBe(200);
      const bearer = await post('/api/agent/search', QUESTION, { authorization: `Bearer ${tokens.clerk}` });
      expect(bearer.status).toBe(200);
      expect(counts().searches).toBe(start + 2);
    });
  });
});
