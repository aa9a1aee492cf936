/**
 * The supervisor's audit screens in a real browser (Debian Chromium) against a real server on the
 * ingested sample archive: a clerk's past search is listed, opened with the keyboard and shows
 * exactly the stored results; a verdict is marked with the keyboard and shown with who and when;
 * a citation opens on its page in the viewer; a clerk is refused; axe-core finds no violations.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { axeViolations, openAs, shot, signIn, startHarness, tabTo, type Account, type Harness } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

const QUESTION = 'Jaka decyzja zapadła w sprawie WUA-ZRB.6740.1.786.2019?';

describe('supervisor: past searches and verdicts in Chromium', () => {
  let hx: Harness;
  let base: string;
  let clerk: Account;
  let supervisor: Account;
  let shown: AgentResponse;

  beforeAll(async () => {
    hx = await startHarness('browser-audit');
    base = hx.base;
    clerk = hx.clerk;
    supervisor = await hx.addUser('sonia', 'supervisor');
    // The clerk's search, made by a script with the API token.
    const res = await fetch(`${base}/api/agent/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clerk.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: QUESTION }),
    });
    shown = (await res.json()) as AgentResponse;
    expect(shown.results.length).toBeGreaterThan(1);
  }, 600_000);

  afterAll(async () => {
    await hx?.close();
  });

  const open = (who: Account, hash: string, bypassCSP = false): Promise<Page> => openAs(hx, who, `/${hash}`, { bypassCSP });

  const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? null);

  it('keyboard only: list, open the stored search, mark a verdict, open a citation on its page', async () => {
    const page = await open(supervisor, '#/audit');
    const row = page.locator('table.audit-list tbody tr').filter({ hasText: QUESTION });
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      expect.any(String), 'ewa', QUESTION, 'plan regułowy', String(shown.results.length),
    ]);
    await shot(page, 'audit-list');

    await tabTo(page, `a[href="#/audit/${shown.id}"]`);
    await page.keyboard.press('Enter');
    await page.locator('ol.results').waitFor();
    expect(page.url()).toContain(`#/audit/${shown.id}`);
    // Exactly what the clerk was shown: titles in rank order, quotes verbatim.
    expect(await page.locator('ol.results h3').allTextContents()).toEqual(shown.results.map((x) => `Pozycja ${x.rank}. ${x.document.title}`));
    expect(await page.locator('ol.results > li:first-child a.citation q').allTextContents()).toEqual(shown.results[0]!.citations.map((c) => c.quote));
    expect(await page.locator('.audit-detail .question').textContent()).toBe(QUESTION);
    expect(await page.locator('ol.results > li:first-child .verdict-state').textContent()).toBe('Jeszcze nieoceniony.');

    await tabTo(page, 'ol.results > li:first-child button[data-verdict="relevant"]');
    await page.keyboard.press('Enter');
    const first = page.locator('ol.results > li:first-child');
    await expect.poll(() => first.locator('.verdict-state').textContent()).toMatch(/^Ocena: Trafny — sonia, /);
    expect(await first.locator('button[data-verdict="relevant"]').getAttribute('aria-pressed')).toBe('true');
    expect(await first.locator('button[data-verdict="not_relevant"]').getAttribute('aria-pressed')).toBe('false');
    expect(await focusedText(page)).toBe('Trafny');

    // A change of mind with the Space key supersedes the first verdict.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Błędny cytat');
    await page.keyboard.press('Space');
    await expect.poll(() => first.locator('.verdict-state').textContent()).toMatch(/^Ocena: Błędny cytat — sonia, /);
    const stored = (await (await fetch(`${base}/api/audit/searches/${shown.id}`, { headers: { authorization: `Bearer ${supervisor.token}` } })).json()) as {
      verdicts: { rank: number; verdict: string }[]; history: unknown[];
    };
    expect(stored.verdicts.map((v) => [v.rank, v.verdict])).toEqual([[1, 'citation_wrong']]);
    expect(stored.history).toHaveLength(2);
    await shot(page, 'audit-search');

    const c = shown.results[0]!.citations[0]!;
    await tabTo(page, 'ol.results > li:first-child a.citation');
    await page.keyboard.press('Enter');
    await page.locator('.hl-box').first().waitFor();
    expect(page.url()).toContain(`#/documents/${shown.results[0]!.document.id}/pages/${c.page}?start=${c.start}&end=${c.end}`);
    expect(await page.locator('#cited').textContent()).toBe(c.quote);

    // The viewer's own link leads back to the stored search (not to the clerks' search page).
    const back = page.locator('a.back');
    expect(await back.textContent()).toBe('← Wróć do dziennika');
    expect(await back.getAttribute('href')).toBe(`#/audit/${shown.id}`);
    await back.click();
    await page.locator('ol.results').waitFor();
    expect(page.url()).toContain(`#/audit/${shown.id}`);

    // Back in the audit view, the verdict read from the server is still there.
    await expect.poll(() => page.locator('ol.results > li:first-child .verdict-state').textContent()).toMatch(/^Ocena: Błędny cytat — sonia, /);
    await page.close();
  });

  it('shows the weekly summary and filters the list by user', async () => {
    const page = await open(supervisor, '#/audit');
    await page.locator('table.verdict-summary tbody tr').first().waitFor();
    const cells = await page.locator('table.verdict-summary tbody tr').first().locator('th, td').allTextContents();
    expect(cells.slice(1)).toEqual(['0', '0', '1', '1', '0%']);

    await page.locator('#a-user').fill('sonia');
    await page.locator('#a-user').press('Enter');
    await page.locator('.audit p.empty').waitFor();
    expect(page.url()).toContain('#/audit?user=sonia');
    await page.locator('#a-user').fill('ewa');
    await page.locator('#a-user').press('Enter');
    await page.locator('table.audit-list tbody tr').first().waitFor();
    expect(await page.locator('table.audit-list tbody tr').count()).toBe(1);
    await page.close();
  });

  it('a clerk opening the audit gets a plain "brak uprawnień" screen, and nothing is asked of the audit API', async () => {
    const page = await hx.newPage();
    const auditCalls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/audit')) auditCalls.push(r.url());
    });
    await page.goto(`${base}/#/audit`);
    await signIn(page, clerk);
    const heading = page.locator('#forbidden-h');
    await heading.waitFor();
    expect(await heading.textContent()).toBe('Brak uprawnień');
    expect(await page.locator('.forbidden').textContent()).toContain('Ta strona nie jest dostępna dla roli: urzędnik.');
    expect(await page.locator('table.audit-list').count()).toBe(0);
    expect(auditCalls).toEqual([]);
    await page.close();
  });

  it('axe-core finds no WCAG 2.1 A/AA violations in the list and the search view', async () => {
    const page = await open(supervisor, '#/audit', true);
    await page.locator('table.audit-list').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${base}/#/audit/${shown.id}`);
    await page.locator('ol.results').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  // Last: its search would change the counts the tests above read.
  it('a stored search shows the supervisor what the clerk was told: nothing meets every condition, and what each result lacks', async () => {
    // The sample archive's only refusal for a block of flats is from 2010.
    const res = await fetch(`${base}/api/agent/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clerk.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'odmowa pozwolenia na budowę budynku wielorodzinnego 2015' }),
    });
    const partial = (await res.json()) as AgentResponse;
    expect(partial.partial).toBeDefined();
    const page = await open(supervisor, `#/audit/${partial.id}`);
    await page.locator('ol.results').waitFor();
    expect(await page.locator('p.notice.partial').textContent()).toMatch(/^Żaden dokument nie spełnia wszystkich warunków: .*2015.*\. Najbliższe wyniki:$/);
    const perResult = await page.locator('ol.results > li').evaluateAll((items: any[]) => items.map((li) => li.querySelectorAll('ul.conditions li').length));
    expect(perResult).toEqual(partial.results.map((x) => x.conditions?.length ?? 0));
    expect(await page.locator('ol.results ul.conditions li.met-no').count()).toBeGreaterThan(0);
  });
});
