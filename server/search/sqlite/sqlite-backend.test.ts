/**
 * What only the SQLite backend has to get right: an archive being written while it is searched
 * (by this connection or by an ingest worker's own), an archive with nothing in it yet, and a
 * database that fails. Behaviour shared with other backends lives in test/contract.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../../ingest/embed.js';
import { openDb } from '../../store/db.js';
import { UNRESTRICTED_VIEWER as ALL } from '../../domain/types.js';
import { SEED_DOCUMENTS, wordsOf, type SeedDocument } from '../../../test/contract/seed-documents.js';
import { seedSqlite, sqliteHarness } from '../../../test/contract/sqlite-harness.js';

const embedder = new HashingEmbedder();
const ready = SEED_DOCUMENTS.filter((d) => d.status === 'ready');

/** A new ready document: a decision on a parcel in Żerniki, in its own case. */
function newDecision(n: number): SeedDocument {
  const text = `Wrocław, 3 marca 2021 r.\nWUA-ZRB.6740.1.${n}.2021\nDECYZJA o pozwoleniu na budowę wiaty rowerowej na działce nr ${n}/2, obręb Żerniki.`;
  const start = text.indexOf(`${n}/2`);
  return {
    sha256: String(n).padStart(64, 'f'),
    filename: `decyzja_${n}.pdf`, kind: 'pdf', title: 'DECYZJA', status: 'ready',
    caseNumber: `WUA-ZRB.6740.1.${n}.2021`, docType: 'decyzja o pozwoleniu na rozbiórkę', docDate: '2021-03-03',
    pages: [{ page: 1, text, words: wordsOf(text), source: 'text-layer' }],
    metadata: [{ kind: 'parcel', value: `${n}/2`, raw: `${n}/2`, page: 1, start, end: start + `${n}/2`.length, origin: 'text', extra: { obreb: 'Żerniki' } }],
  };
}

describe('SqliteSearchBackend on a changing archive', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('answers on an empty archive without failing', async () => {
    const h = await sqliteHarness();
    close = h.close;
    expect(await h.backend.keyword({ terms: [{ forms: [{ text: 'decyzja' }] }], match: 'all' }, { limit: 10, viewer: ALL })).toEqual([]);
    expect(await h.backend.vector(embedder.embedOne('decyzja'), { limit: 10, viewer: ALL })).toEqual([]);
    expect(await h.backend.listDocuments({ docType: 'decyzja', precinct: 'Oporów' }, 10, ALL)).toEqual([]);
    expect(await h.backend.stats(ALL)).toEqual({ documents: 0, pages: 0, chunks: 0 });
    expect(await h.backend.health()).toEqual({ ok: true, backend: 'sqlite' });
  });

  for (const vectorSearch of ['memory', 'vec0'] as const) {
    it(`sees documents written after its first searches (${vectorSearch} vectors, own connection)`, async () => {
      const h = await sqliteHarness({ vectorSearch });
      close = h.close;
      await h.seed(ready);
      const query = embedder.embedOne('pozwolenie na budowę wiaty rowerowej Żerniki');
      const before = await h.backend.vector(query, { limit: 50, viewer: ALL });
      expect(await h.backend.listDocuments({ docType: 'decyzja o pozwoleniu na rozbiórkę' }, 10, ALL)).toEqual([]);
      expect(await h.backend.listDocuments({ precinct: 'zerniki' }, 10, ALL)).toEqual([]);

      await h.seed([newDecision(501)]);
      const [added] = await h.backend.listDocuments({ precinct: 'zerniki' }, 10, ALL);
      expect(added).toBeDefined();
      expect(await h.backend.listDocuments({ docType: 'decyzja o pozwoleniu na roz' }, 10, ALL)).toEqual([added]);
      const after = await h.backend.vector(query, { limit: 50, viewer: ALL });
      expect(after[0]!.documentId).toBe(added);
      expect(after).toHaveLength(before.length + 1);
      const onlyNew = await h.backend.vector(query, { limit: 5, filters: { precinct: 'Żerniki' }, viewer: ALL });
      expect(onlyNew.map((x) => x.documentId)).toEqual([added]);
    });
  }

  it('sees documents an ingest worker wrote through its own connection', async () => {
    const h = await sqliteHarness();
    close = h.close;
    await h.seed(ready);
    const query = embedder.embedOne('pozwolenie na budowę wiaty rowerowej Żerniki');
    await h.backend.vector(query, { limit: 5, viewer: ALL }); // builds the in-memory index
    await h.backend.listDocuments({ precinct: 'Oporów' }, 10, ALL); // fills the precinct cache

    const worker = openDb(h.dataDir);
    await seedSqlite(worker, h.dataDir, [newDecision(502)]);
    worker.close();

    const [added] = await h.backend.listDocuments({ precinct: 'Żerniki', parcel: '502/2' }, 10, ALL);
    expect(added).toBeDefined();
    expect((await h.backend.vector(query, { limit: 1, viewer: ALL }))[0]!.documentId).toBe(added);
    expect(await h.backend.metadata({ kind: 'parcel', value: '502/2', precinct: 'ZERNIKI' }, { limit: 5, viewer: ALL })).toHaveLength(1);
  });

  it('drops a re-indexed or withdrawn document from vector results', async () => {
    const h = await sqliteHarness();
    close = h.close;
    await h.seed([...ready, newDecision(503)]);
    const query = embedder.embedOne('pozwolenie na budowę wiaty rowerowej Żerniki');
    const [first] = await h.backend.vector(query, { limit: 1, viewer: ALL });
    h.db.prepare("UPDATE documents SET status = 'staging' WHERE id = ?").run(Number(first!.documentId));
    const after = await h.backend.vector(query, { limit: 50, viewer: ALL });
    expect(after.map((x) => x.documentId)).not.toContain(first!.documentId);
  });

  it('scores keyword hits higher-is-better and vector hits as cosine similarity', async () => {
    const h = await sqliteHarness();
    close = h.close;
    await h.seed(ready);
    const text = ready[1]!.pages[0]!.text;
    const vec = await h.backend.vector(embedder.embedOne(text), { limit: 20, viewer: ALL });
    expect(vec[0]!.score).toBeCloseTo(1, 2); // the same text: cosine 1
    for (const x of vec) expect(Math.abs(x.score)).toBeLessThanOrEqual(1);
    const kw = await h.backend.keyword({ terms: [{ forms: [{ text: 'budynku' }] }], match: 'any' }, { limit: 20, viewer: ALL });
    expect(kw.length).toBeGreaterThan(1);
    for (const x of kw) expect(x.score).toBeGreaterThan(0);
  });

  it('reports itself unhealthy, with the reason, when the database is gone', async () => {
    const h = await sqliteHarness();
    close = h.close;
    h.db.close();
    const health = await h.backend.health();
    expect(health.ok).toBe(false);
    expect(health.backend).toBe('sqlite');
    expect(health.detail).toMatch(/database connection is not open/i);
  });
});
