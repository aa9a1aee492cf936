/**
 * When the configured model cannot be reached, the clerk still gets results from the rules planner
 * and sees a plain notice saying so, with the server's reason.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { axeViolations, openAs, startHarness, type Harness } from './harness.js';

describe('search with the model unavailable, in Chromium', () => {
  let hx: Harness;

  beforeAll(async () => {
    // Port 9 (discard) on localhost: connection refused at once, no network needed.
    hx = await startHarness('browser-degraded', { env: { LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'bielik', LLM_TIMEOUT_MS: '2000' } });
  }, 600_000);

  afterAll(async () => {
    await hx?.close();
  });

  it('shows the rules mode and a visible notice with the reason', async () => {
    const page: Page = await openAs(hx, hx.clerk, '/', { bypassCSP: true });
    await page.locator('#q').waitFor();
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/agent/search'));
    await page.keyboard.type('decyzja w sprawie WUA-ZRB.6740.1.786.2019');
    await page.keyboard.press('Enter');
    const r = (await (await answer).json()) as AgentResponse;
    await page.locator('ol.results').waitFor();
    expect(r.mode).toBe('rules');
    expect(r.degraded?.reason).toBeTruthy();
    const notice = page.locator('.notice.degraded');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toBe(`Model językowy był niedostępny — wyszukiwanie zaplanowały reguły. Powód: ${r.degraded!.reason}`);
    expect(await page.locator('.summary .mode').textContent()).toBe('Tryb: plan regułowy');
    expect(await page.locator('ol.results h3').first().textContent()).toContain('DECYZJA NR 881/2019');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
