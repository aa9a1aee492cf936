/**
 * Records staff upload over HTTP into an empty archive: two born-digital PDFs end as ingested and
 * searchable, a text file named .pdf fails as unsupported with a Polish reason, the same upload again
 * ends as "present", and only records staff and admins may upload.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { createHttpServer, createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import type { BatchView, FileView } from '../../server/services/upload.service.js';
import { sampleDir, tempDir } from '../helpers/paths.js';

const PDFS = ['WUA-ZWZ.6730.2.531.2022/protokół_oględzin.pdf', 'nieprzypisane/pelnomocnictwo_bez_znaku.pdf'];

describe('POST /api/ingest and batch status', () => {
  let dataDir: string;
  let rt: SearchRuntime;
  let server: Server;
  let base: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = tempDir('ingest-http');
    rt = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: dataDir, KWERENDA_WORKERS: '1' }), {
      logger: silentLogger,
      uploadLimits: { maxFileBytes: 200_000 },
    });
    for (const role of ['records', 'clerk', 'supervisor'] as const) tokens[role] = rt.users.add(`u-${role}`, role).token;
    server = await createHttpServer(rt, '127.0.0.1', 0);
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }, 120_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await rt?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (p: string, role = 'records') => fetch(base + p, { headers: { authorization: `Bearer ${tokens[role]}` } });

  function form(): FormData {
    const fd = new FormData();
    for (const rel of PDFS) fd.append('files', new Blob([fs.readFileSync(path.join(sampleDir, rel))]), path.basename(rel));
    fd.append('files', new Blob(['To nie jest PDF, tylko zwykły tekst.\n']), 'notatka.pdf');
    return fd;
  }

  const upload = (fd: FormData, role: string | null = 'records') =>
    fetch(base + '/api/ingest', { method: 'POST', body: fd, headers: role ? { authorization: `Bearer ${tokens[role]}` } : {} });

  /** Polls the batch the way the UI does until no file is queued or running. */
  async function finished(batchId: number): Promise<{ batch: BatchView; files: FileView[] }> {
    for (;;) {
      const res = await get(`/api/ingest/batches/${batchId}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { batch: BatchView; files: FileView[] };
      if (body.files.length === 3 && body.files.every((f) => f.status !== 'queued' && f.status !== 'running')) return body;
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  it('ingests two PDFs, fails the fake one with its reason, then reports the repeat upload as present', async () => {
    const res = await upload(form());
    expect(res.status).toBe(202);
    const { batchId } = (await res.json()) as { batchId: number };
    expect(Number.isInteger(batchId)).toBe(true);

    const first = await finished(batchId);
    const byName = Object.fromEntries(first.files.map((f) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual(['notatka.pdf', 'pelnomocnictwo_bez_znaku.pdf', 'protokół_oględzin.pdf']);
    for (const n of ['pelnomocnictwo_bez_znaku.pdf', 'protokół_oględzin.pdf']) {
      expect(byName[n]).toMatchObject({ status: 'ingested', stage: 'done', error: null });
      expect(byName[n]!.pagesDone).toBe(byName[n]!.pagesTotal);
      expect(byName[n]!.pagesDone).toBeGreaterThan(0);
    }
    expect(byName['notatka.pdf']!.status).toBe('failed');
    expect(byName['notatka.pdf']!.error?.code).toBe('unsupported');
    expect(byName['notatka.pdf']!.error?.reason).toMatch(/^nieobsługiwany typ pliku/);
    expect(first.batch.summary).toMatchObject({ files: 3, ingested: 2, failed: 1, present: 0 });

    // The uploaded documents are searchable at once.
    const search = await get('/api/search?q=' + encodeURIComponent('pełnomocnictwo'), 'clerk');
    expect(search.status).toBe(200);
    const hits = (await search.json()) as { results: { document: { source: { filename: string } } }[] };
    expect(hits.results.map((r) => r.document.source.filename)).toContain('pelnomocnictwo_bez_znaku.pdf');

    const again = await upload(form());
    expect(again.status).toBe(202);
    const second = await finished(((await again.json()) as { batchId: number }).batchId);
    expect(second.batch.summary).toMatchObject({ files: 3, present: 2, failed: 1, ingested: 0 });

    // The archive overview counts what is in the archive: two born-digital documents, one file failed.
    const overview = (await (await get('/api/archive/overview')).json()) as Record<string, unknown>;
    expect(overview).toMatchObject({ documents: 2, scannedPages: 0, failedFiles: 1, batches: 2 });
    expect(overview.bornDigitalPages).toBe(overview.pages);
    expect((await get('/api/archive/overview', 'clerk')).status).toBe(403);

    // Latest batch first in the list.
    const list = (await (await get('/api/ingest/batches', 'supervisor')).json()) as { batches: BatchView[] };
    expect(list.batches.map((b) => b.id)).toEqual([second.batch.id, batchId]);
    expect(list.batches[1]!.status).toBe('done');

    // Retry re-queues the failed file in its batch; it fails again for the same reason.
    const failed = byName['notatka.pdf']!;
    const retry = await fetch(`${base}/api/ingest/files/${failed.id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${tokens.records}` } });
    expect(retry.status).toBe(202);
    const after = await finished(batchId);
    expect(after.files.find((f) => f.id === failed.id)).toMatchObject({ status: 'failed', error: { code: 'unsupported' } });
    const notFailed = first.files.find((f) => f.status === 'ingested')!;
    const bad = await fetch(`${base}/api/ingest/files/${notFailed.id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${tokens.records}` } });
    expect(bad.status).toBe(409);
  }, 300_000);

  it('keeps the folders of a folder upload in the names, and no name escapes the staging folder', async () => {
    const fd = new FormData();
    const pdf = fs.readFileSync(path.join(sampleDir, PDFS[1]!));
    fd.append('files', new Blob([pdf]), 'teczka/2019/pelnomocnictwo.pdf');
    fd.append('files', new Blob([pdf]), '../../../poza.pdf');
    fd.append('files', new Blob(['x']), 'teczka/Thumbs.db');
    const res = await upload(fd);
    expect(res.status).toBe(202);
    const { batchId } = (await res.json()) as { batchId: number };
    let files: FileView[] = [];
    for (;;) {
      files = ((await (await get(`/api/ingest/batches/${batchId}`)).json()) as { files: FileView[] }).files;
      if (files.every((f) => f.status === 'present' || f.status === 'failed')) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(files.map((f) => [f.name, f.status])).toEqual([
      ['teczka/2019/pelnomocnictwo.pdf', 'present'],
      ['poza.pdf', 'present'],
    ]);
    expect(fs.existsSync(path.join(dataDir, '..', 'poza.pdf'))).toBe(false);
  }, 120_000);

  it('after a crash, the unfinished files of a batch show as interrupted and a retry ingests them', async () => {
    // A batch left behind by a process that died (pid 2^22 + 1 is above Linux's pid_max default).
    const staged = path.join(dataDir, 'staging', 'po-awarii', 'decyzja_WZ.pdf');
    fs.mkdirSync(path.dirname(staged), { recursive: true });
    fs.copyFileSync(path.join(sampleDir, 'WUA-ZWZ.6730.2.531.2022/decyzja_WZ.pdf'), staged);
    const batchId = Number(
      rt.db.prepare("INSERT INTO batches(roots, owner_pid, owner_host) VALUES ('[]', 4194305, NULL)").run().lastInsertRowid,
    );
    const fileId = Number(
      rt.db.prepare("INSERT INTO ingest_files(batch_id, path, size, status) VALUES (?, ?, 1, 'queued')").run(batchId, staged).lastInsertRowid,
    );
    const view = (await (await get(`/api/ingest/batches/${batchId}`)).json()) as { batch: BatchView; files: FileView[] };
    expect(view.batch.status).toBe('interrupted');
    expect(view.files[0]).toMatchObject({ name: 'decyzja_WZ.pdf', status: 'failed', error: { code: 'interrupted' } });

    const retry = await fetch(`${base}/api/ingest/files/${fileId}/retry`, { method: 'POST', headers: { authorization: `Bearer ${tokens.records}` } });
    expect(retry.status).toBe(202);
    for (;;) {
      const b = (await (await get(`/api/ingest/batches/${batchId}`)).json()) as { batch: BatchView; files: FileView[] };
      if (b.batch.status === 'done') {
        expect(b.files[0]).toMatchObject({ status: 'ingested', pagesDone: 2, pagesTotal: 2, error: null });
        break;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(fs.existsSync(staged)).toBe(false); // the archive keeps the original; the staged copy is gone
  }, 120_000);

  it('refuses clerks (403, Polish message), anonymous callers (401) and oversized files (413)', async () => {
    const clerk = await upload(form(), 'clerk');
    expect(clerk.status).toBe(403);
    const body = (await clerk.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('forbidden');
    expect(body.error.message).toContain('pracownik archiwum');
    expect((await get('/api/ingest/batches', 'clerk')).status).toBe(403);

    expect((await upload(form(), null)).status).toBe(401);
    expect((await fetch(base + '/api/ingest/batches')).status).toBe(401);

    const big = new FormData();
    big.append('files', new Blob([Buffer.alloc(300_000, 1)]), 'duzy.pdf');
    const tooBig = await upload(big);
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { error: { message: string } }).error.message).toContain('duzy.pdf');

    // Not a form, or a form cut short: the caller's fault, never a 5xx.
    const auth = { authorization: `Bearer ${tokens.records}` };
    const json = await fetch(base + '/api/ingest', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    const cut = await fetch(base + '/api/ingest', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: '--XYZ\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n%PDF-1.4 and no end',
    });
    expect(cut.status).toBe(400);
    expect((await get('/api/ingest/batches/999999')).status).toBe(404);
    // Nothing was staged for refused uploads.
    const staging = path.join(dataDir, 'staging');
    const left = fs.existsSync(staging) ? fs.readdirSync(staging, { recursive: true }).map(String) : [];
    expect(left.filter((p) => p.endsWith('.pdf') && !p.endsWith('notatka.pdf'))).toEqual([]);
  });
});
