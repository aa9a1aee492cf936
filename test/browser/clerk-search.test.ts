/**
 * The clerk's search and the document viewer in a real browser (Debian Chromium) against a real
 * server on the ingested sample archive: keyboard only, what is shown is exactly what the API
 * returned, a citation opens on its page with the highlight on the image and in the text, the URL
 * restores the search, and axe-core finds no WCAG 2.1 A/AA violations.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { axeViolations, openAs, shot, signIn, startHarness, tabTo, type Harness } from './harness.js';

// Browser globals used inside page.evaluate callbacks (the Node project compiles without the DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, window: any;

const QUESTION = 'Jaka decyzja zapadła w sprawie WUA-ZRB.6740.1.786.2019?';

describe('clerk search and document viewer in Chromium', () => {
  let hx: Harness;

  beforeAll(async () => {
    hx = await startHarness('browser');
  }, 600_000);

  afterAll(async () => {
    await hx?.close();
  });

  /** Types the question into the focused question box and waits for the API's answer and the list. */
  async function ask(page: Page, question: string): Promise<AgentResponse> {
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/agent/search'));
    await page.keyboard.type(question);
    await page.keyboard.press('Enter');
    const body = (await (await answer).json()) as AgentResponse;
    await page.locator('#results-h').waitFor();
    return body;
  }

  it('keyboard only: sign-in, question, the decision first with a highlighted citation, its page with the highlight', async () => {
    const page = await hx.newPage();
    await page.goto(hx.base + '/');
    expect(await page.getAttribute('html', 'lang')).toBe('pl');
    await signIn(page, hx.clerk);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('q');
    const r = await ask(page, QUESTION);

    // What is on screen is the response: titles in rank order, quotes verbatim.
    const items = page.locator('ol.results > li');
    expect(await items.count()).toBe(r.results.length);
    expect(await page.locator('ol.results h3').allTextContents()).toEqual(r.results.map((x) => `Pozycja ${x.rank}. ${x.document.title}`));
    const first = items.first();
    expect(await first.locator('h3').textContent()).toContain('DECYZJA NR 881/2019');
    expect(r.results[0]!.document.title).toBe('DECYZJA NR 881/2019');
    const quote = r.results[0]!.citations[0]!;
    expect(await first.locator('a.citation q').first().textContent()).toBe(quote.quote);
    expect(await first.locator('a.citation mark').first().textContent()).toBe('WUA-ZRB.6740.1.786.2019');
    await expect.poll(() => first.locator('.confidence').textContent()).toBe('wysoka');
    expect(await page.locator('.summary .mode').textContent()).toContain('plan regułowy');
    expect(await page.locator('.plan li').allTextContents()).toEqual(r.plan.map((s) => `${s.label} (${s.hits})`));
    expect(new URL(page.url()).searchParams.get('q')).toBe(QUESTION);
    await shot(page, 'search-results');

    await tabTo(page, 'ol.results > li:first-child a.citation');
    await page.keyboard.press('Enter');
    await page.locator('.hl-box').first().waitFor();
    expect(page.url()).toContain(`#/documents/${r.results[0]!.document.id}/pages/${quote.page}?start=${quote.start}&end=${quote.end}`);
    expect(await page.locator('.page-no').textContent()).toBe(`Strona ${quote.page} z ${r.results[0]!.document.pageCount}`);
    expect(await page.locator('#cited').textContent()).toBe(quote.quote);

    // The boxes lie on the loaded page image, and both highlights were scrolled into view.
    const geometry = await page.evaluate(() => {
      const img = document.querySelector('.page-canvas img');
      const ir = img.getBoundingClientRect();
      const inView = (el: any) => {
        const b = el.getBoundingClientRect();
        return b.bottom > 0 && b.top < window.innerHeight && b.right > 0 && b.left < window.innerWidth;
      };
      const boxes = [...document.querySelectorAll('.hl-box')].map((b: any) => b.getBoundingClientRect());
      return {
        natural: img.naturalWidth,
        blob: img.src.startsWith('blob:'),
        inside: boxes.every((b: any) => b.width > 2 && b.height > 2 && b.left >= ir.left - 1 && b.right <= ir.right + 1 && b.top >= ir.top - 1 && b.bottom <= ir.bottom + 1),
        boxInView: inView(document.querySelector('.hl-box')),
        markInView: inView(document.getElementById('cited')),
      };
    });
    expect(geometry).toEqual({ natural: expect.any(Number), blob: true, inside: true, boxInView: true, markInView: true });
    expect(geometry.natural).toBeGreaterThan(100);
    await shot(page, 'viewer');

    // Next page with the keyboard, then back to the results without searching again.
    await tabTo(page, '#next-page');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.page-no').textContent()).toBe(`Strona 2 z ${r.results[0]!.document.pageCount}`);
    expect(await page.locator('.hl-box').count()).toBe(0);
    await page.goBack();
    await page.goBack();
    await page.locator('ol.results').waitFor();
    expect(await page.locator('ol.results h3').first().textContent()).toContain('DECYZJA NR 881/2019');
    await page.close();
  });

  it('reloading the URL restores the search, filters included', async () => {
    const page = await openAs(hx, hx.clerk);
    await page.locator('#q').waitFor();
    await page.locator('summary').press('Enter');
    await page.locator('#f-caseNumber').fill('WUA-ZWZ.6730.2.531.2022');
    await page.locator('#q').fill('decyzja');
    await page.locator('#q').press('Enter');
    await page.locator('ol.results').waitFor();
    const url = new URL(page.url());
    expect(url.searchParams.get('caseNumber')).toBe('WUA-ZWZ.6730.2.531.2022');
    const before = await page.locator('ol.results h3').allTextContents();
    expect(before.length).toBeGreaterThan(0);
    const signatures = await page.locator('ol.results dl.meta:not(.result-facts) div:first-child dd').allTextContents();
    expect(new Set(signatures)).toEqual(new Set(['WUA-ZWZ.6730.2.531.2022']));

    await page.reload();
    await page.locator('ol.results').waitFor();
    expect(await page.locator('#q').inputValue()).toBe('decyzja');
    expect(await page.locator('#f-caseNumber').inputValue()).toBe('WUA-ZWZ.6730.2.531.2022');
    expect(await page.locator('ol.results h3').allTextContents()).toEqual(before);
    await page.close();
  });

  it('a parcel no document names is reported as not found', async () => {
    const page = await openAs(hx, hx.clerk);
    await page.locator('#q').waitFor();
    await ask(page, 'działka 99/9 obręb Oporów');
    expect(await page.locator('.not-found').allTextContents()).toEqual(['Żaden dokument w archiwum nie wymienia: dz. 99/9 (obręb Oporów)']);
    await shot(page, 'not-found');
    await page.close();
  });

  it('axe-core finds no WCAG 2.1 A/AA violations on the results and in the viewer', async () => {
    const page = await openAs(hx, hx.clerk, '/', { bypassCSP: true });
    await page.locator('#q').waitFor();
    await ask(page, QUESTION);
    await page.locator('summary').click();
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('a.citation').first().click();
    await page.locator('.hl-box').first().waitFor();
    await page.locator('.doc-metadata summary').click();
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('each metadata value in the viewer links to the span it was read from', async () => {
    const page = await openAs(hx, hx.clerk);
    await page.locator('#q').waitFor();
    await ask(page, QUESTION);
    await page.locator('a.citation').first().click();
    await page.locator('.hl-box').first().waitFor();
    await page.locator('.doc-metadata summary').click();
    const dateRow = page.locator('.doc-metadata tbody tr', { hasText: '2019-04-29' }).first();
    expect(await dateRow.locator('th').textContent()).toBe('Data');
    await dateRow.locator('a.meta-span').click();
    await expect.poll(() => page.locator('#cited').textContent()).toBe('29 kwietnia 2019 r.');
    await page.locator('.hl-box').first().waitFor();
    await shot(page, 'viewer-metadata');
    await page.close();
  });

  it('the viewer zooms the page with its highlight; a clerk downloads a PDF of the page images, records staff the original', async () => {
    const page = await openAs(hx, hx.clerk);
    await page.locator('#q').waitFor();
    const r = await ask(page, QUESTION);
    await page.locator('a.citation').first().click();
    await page.locator('.hl-box').first().waitFor();
    const width = () => page.locator('.page-canvas img').evaluate((img: any) => img.getBoundingClientRect().width as number);
    const boxWidth = () => page.locator('.hl-box').first().evaluate((b: any) => b.getBoundingClientRect().width as number);
    const [w0, b0] = [await width(), await boxWidth()];
    await page.locator('#zoom-in').click();
    await page.locator('#zoom-in').click();
    expect(await page.locator('.zoom-level').textContent()).toBe('Powiększenie: 150%');
    expect(await width()).toBeCloseTo(w0 * 1.5, 0);
    expect(await boxWidth()).toBeCloseTo(b0 * 1.5, 0);

    const doc = r.results[0]!.document;
    const download = page.waitForEvent('download');
    expect(await page.locator('#download').textContent()).toBe('Pobierz kopię (PDF)');
    await page.locator('#download').click();
    const copy = await download;
    expect(copy.suggestedFilename()).toBe(doc.source.filename.replace(/\.[^.]*$/, '') + '.pdf');
    const pdf = fs.readFileSync((await copy.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(createHash('sha256').update(pdf).digest('hex')).not.toBe(doc.source.sha256);
    await page.close();

    const records = await openAs(hx, await hx.addUser('rafal', 'records'), `/#/documents/${encodeURIComponent(doc.id)}/pages/1`);
    expect(await records.locator('#download').textContent()).toBe('Pobierz oryginał');
    const original = records.waitForEvent('download');
    await records.locator('#download').click();
    const file = await original;
    expect(file.suggestedFilename()).toBe(doc.source.filename);
    const bytes = fs.readFileSync((await file.path())!);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(doc.source.sha256);
    await records.close();
  });
});
