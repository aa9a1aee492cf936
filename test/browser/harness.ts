/**
 * A real `kwerenda` HTTP server (on a copy of the ingested sample archive, an empty archive, or one
 * the test built) and Debian's Chromium driven by playwright-core (never `npx playwright install`).
 * Users get passwords and sign in through the form, as people do. Screenshots go to
 * dist/test-artifacts/browser; with KWERENDA_SCREENSHOTS=docs the screens named in DOC_SHOTS are
 * also written to docs/screenshots at 1280×800 (see docs/UI.md).
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { createHttpServer, createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import type { Role } from '../../server/store/users.js';
import { repoRoot, tempDir } from '../helpers/paths.js';
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
  // Browser-drawn parts (date fields, file pickers) in Polish, as clerks see them.
  '--lang=pl',
];

export const VIEWPORT = { width: 1280, height: 800 };
export const artifactsDir = path.join(repoRoot, 'dist', 'test-artifacts', 'browser');
export const docsShotsDir = path.join(repoRoot, 'docs', 'screenshots');
/** The screens docs/UI.md shows, by screenshot name. */
export const DOC_SHOTS = ['sign-in', 'search-results', 'viewer', 'search-paraphrase', 'search-partial', 'ingest-batch', 'audit-list', 'audit-search', 'events', 'users', 'webhooks', 'forbidden'];
const axePath = path.join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js');

/** A user who can sign in with a password (and call the API with the token). */
export interface Account {
  name: string;
  role: Role;
  password: string;
  token: string;
}

export interface Harness {
  base: string;
  rt: SearchRuntime;
  browser: Browser;
  /** `ewa`, a clerk, created with every harness. */
  clerk: Account;
  /** Creates a user with a password, as `kwerenda users add` + reset-password would. */
  addUser(name: string, role: Role): Promise<Account>;
  /**
   * A fresh tab in a fresh browser context (own cookies); script errors and CSP violations fail the
   * suite. `bypassCSP` only for pages axe-core is injected into (its script tag is inline).
   */
  newPage(opts?: { bypassCSP?: boolean }): Promise<Page>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra environment for the server, e.g. an unreachable model. */
  env?: Record<string, string>;
  /** 'sample' (default): a copy of the ingested sample; 'empty': a new archive; else a data dir the harness takes over. */
  archive?: 'sample' | 'empty' | string;
}

/** A password of the required length, different for every user. */
export const passwordOf = (name: string) => `hasło-${name}-do-testów-1234`;

/** Starts the server and the browser. */
export async function startHarness(prefix: string, opts: HarnessOptions = {}): Promise<Harness> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'web', 'index.html'))) {
    throw new Error('dist/web is not built: run `npm run build` first');
  }
  const archive = opts.archive ?? 'sample';
  const dataDir = archive === 'sample' ? await sampleArchiveCopy(prefix) : archive === 'empty' ? tempDir(prefix) : archive;
  let rt: SearchRuntime | undefined;
  let server: Server | undefined;
  let browser: Browser | undefined;
  const pageErrors: string[] = [];
  try {
    // Tests sign in far more often than people do: the per-address login limit would trip.
    const env = { KWERENDA_DATA_DIR: dataDir, KWERENDA_RATE_LOGIN_PER_MIN: '1000', ...opts.env };
    const r = await createSearchRuntime(loadConfig(env), { logger: silentLogger });
    rt = r;
    const addUser = async (name: string, role: Role): Promise<Account> => {
      const token = r.users.add(name, role).token;
      await r.users.setPassword(name, passwordOf(name));
      return { name, role, password: passwordOf(name), token };
    };
    const clerk = await addUser('ewa', 'clerk');
    const s = await createHttpServer(r, '127.0.0.1', 0);
    server = s;
    const addr = s.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    browser = b;
    fs.mkdirSync(artifactsDir, { recursive: true });
    return {
      base,
      rt: r,
      browser: b,
      clerk,
      addUser,
      async newPage(o = {}) {
        const page = await b.newPage({ viewport: VIEWPORT, locale: 'pl-PL', bypassCSP: o.bypassCSP ?? false });
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

/** Signs in through the form with the keyboard (the name field has focus on arrival). */
export async function signIn(page: Page, who: { name: string; password: string }): Promise<void> {
  await page.locator('#username').waitFor();
  await expectFocus(page, 'username');
  await page.keyboard.type(who.name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(who.password);
  await page.keyboard.press('Enter');
  await page.locator('#logout').waitFor();
}

async function expectFocus(page: Page, id: string): Promise<void> {
  const focused = await page.evaluate(() => document.activeElement?.id ?? null);
  if (focused !== id) throw new Error(`expected focus on #${id}, found ${String(focused)}`);
}

/** A new tab that opens `url` (relative to the server) and signs in there. */
export async function openAs(hx: Harness, who: Account, url = '/', opts: { bypassCSP?: boolean } = {}): Promise<Page> {
  const page = await hx.newPage(opts);
  await page.goto(hx.base + url);
  await signIn(page, who);
  return page;
}

/** The whole page to dist/test-artifacts/browser; a DOC_SHOTS screen also to docs/screenshots (1280×800) when asked. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
  if (process.env.KWERENDA_SCREENSHOTS === 'docs' && DOC_SHOTS.includes(name)) {
    fs.mkdirSync(docsShotsDir, { recursive: true });
    await page.screenshot({ path: path.join(docsShotsDir, `${name}.png`), fullPage: false });
  }
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
