/**
 * The new metadata in a real browser (Debian Chromium) against a real server over a small archive
 * whose documents carry issuer, outcome, references, a mentioned date and a model-proposed value
 * (test/helpers/metadata-archive.ts): the viewer lists them in reading order, each linked to its
 * span, the model's value says so; the search form's type field suggests the types the archive
 * holds, with counts, and a chosen type filters the results; a result that carries its issuer and
 * outcome shows them on one line. axe-core finds no WCAG 2.1 A/AA violations.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { tempDir } from '../helpers/paths.js';
import { META, bySha, writeMetadataArchive } from '../helpers/metadata-archive.js';
import { axeViolations, openAs, shot, startHarness, type Harness } from './harness.js';

// Browser globals used inside page.evaluate callbacks (the Node project compiles without the DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

describe('issuer, outcome and document types in Chromium', () => {
  let hx: Harness;
  const idOf = (file: string) => String(hx.rt.db.prepare('SELECT id FROM documents WHERE sha256 = ?').pluck().get(bySha(file)));

  beforeAll(async () => {
    const dir = tempDir('browser-metadata');
    await writeMetadataArchive(dir);
    hx = await startHarness('browser-metadata', { archive: dir });
  }, 600_000);

  afterAll(async () => {
    await hx?.close();
  });

  async function openJudgment(page: Page): Promise<void> {
    await page.evaluate((id: string) => { (globalThis as any).location.hash = `#/documents/${id}/pages/1`; }, idOf(META.judgment));
    await page.locator('#viewer-h').waitFor();
    await page.locator('.doc-metadata summary').click();
  }

  it('the viewer lists what the document is, then what it mentions; each value opens its span; the model\'s value says so', async () => {
    const page = await openAs(hx, hx.clerk, '/', { bypassCSP: true });
    await page.locator('#q').waitFor();
    await openJudgment(page);
    const rows = page.locator('.doc-metadata tbody tr');
    expect(await rows.locator('th').allTextContents()).toEqual([
      'Rodzaj dokumentu', 'Sygnatura', 'Data', 'Sąd', 'Rozstrzygnięcie', 'Powołana sygnatura', 'Działka', 'Inwestor', 'Data przywołana w treści',
    ]);
    // The date it only mentions is not shown as its date.
    const date = rows.filter({ has: page.locator('th', { hasText: /^Data$/ }) });
    expect(await date.count()).toBe(1);
    expect(await date.locator('td').first().textContent()).toBe('2021-06-10');
    expect(await rows.last().locator('td').first().textContent()).toBe('2020-05-05');

    const outcome = rows.filter({ has: page.locator('th', { hasText: 'Rozstrzygnięcie' }) });
    expect(await outcome.locator('td').first().textContent()).toBe('oddala skargęzaproponowane przez model, potwierdzone w tekście strony');
    expect(await outcome.locator('a.meta-span').textContent()).toBe('str. 1: „oddala skargę”');
    // A value the rules read carries no such note.
    const issuer = rows.filter({ has: page.locator('th', { hasText: 'Sąd' }) });
    expect(await issuer.locator('.meta-origin').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    await outcome.locator('a.meta-span').click();
    await expect.poll(() => page.locator('#cited').textContent()).toBe('oddala skargę');
    await page.locator('.doc-metadata summary').click();
    await rows.filter({ has: page.locator('th', { hasText: 'Sąd' }) }).locator('a.meta-span').click();
    await expect.poll(() => page.locator('#cited').textContent()).toBe('Wojewódzki Sąd Administracyjny we Wrocławiu');
    await page.locator('.doc-metadata summary').click();
    await shot(page, 'viewer-issuer-outcome');
    await page.close();
  });

  it('an organ that is not a court is labelled as the issuing organ', async () => {
    const page = await openAs(hx, hx.clerk);
    await page.locator('#q').waitFor();
    await page.evaluate((id: string) => { (globalThis as any).location.hash = `#/documents/${id}/pages/1`; }, idOf(META.permit));
    await page.locator('#viewer-h').waitFor();
    await page.locator('.doc-metadata summary').click();
    const row = page.locator('.doc-metadata tbody tr', { hasText: 'Prezydent Wrocławia' });
    expect(await row.locator('th').textContent()).toBe('Organ wydający');
    await page.close();
  });

  it('the type field suggests the archive\'s types, most documents first, and the chosen type filters the search', async () => {
    const page = await openAs(hx, hx.clerk, '/', { bypassCSP: true });
    await page.locator('#q').waitFor();
    await page.locator('details.filters summary').click();
    expect(await page.getAttribute('#f-docType', 'list')).toBe('doc-type-options');
    await expect.poll(() => page.locator('#doc-type-options option').count()).toBe(3);
    const options = await page.locator('#doc-type-options option').evaluateAll((os: any[]) => os.map((o) => [o.value, o.label]));
    expect(options).toEqual([
      ['wyrok', 'wyrok (dokumentów: 2)'],
      ['decyzja o pozwoleniu na budowę', 'decyzja o pozwoleniu na budowę (dokumentów: 1)'],
      ['postanowienie', 'postanowienie (dokumentów: 1)'],
    ]);
    expect(await axeViolations(page)).toEqual([]);

    await page.locator('#f-docType').fill('wyrok');
    await page.locator('#q').fill('działka Oporów');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/agent/search'));
    await page.locator('#q').press('Enter');
    const r = (await (await answer).json()) as AgentResponse;
    await page.locator('#results-h').waitFor();
    expect(r.results.length).toBeGreaterThan(0);
    expect(r.results.every((x) => x.document.docType === 'wyrok')).toBe(true);
    expect(new URL(page.url()).searchParams.get('docType')).toBe('wyrok');
    await page.close();
  });

  it('a result carrying its issuer and outcome shows them on one line; one without shows no empty line', async () => {
    const page = await openAs(hx, hx.clerk);
    await page.locator('#q').waitFor();
    const answer = page.waitForResponse((res) => res.url().endsWith('/api/agent/search'));
    await page.locator('#q').fill('Wojewódzki Sąd Administracyjny we Wrocławiu garaż');
    await page.locator('#q').press('Enter');
    const r = (await (await answer).json()) as AgentResponse;
    await page.locator('#results-h').waitFor();
    const items = page.locator('ol.results > li');
    const withFacts = r.results.findIndex((x) => x.document.issuer && x.document.outcome);
    const without = r.results.findIndex((x) => !x.document.issuer && !x.document.outcome);
    expect(withFacts).toBeGreaterThanOrEqual(0);
    expect(without).toBeGreaterThanOrEqual(0);
    const d = r.results[withFacts]!.document;
    expect(await items.nth(withFacts).locator('.result-facts').textContent()).toBe(`Sąd${d.issuer}Rozstrzygnięcie${d.outcome}`);
    expect(await items.nth(without).locator('.result-facts').count()).toBe(0);
    await page.close();
  });
});
