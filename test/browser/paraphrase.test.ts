/**
 * Search by paraphrase in Chromium: a small archive ingested with an OpenAI-compatible embedding
 * server (a stub serving a deterministic "concept" model, see paraphrase-archive.ts) and searched
 * through the same server. A question that shares no word with the demolition decision — "likwidacja
 * starego blaszaka" for "rozbiórka garażu blaszanego" — still finds it first, by meaning, and its
 * cited passage opens highlighted on the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../server/services/agent.service.js';
import { reply, startOpenAiStub, type OpenAiStub } from '../helpers/openai-stub.js';
import { openAs, shot, startHarness, type Harness } from './harness.js';
import { buildParaphraseArchive, conceptVectors, DEMOLITION_TITLE, demolitionWords, embeddingEnv, foldWords } from './paraphrase-archive.js';

const QUESTION = 'likwidacja starego blaszaka';

describe('search by paraphrase with an embedding server, in Chromium', () => {
  let stub: OpenAiStub;
  let hx: Harness;

  beforeAll(async () => {
    stub = await startOpenAiStub();
    stub.setFallback(reply.embeddings(conceptVectors));
    const dataDir = await buildParaphraseArchive(stub.baseUrl);
    hx = await startHarness('browser-paraphrase', { archive: dataDir, env: embeddingEnv(stub.baseUrl) });
  }, 600_000);

  afterAll(async () => {
    await hx?.close();
    await stub?.close();
  });

  it('a question sharing no word with the decision finds it first, and its passage opens highlighted', async () => {
    // The premise: not one word of the question occurs in the document.
    const words = demolitionWords();
    expect(foldWords(QUESTION).split(' ').filter((w) => words.has(w))).toEqual([]);

    const page = await openAs(hx, hx.clerk);
    await page.locator('#q').waitFor();
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/agent/search'));
    await page.keyboard.type(QUESTION);
    await page.keyboard.press('Enter');
    const r = (await (await answer).json()) as AgentResponse;
    await page.locator('ol.results').waitFor();

    // Found by meaning: the keyword steps found nothing, the semantic step did.
    const semantic = r.plan.find((s) => s.type === 'semantic');
    expect(semantic?.hits).toBeGreaterThan(0);
    expect(r.plan.filter((s) => s.type === 'keyword').every((s) => s.hits === 0)).toBe(true);
    expect(r.results[0]!.document.title).toBe(DEMOLITION_TITLE);
    expect(await page.locator('ol.results h3').first().textContent()).toBe(`Pozycja 1. ${DEMOLITION_TITLE}`);
    expect(await page.locator('.plan li').allTextContents()).toContain(`znaczenie: „${semantic!.query}” (${semantic!.hits})`);
    // The embedding server was asked for the question (with the configured query prefix).
    expect(stub.requests.some((q) => JSON.stringify(q.body?.input ?? '').includes(`zapytanie: ${semantic!.query}`))).toBe(true);

    const cite = r.results[0]!.citations[0]!;
    expect(cite.quote).toMatch(/rozbiórkę garażu/);
    expect(await page.locator('ol.results > li:first-child a.citation q').first().textContent()).toBe(cite.quote);
    await shot(page, 'search-paraphrase');

    await page.locator('ol.results > li:first-child a.citation').first().click();
    await page.locator('#cited').waitFor();
    expect(await page.locator('#cited').textContent()).toBe(cite.quote);
    await page.locator('.hl-box').first().waitFor();
    expect(await page.locator('.hl-box').count()).toBeGreaterThan(0);
    await shot(page, 'viewer-paraphrase');
    expect(stub.unexpected).toEqual([]);
    await page.close();
  });
});
