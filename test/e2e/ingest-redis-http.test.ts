/**
 * Web uploads when the queue is Redis (REDIS_URL): `kwerenda serve` only enqueues, a BullMQ worker
 * (here in this process, as `kwerenda worker` would run it) does the work, and the batch the UI polls
 * ends with both files ingested and searchable — against a real redis-server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { UNRESTRICTED_VIEWER } from '../../server/domain/types.js';
import { createIngestRuntime, type IngestRuntime } from '../../server/main.js';
import type { BatchView, FileView } from '../../server/services/upload.service.js';
import { serveArchive, type ServedArchive } from '../helpers/http-server.js';
import { sampleDir, tempDir } from '../helpers/paths.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const PDFS = ['WUA-ZWZ.6730.2.531.2022/protokół_oględzin.pdf', 'nieprzypisane/pelnomocnictwo_bez_znaku.pdf'];

describe('POST /api/ingest with the BullMQ queue', () => {
  let dataDir: string;
  let redis: TestRedis;
  let served: ServedArchive;
  let worker: IngestRuntime;
  let token: string;
  const ranHere: string[] = [];

  beforeAll(async () => {
    dataDir = tempDir('ingest-redis-http');
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, KWERENDA_WORKERS: '1' };
    served = await serveArchive(dataDir, env);
    worker = await createIngestRuntime(loadConfig({ KWERENDA_DATA_DIR: dataDir, ...env }), 1, {
      consume: true,
      onJob: (job, outcome) => ranHere.push(`${job.id} ${outcome}`),
    });
    token = served.rt.users.add('rita', 'records').token;
  }, 120_000);

  afterAll(async () => {
    await served?.close();
    await worker?.close();
    await redis?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('enqueues the upload; a worker ingests it; the batch ends done with both files ingested and searchable', async () => {
    const fd = new FormData();
    for (const rel of PDFS) fd.append('files', new Blob([fs.readFileSync(path.join(sampleDir, rel))]), path.basename(rel));
    const res = await fetch(`${served.base}/api/ingest`, { method: 'POST', body: fd, headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(202);
    const { batchId } = (await res.json()) as { batchId: number };
    let view: { batch: BatchView; files: FileView[] };
    for (;;) {
      view = (await (await fetch(`${served.base}/api/ingest/batches/${batchId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as typeof view;
      if (view.batch.summary.queued + view.batch.summary.running === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(view.batch.summary).toMatchObject({ files: 2, ingested: 2, failed: 0 });
    expect(view.files.map((f) => f.status).sort()).toEqual(['ingested', 'ingested']);
    const docs = await served.rt.backend.listDocuments({}, 10, UNRESTRICTED_VIEWER);
    expect(docs).toHaveLength(2);
    // The worker ran both jobs: the server only enqueued them. (BullMQ reports a job completed just
    // after its processor returns, which may be a moment after the ledger already says done.)
    await vi.waitFor(() => expect(ranHere.sort()).toEqual(view.files.map((f) => `ingest-file:${f.id} completed`).sort()), { timeout: 10_000 });
  });
});
