/**
 * Records staff in Chromium against a real server on an empty archive: choose a born-digital PDF and
 * a text file named .pdf with the file input, upload with the keyboard, and see the live statuses —
 * "dodano" for the PDF, "błąd: nieobsługiwany typ pliku…" with a retry button for the other — and
 * the batch in the list of last batches; axe-core finds no WCAG 2.1 A/AA violations on the screen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDir } from '../helpers/paths.js';
import { axeViolations, openAs, shot, startHarness, tabTo, type Account, type Harness } from './harness.js';

// Browser globals used inside page.evaluate callbacks (the Node project compiles without the DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

const PDF = path.join(sampleDir, 'nieprzypisane', 'pelnomocnictwo_bez_znaku.pdf');

describe('records staff upload in Chromium', () => {
  let hx: Harness;
  let anna: Account;

  beforeAll(async () => {
    hx = await startHarness('browser-ingest', { archive: 'empty', env: { KWERENDA_WORKERS: '1' } });
    anna = await hx.addUser('anna', 'records');
  }, 120_000);

  afterAll(async () => {
    await hx?.close();
  });

  it('uploads through the file input and shows each file’s status live, with a retry for the failure', async () => {
    // bypassCSP only because axe-core is injected as an inline script; CSP violations are still collected.
    const page = await openAs(hx, anna, '/#/ingest', { bypassCSP: true });
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
    await shot(page, 'ingest-batch');

    // The retry button is reachable with the keyboard and puts the file back through the pipeline.
    const retry = page.waitForResponse((r) => r.url().includes('/retry'));
    await tabTo(page, 'tr.file.failed button');
    await page.keyboard.press('Enter');
    expect((await retry).status()).toBe(202);
    await expect.poll(() => page.locator('#ingest-status').textContent()).toContain('Plik notatka.pdf wrócił do kolejki.');
    await expect.poll(() => row('notatka.pdf').locator('.status').textContent(), { timeout: 60_000 }).toMatch(/^błąd: nieobsługiwany/);

    // The batch is in the list of last batches once the screen is opened again.
    await page.goto(hx.base + '/#/ingest');
    await expect.poll(() => page.locator('#batches table').textContent()).toContain('dodano 1, już w archiwum 0, błędy 1');
    await page.goto(hx.base + `/#/ingest/batches/${batchId}`);
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
    await page.close();
  }, 300_000);
});
