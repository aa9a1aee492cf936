/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider) started on 127.0.0.1, with
 * kwerenda serving a copy of the ingested sample archive. The browser is played by fetch: redirects
 * followed and cookies carried by hand, per site, so what is checked is what a browser would see.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { createApp, type AppDeps } from '../../server/http/app.js';
import { silentLogger } from '../../server/log.js';
import { appDeps, createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import { OidcClient } from '../../server/security/oidc.js';
import type { AuditEntry } from '../../server/store/audit-log.js';
import { Browser, location, setCookie, startOidcProvider, type IdpUser, type TestIdp } from '../helpers/oidc-provider.js';
import { sampleArchiveCopy } from '../helpers/sample-archive.js';

const ROLE_MAP = 'kw-urzednicy=clerk,kw-archiwum=records,kw-nadzor=supervisor,kw-admin=admin';
const CALLBACK = '/api/auth/oidc/callback';

describe('single sign-on through OpenID Connect', () => {
  let dataDir: string;
  let rt: SearchRuntime;
  let idp: TestIdp;
  const servers: http.Server[] = [];
  const closers: (() => Promise<void>)[] = [];
  let base: string;

  const anna: IdpUser = { sub: 'u-1001', username: 'anna.nowak', groups: ['pracownicy', 'kw-urzednicy'] };
  const bogdan: IdpUser = { sub: 'u-1002', username: 'bogdan', groups: ['kadry'] };

  /** kwerenda on a free port; `oidc` builds its SSO client once the port (so the redirect URI) is known. */
  async function serve(oidc: ((base: string) => OidcClient | Promise<OidcClient>) | null): Promise<{ base: string; server: http.Server }> {
    const server = http.createServer();
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const at = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const deps: AppDeps = appDeps(rt);
    server.on('request', createApp({ ...deps, security: { ...deps.security, oidc: oidc ? await oidc(at) : undefined } }));
    return { base: at, server };
  }

  /** Starts a login at `site` and follows the provider's redirects up to (not into) kwerenda's callback. */
  async function toCallback(b: Browser, site = base, query = ''): Promise<string> {
    const start = await b.get(`${site}/api/auth/oidc/login${query}`, 'text/html');
    expect(start.status).toBe(302);
    let url = location(start, site);
    for (let hop = 0; hop < 10 && !url.startsWith(site + CALLBACK); hop++) {
      const res = await b.get(url, 'text/html');
      expect([302, 303]).toContain(res.status);
      url = location(res, url);
    }
    expect(url.startsWith(site + CALLBACK)).toBe(true);
    return url;
  }

  const sessionCount = () => (rt.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
  const me = (b: Browser, site = base) => b.get(`${site}/api/auth/me`);
  const authEvents = (): AuditEntry[] => rt.auditLog.list({ action: 'auth', limit: 500, offset: 0 }).items;

  beforeAll(async () => {
    dataDir = await sampleArchiveCopy('oidc');
    // kwerenda's port must be known before the provider registers its redirect URI, and vice versa.
    const server = http.createServer();
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    idp = await startOidcProvider({ redirectUri: base + CALLBACK });
    closers.push(() => idp.close());
    rt = await createSearchRuntime(
      loadConfig({
        KWERENDA_DATA_DIR: dataDir,
        KWERENDA_RATE_LOGIN_PER_MIN: '1000',
        OIDC_ISSUER: idp.issuer,
        OIDC_CLIENT_ID: idp.clientId,
        OIDC_CLIENT_SECRET: idp.clientSecret,
        OIDC_REDIRECT_URI: base + CALLBACK,
        OIDC_ROLE_MAP: ROLE_MAP,
      }),
      { logger: silentLogger },
    );
    server.on('request', createApp(appDeps(rt)));
  }, 600_000);

  afterAll(async () => {
    for (const c of closers) await c().catch(() => undefined);
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await rt?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('tells the login page, before anyone signs in, that single sign-on is available', async () => {
    const res = await fetch(`${base}/api/auth/options`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ password: true, sso: true });
  });

  it('without OIDC_ISSUER offers the password only, and the SSO routes answer 404 sso_disabled', async () => {
    const off = await serve(null);
    expect(await (await fetch(`${off.base}/api/auth/options`)).json()).toEqual({ password: true, sso: false });
    for (const path of ['/api/auth/oidc/login', `${CALLBACK}?code=x&state=y`]) {
      const res = await fetch(off.base + path, { redirect: 'manual' });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('sso_disabled');
    }
  });

  it('signs a member of the clerks\' group in as a clerk, who can then search', async () => {
    const b = new Browser();
    idp.signIn(anna);
    const start = await b.get(`${base}/api/auth/oidc/login`, 'text/html');
    // The login state is a short-lived, HttpOnly, Lax cookie sent only to the callback's folder.
    expect(setCookie(start, 'kw_oidc')).toMatch(/Max-Age=600;.*Path=\/api\/auth\/oidc;.*HttpOnly;.*SameSite=Lax/);
    const auth = new URL(location(start, base));
    expect(auth.origin).toBe(idp.issuer);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('nonce')).toBeTruthy();

    const done = await b.get(await toCallback(b), 'text/html');
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/#/');
    expect(setCookie(done, 'kw_session')).toMatch(/HttpOnly;.*SameSite=Strict/);

    const who = await me(b);
    expect(who.status).toBe(200);
    const body = (await who.json()) as { user: { name: string; role: string }; permissions: string[]; csrfToken: string };
    expect(body.user).toEqual({ name: 'anna.nowak', role: 'clerk' });
    expect(body.permissions).toContain('search');

    const cookie = [...b.jar(base)].map(([k, v]) => `${k}=${v}`).join('; ');
    const search = await fetch(`${base}/api/agent/search`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': body.csrfToken },
      body: JSON.stringify({ question: 'decyzja w sprawie WUA-ZRB.6740.1.786.2019' }),
    });
    expect(search.status).toBe(200);
    expect(((await search.json()) as { results: unknown[] }).results.length).toBeGreaterThan(0);
    // A clerk still may not read the audit trail.
    expect((await b.get(`${base}/api/audit/events`)).status).toBe(403);
  });

  it('returns to the page the login began on, but only to a page of this site', async () => {
    idp.signIn(anna);
    const cases: [string, string][] = [
      ['/#/search?q=45%2F7', '/#/search?q=45%2F7'],
      ['//evil.example/', '/#/'],
      ['https://evil.example/', '/#/'],
      ['/\\evil.example', '/#/'],
    ];
    for (const [asked, landed] of cases) {
      const b = new Browser();
      const done = await b.get(await toCallback(b, base, `?returnTo=${encodeURIComponent(asked)}`));
      expect(done.status).toBe(302);
      expect(done.headers.get('location'), asked).toBe(landed);
    }
  });

  it('refuses a person in no mapped group with a Polish page; no user, no session', async () => {
    const b = new Browser();
    idp.signIn(bogdan);
    const sessions = sessionCount();
    const res = await b.get(await toCallback(b), 'text/html');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('nie należy do żadnej grupy z dostępem do kwerendy');
    expect(setCookie(res, 'kw_session')).toBeUndefined();
    expect(sessionCount()).toBe(sessions);
    expect(rt.users.byName('bogdan')).toBeNull();
    expect((await me(b)).status).toBe(401);
  });

  it('refuses a login the person cancelled at the provider', async () => {
    const b = new Browser();
    idp.signIn(null);
    const res = await b.get(await toCallback(b));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('sso_failed');
    expect(setCookie(res, 'kw_session')).toBeUndefined();
  });

  it('never hands an SSO person a local account of the same name', async () => {
    rt.users.add('jan', 'admin');
    const b = new Browser();
    idp.signIn({ sub: 'u-1003', username: 'jan', groups: ['kw-archiwum'] });
    expect((await b.get(await toCallback(b))).status).toBe(302);
    expect(((await (await me(b)).json()) as { user: unknown }).user).toEqual({ name: 'jan-sso', role: 'records' });
    expect(rt.users.byName('jan')).toMatchObject({ role: 'admin', hasPassword: false });
  });

  it('refuses a forged, foreign or missing login-state cookie, and accepts the genuine one', async () => {
    const b = new Browser();
    idp.signIn(anna);
    const callback = await toCallback(b);
    const genuine = b.jar(base).get('kw_oidc')!;
    const [payload, sig] = genuine.split('.') as [string, string];
    const sessions = sessionCount();

    // Payload edited (e.g. to choose another return path), signature kept.
    const edited = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('"r":"/#/"', '"r":"/x"')).toString('base64url');
    expect(edited).not.toBe(payload);
    const refusals: [string, string | undefined][] = [
      ['forged', `${edited}.${sig}`],
      // A middle character: the last one of base64 carries spare bits, changing it may change nothing.
      ['forged signature', `${payload}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`],
      ['missing', undefined],
    ];
    const other = new Browser();
    await toCallback(other);
    refusals.push(['another login\'s state', other.jar(base).get('kw_oidc')]);

    for (const [what, value] of refusals) {
      if (value === undefined) b.jar(base).delete('kw_oidc');
      else b.jar(base).set('kw_oidc', value);
      const res = await b.get(callback);
      expect(res.status, what).toBe(400);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'sso_state_invalid', message: expect.stringMatching(/zacznij logowanie od nowa/) });
      expect(setCookie(res, 'kw_session')).toBeUndefined();
    }
    expect(sessionCount()).toBe(sessions);

    b.jar(base).set('kw_oidc', genuine);
    expect((await b.get(callback)).status).toBe(302);
    expect(((await (await me(b)).json()) as { user: { name: string } }).user.name).toBe('anna.nowak');
  });

  it('refuses a replayed callback, here and on another server of the same archive', async () => {
    const b = new Browser();
    idp.signIn(anna);
    const callback = await toCallback(b);
    const state = b.jar(base).get('kw_oidc')!;
    expect((await b.get(callback)).status).toBe(302);

    const attacker = new Browser();
    attacker.jar(base).set('kw_oidc', state);
    const replay = await attacker.get(callback);
    expect(replay.status).toBe(400);
    expect(setCookie(replay, 'kw_session')).toBeUndefined();

    // A second server shares the signing key but not the memory of used states: the provider's
    // one-time code still refuses the replay.
    const second = await serve(() => new OidcClient(rt.config.oidc!, rt.db));
    const elsewhere = new Browser();
    elsewhere.jar(second.base).set('kw_oidc', state);
    const res = await elsewhere.get(callback.replace(base, second.base));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('sso_failed');
    expect(setCookie(res, 'kw_session')).toBeUndefined();
  });

  it('follows a group change at the next login, and refuses a disabled account', async () => {
    const first = new Browser();
    idp.signIn(anna);
    expect((await first.get(await toCallback(first))).status).toBe(302);
    expect((await me(first)).status).toBe(200);

    idp.update({ ...anna, groups: ['kw-nadzor'] });
    const b = new Browser();
    expect((await b.get(await toCallback(b))).status).toBe(302);
    expect(((await (await me(b)).json()) as { user: unknown }).user).toEqual({ name: 'anna.nowak', role: 'supervisor' });
    expect((await b.get(`${base}/api/audit/events`)).status).toBe(200);
    // The session that still carried the old role has ended.
    expect((await me(first)).status).toBe(401);

    rt.users.setDisabled('anna.nowak', true);
    const refused = await b.get(await toCallback(b));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('account_disabled');
    rt.users.setDisabled('anna.nowak', false);
  });

  it('reads the groups from userinfo when the provider keeps them out of the id_token; users are per issuer', async () => {
    let idp2!: TestIdp;
    const site = await serve(async (at) => {
      idp2 = await startOidcProvider({ redirectUri: at + CALLBACK, idTokenClaims: false });
      closers.push(() => idp2.close());
      return new OidcClient({ ...rt.config.oidc!, issuer: idp2.issuer, clientId: idp2.clientId, clientSecret: idp2.clientSecret, redirectUri: at + CALLBACK }, rt.db);
    });
    const b = new Browser();
    // The same `sub` at another provider is another person. Of two mapped groups the one listed
    // first in OIDC_ROLE_MAP decides — not the provider's order, not the "highest" role.
    idp2.signIn({ ...anna, groups: ['kw-admin', 'kw-archiwum'] });
    expect((await b.get(await toCallback(b, site.base))).status).toBe(302);
    expect(((await (await me(b, site.base)).json()) as { user: unknown }).user).toEqual({ name: 'anna.nowak-sso', role: 'records' });
  });

  it('says clearly that the provider cannot be reached, and keeps serving', async () => {
    // Nothing listens on this port.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const dead = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((r) => probe.close(r));
    const down = await serve((at) => new OidcClient({ ...rt.config.oidc!, issuer: dead, redirectUri: at + CALLBACK }, rt.db));
    const res = await fetch(`${down.base}/api/auth/oidc/login`, { redirect: 'manual' });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'sso_unavailable',
      message: expect.stringMatching(/niedostępne.*zaloguj się hasłem/),
    });

    // The provider goes away between the redirect to it and the way back.
    const b = new Browser();
    idp.signIn(anna);
    const callback = await toCallback(b);
    await idp.close();
    const back = await b.get(callback);
    expect(back.status).toBe(503);
    expect(((await back.json()) as { error: { code: string } }).error.code).toBe('sso_unavailable');
    expect((await fetch(`${base}/api/auth/options`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('records every SSO login and refusal in the audit trail, with reasons and no secrets', () => {
    const events = authEvents();
    const logins = events.filter((e) => e.action === 'auth.login' && e.details.via === 'oidc');
    expect(logins.filter((e) => e.actorName === 'anna.nowak').length).toBeGreaterThanOrEqual(3);
    expect(logins.filter((e) => e.actorName === 'anna.nowak').sort((x, y) => x.seq - y.seq)[0]).toMatchObject({ target: 'anna.nowak', details: { via: 'oidc', group: 'kw-urzednicy' } });
    const reasons = events.filter((e) => e.action === 'auth.login_failed').map((e) => e.details.reason);
    expect(reasons).toEqual(expect.arrayContaining(['provider_access_denied', 'no_mapped_group', 'state_forged', 'state_missing', 'state_mismatch', 'state_reused', 'token_invalid_grant', 'disabled', 'provider_unreachable']));
    expect(events.find((e) => e.details.reason === 'no_mapped_group')).toMatchObject({ target: 'bogdan', actorName: null });

    const all = rt.auditLog.list({ limit: 1000, offset: 0 }).items;
    expect(all.find((e) => e.action === 'user.created' && e.target === 'anna.nowak')).toMatchObject({ actorName: 'sso', details: { role: 'clerk', sso: true } });
    expect(all.find((e) => e.action === 'user.changed' && e.target === 'anna.nowak' && e.details.role)).toMatchObject({ actorName: 'sso', details: { role: 'supervisor', previousRole: 'clerk' } });
    // Nothing that could sign anyone in: no codes, no state, no session ids.
    expect(JSON.stringify(all)).not.toMatch(/"(code|state|nonce|id_token|access_token|code_verifier)"/);
    expect(rt.auditLog.verify().ok).toBe(true);
  });
});
