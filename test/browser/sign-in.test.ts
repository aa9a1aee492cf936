/**
 * Signing in and out in Chromium against a real server on the sample archive: the server's Polish
 * message for a wrong password and for a locked name, landing on the URL that was opened, a session
 * that ends on the server sending the browser back to the form with a notice (and the URL kept),
 * logout after which the back button shows nothing of what was on screen, the session cookie out
 * of the page's reach, and no WCAG 2.1 A/AA violations on the form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { axeViolations, openAs, passwordOf, shot, signIn, startHarness, type Harness } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, sessionStorage: any, localStorage: any;

const QUESTION = 'Jaka decyzja zapadła w sprawie WUA-ZRB.6740.1.786.2019?';
const SEARCH_URL = `/?q=${encodeURIComponent(QUESTION)}`;

describe('sign-in and sign-out in Chromium', () => {
  let hx: Harness;

  beforeAll(async () => {
    hx = await startHarness('browser-sign-in');
  }, 600_000);

  afterAll(async () => {
    await hx?.close();
  });

  it('a wrong password gets the server’s Polish message; the right one lands on the search that was opened', async () => {
    const page = await hx.newPage({ bypassCSP: true });
    const scripts: Promise<number>[] = [];
    page.on('response', (res) => {
      if (res.url().endsWith('.js')) scripts.push(res.body().then((b) => b.length));
    });
    await page.goto(hx.base + SEARCH_URL);
    await page.locator('#username').waitFor();
    // First load stays light: every module of the UI together, well under 200 kB.
    const bytes = (await Promise.all(scripts)).reduce((a, b) => a + b, 0);
    expect(bytes).toBeGreaterThan(10_000);
    expect(bytes).toBeLessThan(200_000);
    expect(await page.locator('ol.results').count()).toBe(0);
    // No SSO link: this server offers passwords only.
    expect(await page.locator('#sso-login').count()).toBe(0);
    await shot(page, 'sign-in');
    expect(await axeViolations(page)).toEqual([]);

    await page.keyboard.type('ewa');
    await page.keyboard.press('Tab');
    await page.keyboard.type('to-nie-jest-moje-haslo');
    await page.keyboard.press('Enter');
    const msg = page.locator('#login-msg');
    await msg.waitFor();
    expect(await msg.textContent()).toBe('Nieprawidłowa nazwa użytkownika lub hasło');
    expect(await msg.getAttribute('role')).toBe('alert');
    // The password field is emptied, marked and focused for the next try.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    expect(await page.locator('#password').inputValue()).toBe('');
    expect(await page.locator('#password').getAttribute('aria-invalid')).toBe('true');
    expect(await axeViolations(page)).toEqual([]);

    const answer = page.waitForResponse((r) => r.url().endsWith('/api/agent/search'));
    await page.keyboard.type(passwordOf('ewa'));
    await page.keyboard.press('Enter');
    const r = (await (await answer).json()) as AgentResponse;
    await page.locator('ol.results').waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe(QUESTION);
    expect(await page.locator('ol.results h3').first().textContent()).toBe(`Pozycja 1. ${r.results[0]!.document.title}`);
    expect(await page.locator('#who').textContent()).toBe('Zalogowano jako ewa (urzędnik)');

    // The session is an HttpOnly cookie: nothing of it is readable by the page or kept in storage.
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['kw_session', true, 'Strict']]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => [sessionStorage.length, localStorage.length])).toEqual([0, 0]);
    await page.close();
  });

  it('offers the city’s single sign-on only when the server says it has it', async () => {
    const page = await hx.newPage({ bypassCSP: true });
    // This server has no provider configured: the answer of one that has is given by the test.
    await page.route('**/api/auth/options', (route) => route.fulfill({ json: { password: true, sso: true } }));
    await page.goto(hx.base + '/#/audit');
    const link = page.locator('#sso-login');
    await link.waitFor();
    expect(await link.textContent()).toBe('Zaloguj przez konto miejskie');
    // The provider is asked to bring the browser back where it was going.
    expect(await link.getAttribute('href')).toBe(`/api/auth/oidc/login?returnTo=${encodeURIComponent('/#/audit')}`);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('a name locked after repeated failures is told when to try again', async () => {
    const jan = await hx.addUser('jan', 'clerk');
    const page = await hx.newPage();
    await page.goto(hx.base + '/');
    await page.locator('#username').fill(jan.name);
    const messages: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.locator('#password').fill(`zle-haslo-numer-${i}`);
      const res = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
      await page.locator('#password').press('Enter');
      await res;
      await expect.poll(() => page.locator('form.login-form button[type=submit]').isEnabled()).toBe(true);
      messages.push((await page.locator('#login-msg').textContent()) ?? '');
    }
    expect(messages.slice(0, 5)).toEqual(Array(5).fill('Nieprawidłowa nazwa użytkownika lub hasło'));
    expect(messages[5]).toBe('Zbyt wiele nieudanych prób logowania; spróbuj ponownie za 1 minutę');
    // The right password does not get in while the lock lasts.
    await page.locator('#password').fill(jan.password);
    await page.locator('#password').press('Enter');
    await expect.poll(() => page.locator('#login-msg').textContent()).toMatch(/^Zbyt wiele nieudanych prób logowania; spróbuj ponownie za 1 minutę$/);
    expect(await page.locator('#logout').count()).toBe(0);
    await page.close();
  });

  it('a session ended on the server sends the browser back to the form with a notice, on the same URL', async () => {
    const page = await openAs(hx, hx.clerk, SEARCH_URL);
    await page.locator('ol.results').waitFor();
    const citation = page.locator('a.citation').first();
    const href = (await citation.getAttribute('href'))!;
    // A password reset ends every session of the user (as expiry would).
    await hx.rt.users.setPassword('ewa', passwordOf('ewa'));
    await citation.click();
    const notice = page.locator('#login-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toBe('Sesja wygasła lub została zakończona. Zaloguj się ponownie — wrócisz do tej samej strony.');
    expect(page.url()).toBe(hx.base + SEARCH_URL + href);
    expect(await page.locator('.page-canvas, ol.results').count()).toBe(0);
    await signIn(page, hx.clerk);
    await page.locator('.hl-box').first().waitFor();
    expect(page.url()).toBe(hx.base + SEARCH_URL + href);
    expect(await page.locator('#cited').textContent()).toBeTruthy();
    await page.close();
  });

  it('signing in again in another tab does not break this tab’s next search; another person’s sign-in ends it', async () => {
    const page = await openAs(hx, hx.clerk);
    await page.locator('#q').waitFor();
    // Another tab of the same browser signs in afresh (same cookie jar, so done here behind the
    // page's back): a new session cookie and a new CSRF token this page does not know.
    const relogin = (who: { name: string; password: string }) =>
      page.evaluate(async (body) => (await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status,
        JSON.stringify({ username: who.name, password: who.password }));
    expect(await relogin(hx.clerk)).toBe(200);
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/api/agent/search')) statuses.push(r.status());
    });
    await page.locator('#q').fill(QUESTION);
    await page.locator('#q').press('Enter');
    await page.locator('ol.results').waitFor();
    expect(statuses).toEqual([403, 200]);

    // Someone else signs in there: this tab does not act in their name, it asks for a sign-in.
    const jola = await hx.addUser('jola', 'clerk');
    expect(await relogin(jola)).toBe(200);
    await page.locator('#q').fill('decyzja');
    await page.locator('#q').press('Enter');
    await page.locator('#login-notice').waitFor();
    expect(statuses).toEqual([403, 200, 403]);
    await page.close();
  });

  it('after logout the back button shows nothing of what was on screen', async () => {
    const page = await openAs(hx, hx.clerk, SEARCH_URL);
    await page.locator('ol.results').waitFor();
    const title = (await page.locator('ol.results h3').first().textContent())!.replace(/^Pozycja 1\. /, '');
    await page.locator('a.citation').first().click();
    await page.locator('.hl-box').first().waitFor();
    const quote = (await page.locator('#cited').textContent())!;
    // One more history entry: the next page of the document.
    await page.locator('#next-page').click();
    await expect.poll(() => page.locator('.page-no').textContent()).toMatch(/^Strona 2 z /);

    const loggedOut = page.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
    await page.locator('#logout').click();
    expect((await loggedOut).status()).toBe(204);
    await page.locator('#login-notice').waitFor();
    expect(await page.locator('#login-notice').textContent()).toBe('Wylogowano.');
    expect(new URL(page.url()).search + new URL(page.url()).hash).toBe('');

    const privateText = async () => {
      const body = (await page.locator('body').textContent()) ?? '';
      return [QUESTION, title, quote, 'ewa (urzędnik)'].filter((s) => body.includes(s));
    };
    expect(await privateText()).toEqual([]);
    for (let i = 0; i < 2; i++) {
      await page.goBack();
      await page.locator('#username').waitFor();
      expect(await privateText()).toEqual([]);
      expect(await page.locator('ol.results, .page-canvas, #logout').count()).toBe(0);
    }
    // The cookie is gone too: the server no longer knows this browser.
    expect((await page.context().cookies()).length).toBe(0);
    expect(await page.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(401);

    // Whoever signs in next starts at the start page, not at the last user's document.
    await signIn(page, hx.clerk);
    await page.locator('#q').waitFor();
    expect(await page.locator('#q').inputValue()).toBe('');
    await page.close();
  });
});
