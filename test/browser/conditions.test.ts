/**
 * A compound question in a real browser (Debian Chromium) against a real server on the ingested
 * sample archive: each result says, condition by condition, whether it meets the question — with a
 * mark and in words, so neither a screen reader nor a keyboard user depends on colour — and what the
 * document shows there links to its page with the span highlighted, like a citation.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultCondition } from '../../server/domain/types.js';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { axeViolations, openAs, shot, startHarness, tabTo, type Harness } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

/** The sample archive's one refusal of a building permit is from 2010 (UA-AB/7351/650/2010, 2010-05-11). */
const REFUSAL_2010 = 'odmowa pozwolenia na budowę budynku wielorodzinnego 2010';
/** …so no document is a refusal from 2019 (that year it holds a permit, an application and a notice). */
const REFUSAL_2019 = 'odmowa pozwolenia na budowę 2019';

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();
const WORDS = { yes: 'spełnia', no: 'nie spełnia', unknown: 'dokument o tym nie mówi' } as const;
const MARKS = { yes: '✓', no: '✗', unknown: '?' } as const;
const KINDS: Record<string, string> = {
  caseNumber: 'sygnatura', parcel: 'działka', address: 'adres', investor: 'strona', docType: 'rodzaj dokumentu', object: 'obiekt',
  subject: 'sprawa', precinct: 'obręb', town: 'miejscowość', name: 'nazwa', period: 'okres', issuer: 'organ', outcome: 'rozstrzygnięcie',
};

