import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../ingest/embed.js';
import { seedSqlite } from '../../test/contract/sqlite-harness.js';
import { wordsOf, type SeedDocument } from '../../test/contract/seed-documents.js';
import { tempDir } from '../../test/helpers/paths.js';
import { getSetting, openDb, type Db } from './db.js';
import { VectorBackground } from './vector-background.js';
import { tagVectors } from './vector-generations.js';

const TOPICS = ['pozwolenie na budowę garażu', 'warunki zabudowy dla hali', 'rozbiórka szopy', 'zgłoszenie ogrodzenia', 'podział działki'];

function doc(i: number): SeedDocument {
  const text = `Pismo nr ${i}. Sprawa dotyczy: ${TOPICS[i % TOPICS.length]} na działce nr ${i}/3 w obrębie ${i % 2 ? 'Oporów' : 'Leśnica'}.`;
  return {
    sha256: i.toString(16).padStart(64, '0'), filename: `pismo-${i}.pdf`, kind: 'pdf', title: `Pismo ${i}`, caseNumber: null,
    docType: 'pismo', docDate: null, status: 'ready', metadata: [], pages: [{ page: 1, text, words: wordsOf(text), source: 'text-layer' }],
  };
}

describe('the question against the archive at large', () => {
  let db: Db;
  const embedder = new HashingEmbedder();
  const query = async (text: string) => tagVectors(await embedder.embed([text], 'query'), getSetting(db, 'embedder')!)[0]!;

  beforeAll(async () => {
    const dir = tempDir('background');
    db = openDb(dir);
    await seedSqlite(db, dir, Array.from({ length: 60 }, (_, i) => doc(i)));
  });
  afterAll(() => db.close());

  it('gives the mean and spread of the question\'s similarity to a sample of the archive', async () => {
    const b = new VectorBackground(db).of(await query('pozwolenie na budowę garażu'));
    expect(b).not.toBeNull();
    expect(b!.mean).toBeGreaterThan(-1);
    expect(b!.mean).toBeLessThan(1);
    expect(b!.spread).toBeGreaterThan(0);
  });

  it('leaves restricted documents out of the sample, also those restricted after it was taken', async () => {
    const background = new VectorBackground(db);
    expect(background.of(await query('rozbiórka szopy'))).not.toBeNull();
    // 30 of 60 restricted: too few open chunks remain for a background.
    db.prepare('UPDATE documents SET restricted = 1 WHERE id % 2 = 0').run();
    try {
      expect(background.of(await query('rozbiórka szopy'))).toBeNull();
    } finally {
      db.prepare('UPDATE documents SET restricted = 0').run();
    }
    expect(background.of(await query('rozbiórka szopy'))).not.toBeNull();
  });

  it('has none for a question embedded by another model than the archive\'s vectors', async () => {
    const [v] = tagVectors(await embedder.embed(['rozbiórka szopy'], 'query'), 'openai:other-model:12345678:384');
    expect(new VectorBackground(db).of(v!)).toBeNull();
  });
});
