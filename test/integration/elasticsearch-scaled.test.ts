/**
 * The scaled-out archive on Elasticsearch (KWERENDA_BACKEND=elasticsearch), wired end to end
 * against an in-memory cluster at the HTTP level (test/helpers/es-memory-cluster.ts; no cluster
 * runs on these machines — the SearchBackend contract runs against a real one when
 * ELASTICSEARCH_URL is set): an embedded archive moving to Elasticsearch is indexed whole; ingest
 * reports a file only once it is in the index, and an index that refuses it fails the file for a
 * retry without losing anything; a restriction is in the index before the API answers (503 when it
 * cannot be); `kwerenda reindex` fills a new generation and switches the aliases, keeping changes
 * made meanwhile.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { createIngestRuntime, createRuntime } from '../../server/main.js';
import { reindexArchive } from '../../server/search/elasticsearch/es-reindex.js';
import { ES_URL, testClient } from '../../server/search/elasticsearch/es-test-kit.js';
import { Restrictions } from '../../server/store/restrictions.js';
import { cliOperator, Users } from '../../server/store/users.js';
import { memoryCluster, type MemoryCluster } from '../helpers/es-memory-cluster.js';
import { serveArchive } from '../helpers/http-server.js';
import { sampleArchiveCopy } from '../helpers/sample-archive.js';
import { startRedis } from '../helpers/redis.js';

const ES_ENV = { KWERENDA_BACKEND: 'elasticsearch', ELASTICSEARCH_URL: ES_URL, KWERENDA_INGEST_ATTEMPTS: '1' };
const esConfig = (dataDir: string) => loadConfig({ KWERENDA_DATA_DIR: dataDir, ...ES_ENV });

let cluster: MemoryCluster;
const dirs: string[] = [];
beforeEach(() => {
  cluster = memoryCluster();
});
afterEach(() => {
  cluster.done();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function archive(): Promise<string> {
  const dir = await sampleArchiveCopy('es-scaled');
  dirs.push(dir);
  return dir;
}

describe('Elasticsearch, scaled out', () => {
  it('indexes a whole embedded archive on its first start on Elasticsearch: the same ids, page texts, chunks and vectors', async () => {
    const rt = await createRuntime(esConfig(await archive()), { esClient: testClient() });
    try {
      const ready = rt.db.prepare("SELECT id FROM documents WHERE status = 'ready' ORDER BY id").pluck().all() as number[];
      expect(ready.length).toBeGreaterThan(5);
      expect(rt.elasticsearch!.sync.pending()).toBe(ready.length);
      expect(await rt.elasticsearch!.sync.drain()).toEqual({ synced: ready.length, failed: 0 });
      expect(rt.elasticsearch!.sync.pending()).toBe(0);
      // In rounds of 20 documents: three bulk requests a round, not three a document.
      expect(cluster.requests.filter((r) => r.path.startsWith('/_bulk'))).toHaveLength(3 * Math.ceil(ready.length / 20));

      const docs = cluster.docs('kwerenda-documents');
      expect([...docs.keys()].map(Number).sort((a, b) => a - b)).toEqual(ready);
      expect([...docs.values()].every((d) => d.status === 'ready')).toBe(true);
      const id = ready[0]!;
      const pages = rt.db.prepare('SELECT page, text FROM pages WHERE document_id = ? ORDER BY page').all(id) as { page: number; text: string }[];
      const esPages = cluster.docs('kwerenda-pages');
      for (const p of pages) expect(esPages.get(`${id}-p${p.page}`)).toMatchObject({ doc_id: String(id), text: p.text, status: 'ready' });
      const chunks = rt.db.prepare('SELECT c.text, v.embedding FROM chunks c JOIN chunk_vectors v ON v.rowid = c.id WHERE c.document_id = ? ORDER BY c.id').all(id) as { text: string; embedding: Buffer }[];
      const esChunks = [...cluster.docs('kwerenda-chunks').values()].filter((c) => c.doc_id === String(id)).sort((a, b) => Number(a.seq) - Number(b.seq));
      expect(esChunks.map((c) => c.text)).toEqual(chunks.map((c) => c.text));
      const stored = new Float32Array(chunks[0]!.embedding.buffer, chunks[0]!.embedding.byteOffset, chunks[0]!.embedding.byteLength / 4);
      expect((esChunks[0]!.embedding as number[]).length).toBe(stored.length);
      (esChunks[0]!.embedding as number[]).forEach((x, i) => expect(x).toBeCloseTo(stored[i]!, 6));
    } finally {
      await rt.close();
    }
  });

  it('reports a new file ingested only once it is in the index; an index that refuses it fails the file, and the next run puts it in', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-es-ingest-'));
    dirs.push(dir);
    const file = path.resolve('fixtures/sample/WUA-ZWZ.6730.2.531.2022/decyzja_WZ.pdf');

    cluster.fail = (method, p) => (p === '/_bulk' ? [503, { error: { type: 'unavailable_shards_exception', reason: 'no shards' }, status: 503 }] : undefined);
    let rt = await createIngestRuntime(esConfig(dir), 1, { esClient: testClient() });
    try {
      const r = await rt.ingest.run({ paths: [file], caseOverride: null });
      expect(r.summary).toMatchObject({ files: 1, ingested: 0, failed: 1 });
      expect(r.failures[0]).toMatchObject({ error_code: 'search_index' });
      expect(r.failures[0]!.error).toMatch(/indeks wyszukiwania \(Elasticsearch\) nie przyjął dokumentu: dokument \d+: odpowiedź 503/);
      expect(cluster.docs('kwerenda-documents').size).toBe(0);
      expect(rt.elasticsearch!.sync.pending()).toBe(1); // kept in the outbox: nothing lost
    } finally {
      await rt.close();
    }

    cluster.fail = null;
    rt = await createIngestRuntime(esConfig(dir), 1, { esClient: testClient() });
    try {
      const r = await rt.ingest.run({ paths: [file], caseOverride: null });
      expect(r.summary).toMatchObject({ files: 1, present: 1, failed: 0 });
      const [doc] = [...cluster.docs('kwerenda-documents').values()];
      expect(doc).toMatchObject({ status: 'ready', case_number: 'WUA-ZWZ.6730.2.531.2022', filename: 'decyzja_WZ.pdf' });
      expect(rt.elasticsearch!.sync.pending()).toBe(0);
    } finally {
      await rt.close();
    }
  });

  it('runs with the BullMQ queue too: a file enqueued on Redis and run by a BullMQ worker is in the index when the batch ends', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-es-bull-'));
    dirs.push(dir);
    const redis = await startRedis();
    const config = loadConfig({ KWERENDA_DATA_DIR: dir, ...ES_ENV, REDIS_URL: redis.url });
    // The enqueuing side and a consuming worker, as `kwerenda ingest` and `kwerenda worker` would be.
    const worker = await createIngestRuntime(config, 1, { consume: true, esClient: testClient() });
    const ingest = await createIngestRuntime(config, 1, { esClient: testClient() });
    try {
      const file = path.resolve('fixtures/sample/WUA-ZWZ.6730.2.531.2022/decyzja_WZ.pdf');
      const r = await ingest.ingest.run({ paths: [file], caseOverride: null });
      expect(r.summary).toMatchObject({ files: 1, ingested: 1, failed: 0 });
      const id = worker.db.prepare('SELECT id FROM documents').pluck().get() as number;
      expect(cluster.docs('kwerenda-documents').get(String(id))).toMatchObject({ status: 'ready', filename: 'decyzja_WZ.pdf' });
      expect(ingest.elasticsearch!.sync.pending()).toBe(0);
    } finally {
      await ingest.close();
      await worker.close();
      await redis.stop();
    }
  });

  it('puts a restriction into the index before the API answers, and answers 503 (rule kept, retried) when the index is down', async () => {
    const dir = await archive();
    const served = await serveArchive(dir, ES_ENV, { esClient: testClient() });
    try {
      await served.rt.elasticsearch!.sync.drain();
      const { token } = served.rt.users.add('adam', 'admin');
      const caseNo = 'WUA-ZRB.6740.1.786.2019';
      const covered = served.rt.db.prepare("SELECT id FROM documents WHERE case_number = ? AND status = 'ready'").pluck().all(caseNo) as number[];
      expect(covered.length).toBeGreaterThan(1);
      const post = (body: unknown) =>
        fetch(`${served.base}/api/restrictions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

      const res = await post({ scope: 'case', value: caseNo, principals: [{ kind: 'role', value: 'supervisor' }] });
      expect(res.status).toBe(201);
      const chunks = [...cluster.docs('kwerenda-chunks').values()];
      for (const id of covered) {
        const own = chunks.filter((c) => c.doc_id === String(id));
        expect(own.length).toBeGreaterThan(0);
        for (const c of own) expect(c).toMatchObject({ restriction_count: 1, restrictions: [{ principals: ['role:supervisor'] }] });
      }
      // One update for the whole case, not one per document.
      expect(cluster.requests.filter((r) => r.path.includes('_update_by_query'))).toHaveLength(1);

      cluster.fail = (_m, p) => (p.includes('_update_by_query') ? [503, { error: { type: 'cluster_block_exception', reason: 'blocked' }, status: 503 }] : undefined);
      const down = await post({ scope: 'case', value: caseNo, principals: [{ kind: 'user', value: 'adam' }] });
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ error: { code: 'search_index_unavailable', message: expect.stringMatching(/zmianę zapisano.*ponowiona automatycznie/) } });
      expect(served.rt.restrictions.list()).toHaveLength(2); // the rule is kept …
      expect(served.rt.elasticsearch!.sync.pending()).toBe(covered.length);
      // Records staff see it on the overview: documents waiting for the index, and that they failed.
      const overview = (await (await fetch(`${served.base}/api/archive/overview`, { headers: { authorization: `Bearer ${token}` } })).json()) as { searchIndex?: unknown };
      expect(overview.searchIndex).toEqual({ backend: 'elasticsearch', waiting: covered.length, failing: covered.length });
      cluster.fail = null;
      await served.rt.elasticsearch!.sync.drain(); // … and applied by the next drain (the server runs one every few seconds)
      const doc = cluster.docs('kwerenda-documents').get(String(covered[0]));
      expect(doc).toMatchObject({ restriction_count: 2 });
    } finally {
      await served.close();
    }
  });

  it('reindexes into a new generation and switches every alias, keeping a rule added while it copied', async () => {
    const dir = await archive();
    const rt = await createRuntime(esConfig(dir), { esClient: testClient() });
    try {
      await rt.elasticsearch!.sync.drain();
      const total = cluster.docs('kwerenda-documents').size;
      const restrictions = new Restrictions(rt.db);
      new Users(rt.db).add('ewa', 'clerk');
      const last = rt.db.prepare("SELECT max(id) FROM documents WHERE status = 'ready'").pluck().get() as number;
      const first = rt.db.prepare("SELECT min(id) FROM documents WHERE status = 'ready'").pluck().get() as number;
      let added = false;
      const result = await reindexArchive(rt.elasticsearch!, rt.db, {
        batchDocuments: 2,
        onProgress: (done) => {
          if (added || done < 2) return;
          added = true;
          // An admin restricts a document not copied yet while the copy runs; the drain the
          // server would run writes it to the aliases and the announced new generation.
          restrictions.add({ scope: 'document', value: String(last), principals: [{ kind: 'user', value: 'ewa' }] }, cliOperator());
          // … and one already copied: only the drain's write to the new generation carries it there.
          restrictions.add({ scope: 'document', value: String(first), principals: [{ kind: 'role', value: 'supervisor' }] }, cliOperator());
          void rt.elasticsearch!.sync.drain();
        },
      });
      await rt.elasticsearch!.sync.drain();
      expect(result).toMatchObject({ generation: '000002', documents: total, deleted: true });
      expect(result.previous.sort()).toEqual(['chunks', 'documents', 'metadata', 'pages'].map((k) => `kwerenda-${k}-000001`));
      for (const k of ['documents', 'pages', 'chunks', 'metadata']) expect(cluster.aliases.get(`kwerenda-${k}`)).toEqual([`kwerenda-${k}-000002`]);
      expect(cluster.indices.has('kwerenda-documents-000001')).toBe(false);
      expect(cluster.docs('kwerenda-documents').size).toBe(total);
      expect(cluster.docs('kwerenda-documents').get(String(last))).toMatchObject({ status: 'ready', restriction_count: 1, restrictions: [{ principals: ['user:ewa'] }] });
      for (const c of [...cluster.docs('kwerenda-chunks').values()].filter((x) => x.doc_id === String(first))) {
        expect(c).toMatchObject({ restriction_count: 1, restrictions: [{ principals: ['role:supervisor'] }] });
      }
      expect(rt.db.prepare("SELECT count(*) FROM settings WHERE key = 'search_index_reindex'").pluck().get()).toBe(0);
    } finally {
      await rt.close();
    }
  });

  it('reindexing an archive just moved to Elasticsearch makes the queued first fill unnecessary', async () => {
    const rt = await createRuntime(esConfig(await archive()), { esClient: testClient() });
    try {
      const ready = rt.db.prepare("SELECT count(*) FROM documents WHERE status = 'ready'").pluck().get() as number;
      expect(rt.elasticsearch!.sync.pending()).toBe(ready); // what the first start queued
      const result = await reindexArchive(rt.elasticsearch!, rt.db);
      expect(result).toMatchObject({ generation: '000002', documents: ready });
      expect(rt.elasticsearch!.sync.pending()).toBe(0); // covered by the copy, not written again document by document
      expect(cluster.docs('kwerenda-documents').size).toBe(ready);
    } finally {
      await rt.close();
    }
  });

  it('stops a start on an unreachable cluster with a readable reason and no password', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-es-down-'));
    dirs.push(dir);
    cluster.fail = () => [401, { error: { type: 'security_exception', reason: 'unable to authenticate' }, status: 401 }];
    const config = loadConfig({ KWERENDA_DATA_DIR: dir, ...ES_ENV, ELASTICSEARCH_URL: 'http://kwerenda:tajne-haslo-123@es.test:9200' });
    const err = await createRuntime(config, { esClient: testClient() }).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/^Elasticsearch http:\/\/es\.test:9200 nie jest dostępny: odmowa dostępu \(401\)/);
    expect(err?.message).not.toContain('tajne');
  });
});