describe('conditions of a compound question in Chromium', () => {
  let hx: Harness;

  beforeAll(async () => {
    hx = await startHarness('browser-conditions');
  }, 600_000);

  afterAll(async () => {
    await hx?.close();
  });

  async function ask(page: Page, question: string): Promise<AgentResponse> {
    await page.locator('#q').waitFor();
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/agent/search'));
    await page.keyboard.type(question);
    await page.keyboard.press('Enter');
    const body = (await (await answer).json()) as AgentResponse;
    await page.locator('#results-h').waitFor();
    return body;
  }

  /** The lines of the n-th result's conditions, as shown. */
  const linesOf = (page: Page, n: number) => page.locator(`ol.results > li:nth-child(${n}) ul.conditions > li`).allTextContents();

  it('every result shows each condition with a mark and in words, and what the document shows with its page', async () => {
    const page = await openAs(hx, hx.clerk);
    const r = await ask(page, REFUSAL_2010);
    expect(r.results.length).toBeGreaterThan(2);
    for (const [i, res] of r.results.entries()) {
      const conds = res.conditions ?? [];
      expect(conds.length).toBeGreaterThan(0);
      const lines = await linesOf(page, i + 1);
      expect(lines).toHaveLength(conds.length);
      for (const [j, c] of conds.entries()) {
        const line = lines[j]!;
        expect(line.startsWith(`${MARKS[c.met]} `)).toBe(true);
        expect(line).toContain(c.value);
        // The verdict in words, exactly one of the three.
        expect(line).toMatch(new RegExp(` — ${WORDS[c.met]}(\\W|$)`));
        if (c.met !== 'no') expect(line).not.toContain(WORDS.no);
        // What the document shows, with its page; only the page when it shows just what was asked.
        if (c.citation && c.met === 'yes' && norm(c.citation.value) === norm(c.value)) expect(line.endsWith(`— spełnia (str. ${c.citation.page})`)).toBe(true);
        else if (c.citation && c.met !== 'unknown') expect(line).toContain(`${c.citation.value}, str. ${c.citation.page}`);
      }
    }

    // The refusal meets all three; a permit of another year does not meet the year, and says which it is.
    const refusal = r.results.findIndex((x) => x.document.title === 'DECYZJA NR 686/2010');
    expect(refusal).toBe(0);
    expect(await linesOf(page, 1)).toEqual(expect.arrayContaining([
      '✓ rodzaj dokumentu decyzja o odmowie pozwolenia na budowę — spełnia (str. 1)',
      '✓ okres 2010 — spełnia (data: 2010-05-11, str. 1)',
    ]));
    const permit = r.results.findIndex((x) => x.document.title === 'DECYZJA NR 881/2019');
    expect(permit).toBeGreaterThan(0);
    expect(await linesOf(page, permit + 1)).toContain('✗ okres 2010 — nie spełnia: 2019-04-29, str. 1');
    const silent = r.results.findIndex((x) => x.conditions?.some((c) => c.met === 'unknown'));
    expect(silent).toBeGreaterThan(0);
    const silentLine = (await linesOf(page, silent + 1)).find((l) => l.startsWith('? '));
    expect(silentLine).toMatch(/^\? \S.* — dokument o tym nie mówi$/);

    // A screen reader gets the verdicts as words: the marks are hidden from it, the words are not.
    const spoken = await page.locator('ol.results > li:first-child ul.conditions').ariaSnapshot();
    expect(spoken).toContain('okres 2010 — spełnia');
    expect(spoken).not.toContain('✓');
    const spokenNo = await page.locator(`ol.results > li:nth-child(${permit + 1}) ul.conditions`).ariaSnapshot();
    expect(spokenNo).toContain('okres 2010 — nie spełnia');
    await shot(page, 'search-conditions');
    await page.close();
  });

  it('the keyboard reaches a condition\'s link, which opens its page with the span highlighted', async () => {
    const page = await openAs(hx, hx.clerk);
    const r = await ask(page, REFUSAL_2010);
    const period = r.results[0]!.conditions!.find((c) => c.kind === 'period') as ResultCondition;
    const cite = period.citation!;
    const link = page.locator('ol.results > li:first-child a.condition-link', { hasText: `data: ${cite.value}` });
    expect(await link.count()).toBe(1);
    await tabTo(page, 'ol.results > li:first-child a.condition-link');
    // Onwards to the period's link (the conditions before it have links of their own).
    for (let i = 0; i < 5 && !(await link.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    expect(await link.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('#cited').waitFor();
    expect(page.url()).toContain(`#/documents/${r.results[0]!.document.id}/pages/${cite.page}?start=${cite.start}&end=${cite.end}`);
    expect(await page.locator('#cited').textContent()).toBe(cite.quote);
    await page.locator('.hl-box').first().waitFor();
    await page.close();
  });

  it('the plan shows what the question asks; a question a document fully meets has no "nothing meets everything" sentence', async () => {
    const page = await openAs(hx, hx.clerk);
    const r = await ask(page, REFUSAL_2010);
    expect(r.conditions?.map((c) => c.kind)).toEqual(expect.arrayContaining(['docType', 'period']));
    expect(await page.locator('.asked-conditions li').allTextContents()).toEqual(r.conditions!.map((c) => `${KINDS[c.kind]}: ${c.value}`));
    expect(await page.locator('.asked-conditions').textContent()).toContain('okres: 2010');
    expect(r.partial).toBeUndefined();
    expect(await page.locator('.notice.partial').count()).toBe(0);
    expect(await page.locator('#search-status').textContent()).toBe('');
    await page.close();
  });

  it('when no document meets every condition, one sentence above the closest results says so, and the status region says it too', async () => {
    const page = await openAs(hx, hx.clerk);
    const r = await ask(page, REFUSAL_2019);
    expect(r.results.length).toBeGreaterThan(0);
    expect(r.partial?.unmet.length).toBeGreaterThan(0);
    const asked = new Set(r.conditions!.map((c) => `${c.kind}:${c.value}`));
    for (const c of r.partial!.unmet) expect(asked.has(`${c.kind}:${c.value}`)).toBe(true);
    const sentence = `Żaden dokument nie spełnia wszystkich warunków: ${r.partial!.unmet.map((c) => c.value).join(' + ')}. Najbliższe wyniki:`;
    expect(await page.locator('.notice.partial').allTextContents()).toEqual([sentence]);
    expect(await page.locator('.notice.partial').isVisible()).toBe(true);
    // Above the results, and in the live region a screen reader announces.
    expect(await page.evaluate(() => {
      const note = document.querySelector('.notice.partial');
      return Boolean(note.compareDocumentPosition(document.querySelector('ol.results')) & 4);
    })).toBe(true);
    expect(await page.locator('#search-status').textContent()).toBe(sentence);
    expect(await page.locator('#search-status').getAttribute('role')).toBe('status');
    // No result is shown as meeting everything: each says which condition it does not meet, in words.
    for (let n = 1; n <= r.results.length; n++) {
      const lines = await linesOf(page, n);
      expect(lines.some((l) => / — (nie spełnia|dokument o tym nie mówi)/.test(l))).toBe(true);
    }
    await shot(page, 'search-partial');
    await page.close();
  });

  it('axe-core finds no WCAG 2.1 A/AA violations in the conditions and the "nothing meets everything" sentence', async () => {
    const page = await openAs(hx, hx.clerk, '/', { bypassCSP: true });
    await ask(page, REFUSAL_2010);
    expect(await page.locator('ul.conditions').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${hx.base}/?q=${encodeURIComponent(REFUSAL_2019)}`);
    await page.locator('.notice.partial').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
