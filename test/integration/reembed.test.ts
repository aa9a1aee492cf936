/**
 * `kwerenda reembed`: an archive built on the offline hashing embedder moves to a model behind an
 * OpenAI-compatible server (a small deterministic one, test/helpers/concept-embeddings.ts) without
 * re-ingesting. The CLI runs as a user runs it (`node bin/kwerenda.js`, built dist/): it moves every
 * chunk to the new model's vectors, survives `kill -9` and ends as an uninterrupted run does, keeps
 * the archive answering on the old vectors meanwhile and catches up documents ingested meanwhile; a
 * server started before the switch follows it; the runtime serves an archive on its own embedder
 * when another is configured; scaled out, the index gets a new generation of the new size.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { UNRESTRICTED_VIEWER } from '../../server/domain/types.js';
import { HashingEmbedder } from '../../ingest/embed.js';
import { configuredSpec, createEmbedder, createRuntime } from '../../server/runtime.js';
import { ES_URL, testClient } from '../../server/search/elasticsearch/es-test-kit.js';
import { SqliteSearchBackend } from '../../server/search/sqlite/sqlite-backend.js';
import { reembedArchive } from '../../server/services/reembed.service.js';
import { openDb, type Db } from '../../server/store/db.js';
import { cliOperator } from '../../server/store/users.js';
import { seedSqlite } from '../contract/sqlite-harness.js';
import { wordsOf, type SeedDocument } from '../contract/seed-documents.js';
import { conceptVector, CONCEPT_DIMENSIONS, startConceptServer, type ConceptServer } from '../helpers/concept-embeddings.js';
import { memoryCluster } from '../helpers/es-memory-cluster.js';
import { serveArchive } from '../helpers/http-server.js';
import { tempDir } from '../helpers/paths.js';
import { reembedCli, type CliRun } from '../helpers/reembed-cli.js';

function doc(filename: string, text: string): SeedDocument {
  return {
    sha256: createHash('sha256').update(`reembed:${filename}`).digest('hex'),
    filename, kind: 'pdf', title: null, caseNumber: null, docType: null, docDate: null, status: 'ready', metadata: [],
    pages: [{ page: 1, text, words: wordsOf(text), source: 'text-layer' }],
  };
}

const GARAGE = doc('garaz.pdf', 'Decyzja o pozwoleniu na budowę budynku garażowego dwustanowiskowego na działce nr 12/4 obręb Leśnica.');
const FENCE = doc('ogrodzenie.pdf', 'Zgłoszenie budowy ogrodzenia od strony ulicy Jeziornej, wysokość do 1,8 m, przęsła stalowe.');
const TOPICS = ['remontu elewacji', 'rozbiórki komina', 'wymiany okien', 'przebudowy dachu', 'budowy wiaty', 'docieplenia ściany', 'przyłącza wodociągowego', 'zmiany sposobu użytkowania'];
const FILLERS = Array.from({ length: 38 }, (_, i) =>
  doc(`pismo_${i}.pdf`, `Pismo nr ${i + 1}/2021 w sprawie ${TOPICS[i % TOPICS.length]} budynku przy ulicy Kwiatowej ${i + 3}; termin ${(i % 28) + 1} dnia.`),
);
const DOCS = [GARAGE, FENCE, ...FILLERS];
/** Ingested while a reembed runs. */
const LATE = doc('pozniejszy.pdf', 'Wniosek o wydanie warunków zabudowy dla garażu blaszanego, złożony w trakcie przeliczania.');

