/**
 * A real `kwerenda` HTTP server on a copy of the ingested sample archive, and Debian's Chromium driven
 * by playwright-core (never `npx playwright install`). Screenshots go to dist/test-artifacts/browser.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { createHttpServer, createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import { repoRoot } from '../helpers/paths.js';
import { sampleArchiveCopy } from '../helpers/sample-archive.js';

// Browser globals used inside page.evaluate callbacks (the Node project compiles without the DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, window: any;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const artifactsDir = path.join(repoRoot, 'dist', 'test-artifacts', 'browser');
const axePath = path.join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js');

export interface Harness {
  base: string;
  token: string;
  browser: Browser;
  /**
   * A fresh tab (own sessionStorage); script errors and CSP violations fail the suite. `bypassCSP`
   * only for pages axe-core is injected into (its script tag is inline, which the CSP forbids).
   */
  newPage(opts?: { bypassCSP?: boolean }): Promise<Page>;
  close(): Promise<void>;
}

/** Starts the server (with extra environment, e.g. an unreachable model) and the browser. */
export async function startHarness(prefix: string, env: Record<string, string> = {}): Promise<Harness> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'web', 'index.html'))) {
    throw new Error('dist/web is not built: run `npm run build` first');
  }
  const dataDir = await sampleArchiveCopy(prefix);
  let rt: SearchRuntime | undefined;
  let server: Server | undefined;
  let browser: Browser | undefined;
  const pageErrors: string[] = [];
  try {
    rt = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: dataDir, ...env }), { logger: silentLogger });
    const token = rt.users.add('ewa', 'clerk').token;
    server = await createHttpServer(rt, '127.0.0.1', 0);
    const addr = server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    fs.mkdirSync(artifactsDir, { recursive: true });
    const b = browser;
    const s = server;
    const r = rt;
    return {
      base,
      token,
      browser: b,
      async newPage(opts = {}) {
        const page = await b.newPage({ viewport: { width: 1280, height: 900 }, locale: 'pl-PL', bypassCSP: opts.bypassCSP ?? false });
        page.on('pageerror', (e) => pageErrors.push(e.message));
        page.on('console', (m) => {
          if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
        });
        return page;
      },
      async close() {
        await b.close();
        s.closeAllConnections();
        await new Promise((res) => s.close(res));
        await r.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
        if (pageErrors.length) throw new Error(`script errors in the page: ${pageErrors.join('; ')}`);
      },
    };
  } catch (err) {
    await browser?.close();
    server?.close();
    await rt?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** Enters the token in the token form with the keyboard (the field has focus on arrival). */
export async function enterToken(page: Page, token: string): Promise<void> {
  await page.locator('#token').waitFor();
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
}

/** axe-core's WCAG 2.1 A/AA violations on the current page, as "rule: selector" lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (window as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
  return violations;
}

/** Presses Tab until `selector` matches the focused element; fails after `max` presses. */
export async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
  }
  throw new Error(`${selector} not reached with ${max} Tab presses`);
}
