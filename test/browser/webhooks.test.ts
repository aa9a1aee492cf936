/**
 * The administrator's Webhooki screen in Chromium against a real server on the sample archive and
 * a real receiver: only admins see it; adding a webhook (a generated secret shown once, a given one
 * never), refusals in Polish (no event chosen, a URL the server refuses), deliveries of a real event
 * with their state and the receiver's HTTP answer, and disabling one (after a confirmation) ends its
 * pending deliveries. axe-core finds no WCAG 2.1 A/AA violations.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, openAs, shot, startHarness, type Account, type Harness } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, location: any;

const CASE = 'WUA-ZRB.6740.1.786.2019';

interface Delivery { status: string; lastStatus: number | null; lastError: string | null; event: string }

describe('webhooks screen in Chromium', () => {
  let hx: Harness;
  let admin: Account;
  let receiver: http.Server;
  let hooks: string;
  const received: string[] = [];

  beforeAll(async () => {
    // The receiver: /ok answers 200, /fail answers 500 (the dispatcher will retry it later).
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(req.url ?? '');
        res.statusCode = req.url === '/ok' ? 200 : 500;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hooks = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    hx = await startHarness('browser-webhooks', { env: { KWERENDA_WEBHOOK_ALLOW: '127.0.0.1' } }); // the receiver is on loopback
    admin = await hx.addUser('adam', 'admin');
  }, 600_000);

  afterAll(async () => {
    await hx?.close();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
  });

  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(hx.base + path, { ...init, headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    expect(res.ok, `${path}: ${res.status}`).toBe(true);
    return res.json() as Promise<T>;
  };
  const deliveriesOf = async (id: string) => (await api<{ deliveries: Delivery[] }>(`/api/webhooks/${id}/deliveries`)).deliveries;

  it('is in the navigation of admins only; others get "brak uprawnień"', async () => {
    const adm = await openAs(hx, admin);
    expect(await adm.locator('.banner nav a').allTextContents()).toEqual(['Szukaj', 'Przyjmowanie', 'Nadzór', 'Użytkownicy', 'Webhooki', 'API']);
    await adm.locator('a.nav-webhooks').click();
    await adm.locator('#webhooks-none').waitFor();
    expect(await adm.locator('a.nav-webhooks').getAttribute('aria-current')).toBe('page');
    await adm.close();

    const clerk = await openAs(hx, hx.clerk);
    expect(await clerk.locator('.banner nav a').allTextContents()).not.toContain('Webhooki');
    await clerk.evaluate(() => {
      document.getElementById('main').replaceChildren();
      location.hash = '#/webhooks';
    });
    await clerk.locator('#forbidden-h').waitFor();
    expect(await clerk.locator('.forbidden').textContent()).toContain('Ta strona nie jest dostępna dla roli: urzędnik.');
    await clerk.close();
  });

  it('an admin adds webhooks, sees their deliveries of a real event, and disables one', async () => {
    const page = await openAs(hx, admin, '/#/webhooks', { bypassCSP: true });
    await page.locator('#webhooks-none').waitFor();
    expect(await page.locator('#webhooks-none').textContent()).toBe('Nie ma aktywnych webhooków.');

    // Refused before sending: no event chosen; refused by the server: not an http(s) address.
    await page.locator('#wh-url').fill(`${hooks}/ok`);
    await page.locator('#wh-url').press('Enter');
    expect(await page.locator('#wh-msg').textContent()).toBe('Zaznacz co najmniej jedno zdarzenie.');
    await page.getByLabel('dokument objęty ograniczeniem dostępu').check();
    await page.locator('#wh-url').fill('ftp://127.0.0.1/ok');
    await page.locator('#wh-url').press('Enter');
    await expect.poll(() => page.locator('#wh-msg').textContent()).toContain('adres musi zaczynać się od http:// lub https://');

    // No secret given: the server generates one and it is shown once.
    await page.locator('#wh-url').fill(`${hooks}/ok`);
    await page.locator('#wh-url').press('Enter');
    await page.locator('#new-secret').waitFor();
    const secret = await page.locator('#new-secret').inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(await page.locator('#secret-warning').textContent()).toContain('pokazywany tylko teraz');
    await expect.poll(() => page.locator('#webhooks-status').textContent()).toBe(`Dodano webhook ${hooks}/ok.`);
    expect(JSON.stringify(await api('/api/webhooks'))).not.toContain(secret);

    // A secret of one's own is never shown back; the first one's box is gone.
    await page.locator('#wh-url').fill(`${hooks}/fail`);
    await page.locator('#wh-secret').fill('to-jest-wlasny-sekret-odbiorcy-1234567890');
    await page.getByLabel('dokument objęty ograniczeniem dostępu').check();
    await page.getByLabel('plik odrzucony przy przyjmowaniu').check();
    await page.locator('#wh-url').press('Enter');
    await expect.poll(() => page.locator('#webhooks-status').textContent()).toBe(`Dodano webhook ${hooks}/fail.`);
    expect(await page.locator('#new-secret').count()).toBe(0);
    const row = (p: string) => page.locator('tr', { has: page.locator('th.url', { hasText: new RegExp(`${p}$`) }) });
    await row('/fail').waitFor();
    expect(await row('/ok').locator('td.events').textContent()).toBe('dokument objęty ograniczeniem dostępu');
    expect(await row('/fail').locator('td.events').textContent()).toBe('plik odrzucony przy przyjmowaniu, dokument objęty ograniczeniem dostępu');
    expect(await row('/ok').locator('td.last').textContent()).toBe('jeszcze żadnej');

    // A real event: restricting a case is sent to both; the receiver answers 200 and 500.
    await api('/api/restrictions', { method: 'POST', body: JSON.stringify({ scope: 'case', value: CASE, principals: [{ kind: 'role', value: 'supervisor' }] }) });
    const [okId, failId] = await Promise.all(['/ok', '/fail'].map((p) => row(p).getAttribute('data-webhook')));
    await expect.poll(async () => (await deliveriesOf(okId!))[0]?.status, { timeout: 30_000 }).toBe('delivered');
    await expect.poll(async () => (await deliveriesOf(failId!))[0]?.lastStatus, { timeout: 30_000 }).toBe(500);
    expect([...new Set(received)].sort()).toEqual(['/fail', '/ok']);

    await page.reload();
    await row('/ok').locator('details summary').waitFor();
    expect(await row('/ok').locator('td.last').textContent()).toMatch(/^dostarczono /);
    expect(await row('/fail').locator('td.last').textContent()).toMatch(/^oczekuje /);
    await row('/ok').locator('details summary').click();
    const okDelivery = row('/ok').locator('table.deliveries tbody tr');
    expect(await okDelivery.locator('td').allTextContents()).toEqual([expect.any(String), 'dokument objęty ograniczeniem dostępu', 'dostarczono', '1', 'HTTP 200', '—']);
    await row('/fail').locator('details summary').click();
    expect(await row('/fail').locator('table.deliveries td.answer').textContent()).toBe('HTTP 500');
    expect(await row('/fail').locator('table.deliveries td.status').textContent()).toBe('oczekuje');
    await shot(page, 'webhooks');
    expect(await axeViolations(page)).toEqual([]);

    // Disabling asks first; dismissed, nothing changes.
    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: `Wyłącz i usuń webhook ${hooks}/fail` }).click();
    expect(await page.locator('tr[data-webhook]').count()).toBe(2);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: `Wyłącz i usuń webhook ${hooks}/fail` }).click();
    await expect.poll(() => page.locator('#webhooks-status').textContent()).toBe(`Usunięto webhook ${hooks}/fail. Oczekujące dostawy oznaczono jako nieudane.`);
    await expect.poll(() => page.locator('tr[data-webhook]').count()).toBe(1);
    expect((await api<{ webhooks: { url: string }[] }>('/api/webhooks')).webhooks.map((w) => w.url)).toEqual([`${hooks}/ok`]);
    expect((await deliveriesOf(failId!))[0]).toMatchObject({ status: 'failed', lastError: 'webhook usunięty' });
    await page.close();
  });
});
