/**
 * Records staff in Chromium against a real server on an empty archive: choose a born-digital PDF and
 * a text file named .pdf with the file input, upload with the keyboard, and see the live statuses —
 * "dodano" for the PDF, "błąd: nieobsługiwany typ pliku…" with a retry button for the other — and
 * the batch in the list of last batches; axe-core finds no WCAG 2.1 A/AA violations on the screen.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { createHttpServer, createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import { repoRoot, sampleDir, tempDir } from '../helpers/paths.js';
import { artifactsDir, axeViolations, CHROMIUM_ARGS, enterToken, tabTo } from './harness.js';

// Browser globals used inside page.evaluate callbacks (the Node project compiles without the DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

const PDF = path.join(sampleDir, 'nieprzypisane', 'pelnomocnictwo_bez_znaku.pdf');

describe('records staff upload in Chromium', () => {
  let dataDir: string;
  let rt: SearchRuntime;
  let server: Server;
  let browser: Browser;
  let base: string;
  let token: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'web', 'index.html'))) throw new Error('dist/web is not built: run `npm run build` first');
    dataDir = tempDir('browser-ingest');
    rt = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: dataDir, KWERENDA_WORKERS: '1' }), { logger: silentLogger });
    token = rt.users.add('anna', 'records').token;
    server = await createHttpServer(rt, '127.0.0.1', 0);
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    fs.mkdirSync(artifactsDir, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await rt?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('uploads through the file input and shows each file’s status live, with a retry for the failure', async () => {
    // bypassCSP only because axe-core is injected as an inline script; CSP violations are still collected.
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'pl-PL', bypassCSP: true });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(base + '/#/ingest');
    await enterToken(page, token);
    await page.locator('#ingest-h').waitFor();
    await expect.poll(() => page.locator('#batches').textContent()).toContain('Nie przyjęto jeszcze żadnej partii.');

    await page.setInputFiles('#ingest-files', [
      { name: path.basename(PDF), mimeType: 'application/pdf', buffer: fs.readFileSync(PDF) },
      { name: 'notatka.pdf', mimeType: 'application/pdf', buffer: Buffer.from('To nie jest PDF.\n') },
    ]);
    expect(await page.locator('#ingest-chosen').textContent()).toMatch(/^Wybrano plików: 2/);
    const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/ingest') && r.request().method() === 'POST');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    const { batchId } = (await (await uploaded).json()) as { batchId: number };
    expect(page.url()).toContain(`#/ingest/batches/${batchId}`);

    const row = (name: string) => page.locator('tr.file', { has: page.locator('th', { hasText: name }) });
    await expect.poll(() => row('pelnomocnictwo_bez_znaku.pdf').locator('.status').textContent(), { timeout: 120_000 }).toBe('dodano');
    await expect.poll(() => row('notatka.pdf').locator('.status').textContent(), { timeout: 120_000 }).toMatch(/^błąd: nieobsługiwany typ pliku/);
    expect(await row('pelnomocnictwo_bez_znaku.pdf').locator('.pages').textContent()).toBe('1/1');
    expect(await row('pelnomocnictwo_bez_znaku.pdf').locator('button').count()).toBe(0);
    await expect.poll(() => page.locator('#ingest-status').textContent()).toContain('dodano 1, już w archiwum 0, błędy 1');
    // The list of last batches follows without a reload.
    await expect.poll(() => page.locator('#batches table').textContent()).toContain('zakończona2 plików: dodano 1, już w archiwum 0, błędy 1');
    // The archive overview below counts the new document and the failed file.
    await expect.poll(() => page.locator('#overview').textContent()).toContain('Dokumentów: 1');
    expect(await page.locator('#overview').textContent()).toContain('Plików z błędem: 1');
    await page.screenshot({ path: path.join(artifactsDir, 'ingest-batch.png'), fullPage: true });

    // The retry button is reachable with the keyboard and puts the file back through the pipeline.
    const retry = page.waitForResponse((r) => r.url().includes('/retry'));
    await tabTo(page, 'tr.file.failed button');
    await page.keyboard.press('Enter');
    expect((await retry).status()).toBe(202);
    await expect.poll(() => page.locator('#ingest-status').textContent()).toContain('Plik notatka.pdf wrócił do kolejki.');
    await expect.poll(() => row('notatka.pdf').locator('.status').textContent(), { timeout: 60_000 }).toMatch(/^błąd: nieobsługiwany/);

    // The batch is in the list of last batches once the screen is opened again.
    await page.goto(base + '/#/ingest');
    await expect.poll(() => page.locator('#batches table').textContent()).toContain('dodano 1, już w archiwum 0, błędy 1');
    await page.goto(base + `/#/ingest/batches/${batchId}`);
    await row('notatka.pdf').waitFor();

    // Files dropped on the drop zone are chosen like picked ones.
    await page.evaluate(() => {
      const dt = new (globalThis as any).DataTransfer();
      dt.items.add(new (globalThis as any).File(['%PDF-1.4'], 'upuszczony.pdf', { type: 'application/pdf' }));
      document.querySelector('#drop-zone').dispatchEvent(new (globalThis as any).DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => page.locator('#ingest-chosen').textContent()).toMatch(/^Wybrano plików: 1 /);
    expect(await page.locator('button[type=submit]').isEnabled()).toBe(true);

    expect(await axeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.querySelector('#ingest-folder').hasAttribute('webkitdirectory'))).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 300_000);
});
