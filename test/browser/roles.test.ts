/**
 * Roles in Chromium against a real server on the sample archive: each role's navigation and the
 * plain "brak uprawnień" screen for the rest; the administrator's Użytkownicy screen (add a user
 * whose API token is shown once, change the role, block, set a password — each felt by that user);
 * the supervisor's event log with a clerk's sign-in and search, filters and paging; axe-core finds
 * no WCAG 2.1 A/AA violations on either screen.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { axeViolations, openAs, shot, signIn, startHarness, type Account, type Harness } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const navigator: any, location: any, document: any;

const QUESTION = 'Jaka decyzja zapadła w sprawie WUA-ZRB.6740.1.786.2019?';

describe('roles, users and the event log in Chromium', () => {
  let hx: Harness;
  let records: Account;
  let supervisor: Account;
  let admin: Account;

  beforeAll(async () => {
    hx = await startHarness('browser-roles');
    records = await hx.addUser('anna', 'records');
    supervisor = await hx.addUser('sonia', 'supervisor');
    admin = await hx.addUser('adam', 'admin');
  }, 600_000);

  afterAll(async () => {
    await hx?.close();
  });

  const navLinks = (page: Page) => page.locator('.banner nav a').allTextContents();
  const forbidden = async (page: Page, hash: string) => {
    // Emptied first, so the screen waited for is the one this hash renders.
    await page.evaluate((h) => {
      document.getElementById('main').replaceChildren();
      location.hash = h;
    }, hash);
    await page.locator('#forbidden-h').waitFor();
    return page.locator('.forbidden').textContent();
  };

  it('each role sees its own screens, and "brak uprawnień" for the others', async () => {
    const clerk = await openAs(hx, hx.clerk);
    expect(await navLinks(clerk)).toEqual(['Szukaj', 'API']);
    // The API reference (#/api, from /api/openapi.json) is open to every signed-in user.
    await clerk.locator('a.nav-api').click();
    await clerk.locator('.api-op h3', { hasText: 'POST /api/agent/search' }).waitFor();
    expect(await clerk.locator('.api-op', { hasText: 'GET /api/audit/events' }).textContent()).toContain('osoba nadzorująca, administrator');
    expect(await clerk.locator('#who').textContent()).toBe('Zalogowano jako ewa (urzędnik)');
    for (const hash of ['#/audit', '#/audit/events', '#/users', '#/ingest']) {
      expect(await forbidden(clerk, hash)).toContain('Ta strona nie jest dostępna dla roli: urzędnik.');
      expect(await clerk.locator('#forbidden-h').textContent()).toBe('Brak uprawnień');
    }
    await shot(clerk, 'forbidden');
    await clerk.close();

    // Records staff land on Przyjmowanie with the archive overview; the search is not theirs.
    const rec = await openAs(hx, records);
    await rec.locator('#ingest-h').waitFor();
    expect(new URL(rec.url()).hash).toBe('#/ingest');
    expect(await navLinks(rec)).toEqual(['Przyjmowanie', 'API']);
    await expect.poll(() => rec.locator('#overview').textContent()).toContain('Dokumentów:');
    expect(await forbidden(rec, '#/audit')).toContain('Ta strona nie jest dostępna dla roli: pracownik archiwum.');
    await rec.goto(`${hx.base}/?q=${encodeURIComponent(QUESTION)}`);
    await rec.locator('#forbidden-h').waitFor();
    await rec.close();

    const sup = await openAs(hx, supervisor);
    expect(await navLinks(sup)).toEqual(['Szukaj', 'Nadzór', 'API']);
    expect(await forbidden(sup, '#/users')).toContain('osoba nadzorująca');
    await sup.close();

    const adm = await openAs(hx, admin);
    expect(await navLinks(adm)).toEqual(['Szukaj', 'Przyjmowanie', 'Nadzór', 'Użytkownicy', 'Webhooki', 'API']);
    await adm.locator('a.nav-users').click();
    await adm.locator('table.users-table').waitFor();
    expect(await adm.locator('a.nav-users').getAttribute('aria-current')).toBe('page');
    await adm.close();
  });

  it('an admin adds a user (token shown once), who signs in; role, block and password changes take effect', async () => {
    const page = await openAs(hx, admin, '/#/users', { bypassCSP: true });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hx.base });
    const row = (name: string) => page.locator(`tr[data-user="${name}"]`);
    await row('ewa').waitFor();
    expect(await row('ewa').locator('td').allTextContents()).toEqual(['urzędnik', 'aktywne', 'ustawione', expect.any(String), expect.any(String)]);
    // An admin cannot block themselves: their row has no block button.
    expect(await row('adam').locator('th').textContent()).toBe('adam (Ty)');
    expect(await row('adam').locator('button', { hasText: 'Zablokuj' }).count()).toBe(0);

    await page.locator('#nu-name').fill('marek');
    await page.locator('#nu-role').selectOption('supervisor');
    await page.locator('#nu-password').fill('za-krotkie');
    await page.locator('#nu-password').press('Enter');
    expect(await page.locator('#nu-msg').textContent()).toBe('Hasło musi mieć co najmniej 12 znaków.');
    const created = page.waitForResponse((r) => r.url().endsWith('/api/users') && r.request().method() === 'POST');
    await page.locator('#nu-password').fill('pierwsze-hasło-marka');
    await page.locator('#nu-password').press('Enter');
    expect((await created).status()).toBe(201);
    await page.locator('#new-token').waitFor();
    const token = await page.locator('#new-token').inputValue();
    expect(token).toMatch(/^kw_/);
    expect(await page.locator('#token-warning').textContent()).toContain('pokazywany tylko teraz');
    await page.locator('#copy-token').click();
    await expect.poll(() => page.locator('#copy-state').textContent()).toBe('Skopiowano token do schowka.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await row('marek').waitFor();
    expect(await row('marek').locator('td').allTextContents()).toEqual(['osoba nadzorująca', 'aktywne', 'ustawione', expect.any(String), expect.any(String)]);
    // The token is a working API key for the new account.
    const meByToken = await fetch(`${hx.base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await meByToken.json()) as { user: { name: string } }).user.name).toBe('marek');
    await shot(page, 'users');
    expect(await axeViolations(page)).toEqual([]);

    // A second user of that name is refused with the server's words.
    await page.locator('#nu-name').fill('marek');
    await page.locator('#nu-password').fill('');
    await page.locator('#nu-name').press('Enter');
    await expect.poll(() => page.locator('#nu-msg').textContent()).toBe('Użytkownik marek już istnieje');
    // Hiding the token removes it from the page for good.
    await page.locator('#hide-token').click();
    expect(await page.locator('#new-token').count()).toBe(0);

    const marek = await openAs(hx, { name: 'marek', password: 'pierwsze-hasło-marka' } as Account);
    expect(await navLinks(marek)).toEqual(['Szukaj', 'Nadzór', 'API']);

    // Role change: marek's session ends; signing in again shows a clerk's navigation.
    await row('marek').locator('select').selectOption('clerk');
    await row('marek').getByRole('button', { name: 'Zmień rolę użytkownika marek' }).click();
    await expect.poll(() => row('marek').locator('td.role').textContent()).toBe('urzędnik');
    expect(await page.locator('#users-status').textContent()).toBe('Użytkownik marek ma teraz rolę: urzędnik. Jego sesje zakończono.');
    await marek.locator('a.nav-audit').click();
    await marek.locator('#login-notice').waitFor();
    await signIn(marek, { name: 'marek', password: 'pierwsze-hasło-marka' });
    expect(await navLinks(marek)).toEqual(['Szukaj', 'API']);

    // Blocked: the password no longer opens a session.
    await row('marek').getByRole('button', { name: 'Zablokuj użytkownika marek' }).click();
    await expect.poll(() => row('marek').locator('td.state').textContent()).toBe('zablokowane');
    const blocked = await hx.newPage();
    await blocked.goto(hx.base + '/');
    await blocked.locator('#username').fill('marek');
    await blocked.locator('#password').fill('pierwsze-hasło-marka');
    await blocked.locator('#password').press('Enter');
    await expect.poll(() => blocked.locator('#login-msg').textContent()).toBe('Nieprawidłowa nazwa użytkownika lub hasło');
    await row('marek').getByRole('button', { name: 'Odblokuj użytkownika marek' }).click();
    await expect.poll(() => row('marek').locator('td.state').textContent()).toBe('aktywne');

    // A new password: the old one stops working, the new one signs in.
    await row('marek').locator('summary').click();
    await row('marek').getByLabel('Nowe hasło użytkownika marek').fill('drugie-hasło-marka-99');
    await row('marek').getByLabel('Nowe hasło użytkownika marek').press('Enter');
    // scrypt on a busy 2-core CI machine can take seconds: a longer wait than the default 5 s.
    // A new password also revokes the user's API tokens (marek got one when his account was made).
    await expect
      .poll(() => page.locator('#users-status').textContent(), { timeout: 20_000 })
      .toMatch(/^Ustawiono nowe hasło użytkownika marek\. Jego sesje zakończono\. Unieważniono jego tokeny API: [1-9]\d*\.$/);
    await blocked.locator('#password').fill('pierwsze-hasło-marka');
    const refused = blocked.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
    await blocked.locator('#password').press('Enter');
    expect((await refused).status()).toBe(401);
    await expect.poll(() => blocked.locator('#password').isEditable()).toBe(true);
    await expect.poll(() => blocked.locator('form.login-form button[type=submit]').isEnabled()).toBe(true);
    await blocked.locator('#password').fill('drugie-hasło-marka-99');
    await blocked.locator('#password').press('Enter');
    await blocked.locator('#logout').waitFor();
    expect(await blocked.locator('#who').textContent()).toBe('Zalogowano jako marek (urzędnik)');
    for (const p of [blocked, marek, page]) await p.close();
  });

  it('a supervisor reads the event log: the clerk’s sign-in and search, filters and paging', async () => {
    // The clerk signs in and searches in the browser.
    const clerk = await hx.newPage();
    await clerk.goto(`${hx.base}/?q=${encodeURIComponent(QUESTION)}`);
    const answer = clerk.waitForResponse((r) => r.url().endsWith('/api/agent/search'));
    await signIn(clerk, hx.clerk);
    const shown = (await (await answer).json()) as AgentResponse;
    await clerk.close();

    const page = await openAs(hx, supervisor, '/#/audit', { bypassCSP: true });
    await page.locator('table.audit-list').waitFor();
    await page.locator('.tabs a', { hasText: 'Dziennik zdarzeń' }).click();
    await page.locator('table.events-table').waitFor();
    expect(new URL(page.url()).hash).toBe('#/audit/events');
    expect(await page.locator('.tabs a[aria-current="page"]').textContent()).toBe('Dziennik zdarzeń');
    await shot(page, 'events');

    await page.locator('#e-user').fill('ewa');
    await page.locator('#e-user').press('Enter');
    await expect.poll(() => new URL(page.url()).hash).toBe('#/audit/events?user=ewa');
    await page.locator('table.events-table').waitFor();
    const rows = page.locator('table.events-table tbody tr');
    const search = rows.filter({ has: page.locator('td.what', { hasText: /^wyszukiwanie$/ }) }).first();
    expect(await search.locator('td.who').textContent()).toBe('ewa (urzędnik)');
    expect(await search.locator('td.details').textContent()).toBe(`„${QUESTION}” — wyników: ${shown.results.length}`);
    const login = rows.filter({ has: page.locator('td.what', { hasText: /^logowanie$/ }) }).first();
    expect(await login.locator('td.details').textContent()).toBe('hasłem');
    expect(await login.locator('td.ip').textContent()).toBe('127.0.0.1');
    // Newest first: the search came after the sign-in.
    expect(Number(await search.getAttribute('data-seq'))).toBeGreaterThan(Number(await login.getAttribute('data-seq')));
    expect(await axeViolations(page)).toEqual([]);

    // The stored search opens from its row.
    await search.locator('a.search-link').click();
    await page.locator('.audit-detail .question').waitFor();
    expect(await page.locator('.audit-detail .question').textContent()).toBe(QUESTION);
    await page.goBack();

    // Only sign-in events, by the kind filter.
    await page.locator('#e-action').selectOption('auth');
    await page.locator('.events form button[type=submit]').click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/audit/events?action=auth&user=ewa');
    await page.locator('table.events-table').waitFor();
    expect(new Set(await page.locator('table.events-table td.what').allTextContents())).toEqual(new Set(['logowanie']));

    // Paging: 60 more events by a script, 50 to a page.
    const doc = shown.results[0]!.document.id;
    for (let i = 0; i < 60; i++) {
      const r = await fetch(`${hx.base}/api/documents/${doc}`, { headers: { authorization: `Bearer ${hx.clerk.token}` } });
      expect(r.status).toBe(200);
    }
    await page.goto(`${hx.base}/#/audit/events?action=document.view`);
    await page.locator('table.events-table').waitFor();
    expect(await rows.count()).toBe(50);
    expect(await page.locator('table.events-table caption').textContent()).toBe('Zdarzenia 1–50 z 60, od najnowszych');
    await page.locator('nav.pager a[rel="next"]').click();
    await expect.poll(() => page.locator('table.events-table caption').textContent()).toBe('Zdarzenia 51–60 z 60, od najnowszych');
    expect(await rows.count()).toBe(10);
    expect(await rows.first().locator('td.what').textContent()).toBe('otwarcie dokumentu');
    await page.close();
  });
});