let stub: ConceptServer;
const dirs: string[] = [];
beforeAll(async () => {
  stub = await startConceptServer();
});
afterAll(async () => {
  await stub.close();
});
afterEach(() => {
  stub.delayMs = 0;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function archive(docs = DOCS): Promise<string> {
  const dir = tempDir('reembed');
  dirs.push(dir);
  const db = openDb(dir);
  try {
    await seedSqlite(db, dir, docs);
  } finally {
    db.close();
  }
  return dir;
}

const modelEnv = (model = 'stub-a') => ({ EMBEDDINGS_BASE_URL: stub.baseUrl, EMBEDDINGS_MODEL: model, EMBEDDINGS_PREFIXES: 'none' as const });

/** `kwerenda reembed` in a child process (asynchronously: the stub answers from this process). */
function reembed(dataDir: string, args: string[] = [], env: Record<string, string> = modelEnv(), onSpawn?: (kill: () => void) => void): Promise<CliRun> {
  return reembedCli(dataDir, args, env, onSpawn);
}

const setting = (db: Db, key: string) => db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;

/** Chunk text → its live vector (bytes as hex), for comparing archives whose ids may differ. */
function liveVectors(db: Db): Map<string, string> {
  const table = setting(db, 'vector_table') ?? 'chunk_vectors';
  const rows = db.prepare(`SELECT c.text, v.embedding FROM chunks c JOIN ${table} v ON v.rowid = c.id`).all() as { text: string; embedding: Buffer }[];
  return new Map(rows.map((r) => [r.text, r.embedding.toString('hex')]));
}

function normalised(v: number[]): Float32Array {
  const f = Float32Array.from(v);
  const n = Math.sqrt(f.reduce((s, x) => s + x * x, 0));
  return f.map((x) => x / n);
}

/** Rows in the table a running reembed fills (0 before it made one). */
function targetRows(db: Db): number {
  const raw = setting(db, 'reembed_target');
  if (!raw) return 0;
  return db.prepare(`SELECT count(*) FROM ${(JSON.parse(raw) as { table: string }).table}`).pluck().get() as number;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const hash = new HashingEmbedder();

describe('kwerenda reembed', () => {
  it('moves the archive to the configured model: every chunk gets its vector, the old table goes, a server started before follows, a second run has nothing to do', async () => {
    const dir = await archive();
    const served = await serveArchive(dir); // on the offline default, before the switch
    try {
      // On character n-grams the question shares nothing with the garage permit.
      const question = { question: 'parking samochodowy', limit: 3 };
      expect((await served.rt.agent.search(question, cliOperator())).results[0]?.document.source.sha256).not.toBe(GARAGE.sha256);
      const stale = (await served.rt.embedder.embed(['ogrodzenie'], 'query'))[0]!;
      const late = LATE.pages[0]!.text;
      const stalePassages = await served.rt.embedder.embed([late], 'passage');
      expect(await served.rt.backend.vector(stale, { limit: 3, viewer: UNRESTRICTED_VIEWER })).not.toEqual([]);

      const run = await reembed(dir);
      expect(run.stderr).not.toMatch(/Błąd/);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Archiwum przełączone na model stub-a/);
      expect(run.stderr).toMatch(/Fragmenty z nowymi wektorami: \d+\/\d+/);

      const db = openDb(dir);
      try {
        const key = setting(db, 'embedder')!;
        expect(key).toMatch(new RegExp(`^openai:stub-a:[0-9a-f]{8}:${CONCEPT_DIMENSIONS}$`));
        expect(JSON.parse(setting(db, 'embedder_spec')!)).toEqual({
          kind: 'openai', baseUrl: stub.baseUrl, model: 'stub-a', dimensions: CONCEPT_DIMENSIONS, queryPrefix: '', passagePrefix: '', inputType: false,
        });
        expect(setting(db, 'reembed_target')).toBeUndefined();
        expect(setting(db, 'vector_table')).toBe('chunk_vectors_g2');
        expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'chunk_vectors'").pluck().get()).toBe(0);
        const chunks = db.prepare('SELECT id, text FROM chunks').all() as { id: number; text: string }[];
        const vectors = liveVectors(db);
        expect(vectors.size).toBe(chunks.length);
        for (const c of chunks) {
          expect(vectors.get(c.text)).toBe(Buffer.from(normalised(conceptVector(c.text, 'stub-a')).buffer).toString('hex'));
        }
        const audit = db.prepare("SELECT actor_name AS who, details FROM audit_events WHERE action = 'embeddings.reembedded'").all() as { who: string; details: string }[];
        expect(audit).toHaveLength(1);
        expect(audit[0]!.who).toMatch(/^cli:/);
        expect(JSON.parse(audit[0]!.details)).toMatchObject({ from: 'hash-ngram-v1:384', to: key, chunks: chunks.length });
      } finally {
        db.close();
      }

      // The server started on the old embedder: its next search embeds with the new model and
      // searches the new vectors; a question embedded before the switch finds nothing by vector.
      expect(await served.rt.backend.vector(stale, { limit: 3, viewer: UNRESTRICTED_VIEWER })).toEqual([]);
      const answer = await served.rt.agent.search(question, cliOperator());
      expect(served.rt.embedder.dimensions).toBe(CONCEPT_DIMENSIONS);
      expect(answer.results[0]?.document.source.sha256).toBe(GARAGE.sha256);

      // Its ingest follows too: passages embedded before the switch are refused (the file is retried),
      // passages embedded now are stored and found.
      const source = path.join(dir, 'pozniejszy.pdf');
      fs.writeFileSync(source, late);
      const row = served.rt.archive.beginDocument({ sha256: LATE.sha256, size: late.length, mime: null, sourcePath: source, kind: 'pdf', pageCount: 1 });
      const finish = (vectors: Float32Array[]) =>
        served.rt.archive.finishDocument(row.id, {
          title: null, caseNumber: null, docType: null, docDate: null, metadata: [], chunks: [{ page: 1, start: 0, end: late.length, text: late }], vectors,
        });
      expect(() => finish(stalePassages)).toThrow(/moved to embeddings/);
      finish(await served.rt.embedder.embed([late], 'passage'));
      const [q] = await served.rt.embedder.embed(['warunki zabudowy dla garażu'], 'query');
      const hits = await served.rt.backend.vector(q!, { limit: 1, viewer: UNRESTRICTED_VIEWER });
      expect(hits[0]?.documentId).toBe(String(row.id));

      const again = await reembed(dir);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/nic do zrobienia/);
    } finally {
      await served.close();
    }
  });

  it('killed with SIGKILL mid-way, it resumes on a rerun and ends equal to an uninterrupted run; the archive answers on the old vectors meanwhile and a document ingested meanwhile is caught up', async () => {
    const uninterrupted = await archive([...DOCS, LATE]);
    const killed = await archive();
    const env = { ...modelEnv(), EMBEDDINGS_BATCH: '2', EMBEDDINGS_CONCURRENCY: '1' };

    stub.delayMs = 250;
    const db = openDb(killed);
    let run: CliRun;
    try {
      const backend = new SqliteSearchBackend(db);
      run = await reembed(killed, ['--batch', '2'], env, (kill) => {
        void (async () => {
          await until(() => targetRows(db) >= 6, 'some batches committed');
          // Meanwhile: searches answer on the old vectors, and a document is ingested on the old embedder.
          const [q] = await hash.embed(['ogrodzenie'], 'query');
          const hits = await backend.vector(q!, { limit: 3, viewer: UNRESTRICTED_VIEWER });
          const top = db.prepare('SELECT d.sha256 FROM documents d WHERE d.id = ?').pluck().get(Number(hits[0]?.documentId));
          expect(top).toBe(FENCE.sha256);
          await seedSqlite(db, killed, [LATE]);
          await until(() => targetRows(db) >= 10, 'more batches committed');
          kill();
        })();
      });
      expect(run.signal).toBe('SIGKILL');
      const chunks = db.prepare('SELECT count(*) FROM chunks').pluck().get() as number;
      expect(targetRows(db)).toBeGreaterThanOrEqual(10);
      expect(targetRows(db)).toBeLessThan(chunks);
      expect(setting(db, 'embedder')).toBe('hash-ngram-v1:384');
    } finally {
      db.close();
    }

    stub.delayMs = 0;
    const before = stub.requests;
    const rerun = await reembed(killed, ['--batch', '2'], env);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/wznowiono przerwane przeliczanie/);
    const rerunRequests = stub.requests - before;

    const clean = await reembed(uninterrupted, ['--batch', '2'], env);
    expect(clean.code).toBe(0);
    const cleanRequests = stub.requests - before - rerunRequests;
    // The rerun embedded only what the killed run had not stored.
    expect(rerunRequests).toBeLessThan(cleanRequests);

    const a = openDb(uninterrupted);
    const b = openDb(killed);
    try {
      expect(setting(b, 'embedder')).toBe(setting(a, 'embedder'));
      expect(liveVectors(b)).toEqual(liveVectors(a));
      expect(liveVectors(b).size).toBe(b.prepare('SELECT count(*) FROM chunks').pluck().get());
      expect(liveVectors(b).has(LATE.pages[0]!.text)).toBe(true);
    } finally {
      a.close();
      b.close();
    }
  });

  it('says plainly when the new model\'s server does not answer, and keeps what was computed', async () => {
    const dir = await archive([GARAGE, FENCE]);
    const run = await reembed(dir, [], { ...modelEnv(), EMBEDDINGS_BASE_URL: 'http://127.0.0.1:9/v1', EMBEDDINGS_DIMENSIONS: '32', EMBEDDINGS_RETRIES: '0' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Serwer embeddingów http:\/\/127\.0\.0\.1:9\/v1 \(model stub-a\) nie odpowiada .*uruchom `kwerenda reembed` ponownie/);
    const db = openDb(dir);
    try {
      expect(setting(db, 'embedder')).toBe('hash-ngram-v1:384');
    } finally {
      db.close();
    }
  });

  it('a rerun with another model drops the unfinished target and starts over for it, saying so', async () => {
    const dir = await archive();
    stub.delayMs = 250;
    const db = openDb(dir);
    try {
      const env = { ...modelEnv('stub-a'), EMBEDDINGS_BATCH: '2', EMBEDDINGS_CONCURRENCY: '1' };
      const first = await reembed(dir, ['--batch', '2'], env, (kill) => {
        void until(() => targetRows(db) >= 4, 'some batches committed').then(kill);
      });
      expect(first.signal).toBe('SIGKILL');
    } finally {
      db.close();
    }
    stub.delayMs = 0;
    const other = await reembed(dir, [], modelEnv('stub-b'));
    expect(other.code).toBe(0);
    expect(other.stdout).toMatch(new RegExp(`Przerwane przeliczanie dla innego modelu \\(openai:stub-a:[0-9a-f]{8}:${CONCEPT_DIMENSIONS}\\) porzucono`));
    const after = openDb(dir);
    try {
      expect(setting(after, 'embedder')).toMatch(/^openai:stub-b:/);
      const [text, hex] = [...liveVectors(after)][0]!;
      expect(hex).toBe(Buffer.from(normalised(conceptVector(text, 'stub-b')).buffer).toString('hex'));
    } finally {
      after.close();
    }
  });
});

describe('an archive on another embedder than the configured one', () => {
  it('keeps serving on its own embedder, with one warning naming both (no secrets) and pointing to kwerenda reembed', async () => {
    const dir = await archive();
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    let rt;
    try {
      const withCredentials = stub.baseUrl.replace('http://', 'http://kto:tajne-haslo@');
      rt = await createRuntime(loadConfig({ KWERENDA_DATA_DIR: dir, ...modelEnv(), EMBEDDINGS_BASE_URL: withCredentials, EMBEDDINGS_API_KEY: 'sekret-klucz-123' }));
    } finally {
      spy.mockRestore();
    }
    try {
      const warnings = lines.filter((l) => l.includes('embeddings.config_differs'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('hash-ngram-v1:384');
      expect(warnings[0]).toContain('stub-a');
      expect(warnings[0]).toContain('kwerenda reembed');
      expect(lines.join('')).not.toContain('sekret-klucz-123');
      expect(lines.join('')).not.toContain('tajne-haslo');
      expect(rt.embedder.dimensions).toBe(384);
      const [v] = await rt.embedder.embed(['ogrodzenie'], 'passage');
      expect(Array.from(v!)).toEqual(Array.from(hash.embedOne('ogrodzenie')));
    } finally {
      await rt.close();
    }
  });

  it('refuses an archive made by an embedding server before specs were stored, saying what to do; doing it moves the archive', async () => {
    const dir = await archive([GARAGE]);
    expect((await reembed(dir)).code).toBe(0);
    const db = openDb(dir);
    db.prepare("DELETE FROM settings WHERE key = 'embedder_spec'").run(); // as an archive made before specs were stored
    db.close();
    await expect(createRuntime(loadConfig({ KWERENDA_DATA_DIR: dir }))).rejects.toThrow(
      /nie zapisało, jak odtworzyć swój serwer embeddingów: skonfiguruj ten sam serwer \(EMBEDDINGS_\*\) i uruchom `kwerenda reembed`/,
    );
    const same = await reembed(dir);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/nic do zrobienia/);
    const moved = await reembed(dir, [], modelEnv('stub-b'));
    expect(moved.code).toBe(0);
    const after = openDb(dir);
    try {
      expect(setting(after, 'embedder')).toMatch(/^openai:stub-b:/);
    } finally {
      after.close();
    }
  });

  it('says plainly that the archive\'s own embedding server does not answer', async () => {
    const dir = await archive([GARAGE]);
    expect((await reembed(dir)).code).toBe(0);
    const db = openDb(dir);
    const spec = JSON.parse(setting(db, 'embedder_spec')!) as Record<string, unknown>;
    db.prepare("UPDATE settings SET value = ? WHERE key = 'embedder_spec'").run(JSON.stringify({ ...spec, baseUrl: 'http://127.0.0.1:9/v1' }));
    db.close();
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const rt = await createRuntime(loadConfig({ KWERENDA_DATA_DIR: dir, EMBEDDINGS_RETRIES: '0' })).finally(() => spy.mockRestore());
    try {
      await expect(rt.embedder.embed(['garaż'], 'query')).rejects.toThrow(/Serwer embeddingów archiwum \(http:\/\/127\.0\.0\.1:9\/v1, model stub-a\) nie odpowiada.*kwerenda reembed/);
    } finally {
      await rt.close();
    }
  });
});

describe('kwerenda reembed, scaled out on Elasticsearch', () => {
  it('puts the new vectors in a new index generation of the new size and switches the aliases; questions follow the index', async () => {
    const cluster = memoryCluster();
    try {
      const dir = await archive();
      const esEnv = { KWERENDA_DATA_DIR: dir, KWERENDA_BACKEND: 'elasticsearch', ELASTICSEARCH_URL: ES_URL };
      const first = await createRuntime(loadConfig(esEnv), { esClient: testClient() });
      try {
        await first.elasticsearch!.sync.drain();
      } finally {
        await first.close();
      }
      const oldChunks = [...cluster.docs('kwerenda-chunks').values()];
      expect(oldChunks.length).toBeGreaterThan(0);
      expect((oldChunks[0]!.embedding as number[]).length).toBe(384);

      const config = loadConfig({ ...esEnv, ...modelEnv() });
      const rt = await createRuntime(config, { esClient: testClient(), quietEmbedderMismatch: true });
      try {
        const embedder = await createEmbedder(config);
        const result = await reembedArchive(rt.db, embedder, configuredSpec(config, embedder.dimensions), { batch: 16, elasticsearch: rt.elasticsearch! });
        expect(result.done && result.index?.generation).toBe('000002');
        expect(cluster.aliases.get('kwerenda-chunks')).toEqual(['kwerenda-chunks-000002']);
        expect(cluster.indices.has('kwerenda-chunks-000001')).toBe(false);
        const chunks = [...cluster.docs('kwerenda-chunks').values()];
        expect(chunks).toHaveLength(oldChunks.length);
        for (const c of chunks) {
          const expected = Array.from(normalised(conceptVector(c.text as string, 'stub-a')));
          (c.embedding as number[]).forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 6));
        }
        expect(JSON.parse(setting(rt.db, 'search_index_embedder')!).key).toBe(setting(rt.db, 'embedder'));
        const [q] = await rt.embedder.embed(['parking'], 'query');
        expect(q!.length).toBe(CONCEPT_DIMENSIONS);

        // Between the archive's switch and the aliases' (as a run stopped there leaves it), questions
        // are embedded by the model the index answers with, and a question of the other model finds nothing.
        const indexAnswers = setting(rt.db, 'search_index_embedder')!;
        rt.db.prepare("UPDATE settings SET value = ? WHERE key = 'search_index_embedder'").run(
          JSON.stringify({ key: 'hash-ngram-v1:384', spec: { kind: 'hash', dimensions: 384 } }),
        );
        const [old] = await rt.embedder.embed(['parking'], 'query');
        expect(Array.from(old!)).toEqual(Array.from(hash.embedOne('parking')));
        const before = cluster.requests.length;
        expect(await rt.elasticsearch!.backend.vector(q!, { limit: 3, viewer: UNRESTRICTED_VIEWER })).toEqual([]);
        expect(cluster.requests.length).toBe(before);
        rt.db.prepare("UPDATE settings SET value = ? WHERE key = 'search_index_embedder'").run(indexAnswers);
      } finally {
        await rt.close();
      }
    } finally {
      cluster.done();
    }
  });
});
