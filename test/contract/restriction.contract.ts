/**
 * Contract: restricted documents never leak, through any method. On its own seeded harness:
 * the permit is restricted to user anna; the zoning decision to role supervisor; the refusal by two
 * rules at once — [anna, supervisors] and [clerks] — so only anna (a clerk) passes both. Every
 * viewer but the system's own (UNRESTRICTED_VIEWER) sees exactly what the rules admit, and limits,
 * lookups and counts behave as if the hidden documents did not exist. The viewers query the backend
 * before the rules are added, so caches built then (the in-memory vector index, value lists) must
 * not keep showing what the rules hide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../ingest/embed.js';
import { UNRESTRICTED_VIEWER, type DocumentId, type KeywordQuery, type Viewer } from '../../server/domain/types.js';
import type { SearchBackend } from '../../server/search/backend.js';
import { ALL, READY_SEEDS, SEED, term } from './contract-kit.js';
import type { BackendHarness } from './search-backend.contract.js';
import { SEED_DOCUMENTS, bySeedName } from './seed-documents.js';

const embedder = new HashingEmbedder();

const anna: Viewer = { userId: 11, name: 'anna', role: 'clerk' };
const ewa: Viewer = { userId: 12, name: 'ewa', role: 'clerk' };
const sonia: Viewer = { userId: 13, name: 'sonia', role: 'supervisor' };
const adam: Viewer = { userId: 14, name: 'adam', role: 'admin' };
/** Looks like the system's viewer but is not it: an ordinary viewer. */
const lookalike: Viewer = { ...UNRESTRICTED_VIEWER };

const OPEN = [SEED.order, SEED.application];
const VISIBLE: [string, Viewer, string[]][] = [
  ['anna (named user, and the only clerk both refusal rules admit)', anna, [SEED.permit, SEED.refusal, ...OPEN]],
  ['ewa (clerk)', ewa, OPEN],
  ['sonia (supervisor)', sonia, [SEED.zoning, ...OPEN]],
  ['adam (admin: not exempt)', adam, OPEN],
  ['a copy of the system viewer', lookalike, OPEN],
  ['the system (UNRESTRICTED_VIEWER)', ALL, READY_SEEDS.map((d) => d.filename)],
];

const phrase = (text: string, index: KeywordQuery['index'] = 'words'): KeywordQuery => ({ terms: [term(text)], match: 'all', index });

export function restrictionContract(makeHarness: () => Promise<BackendHarness>): void {
  describe('restricted documents', () => {
    let harness: BackendHarness;
    let b: SearchBackend;
    const ids = new Map<string, DocumentId>();
    const id = (f: string) => ids.get(f)!;
    const names = (hits: { documentId: DocumentId }[]) => {
      const byId = new Map([...ids].map(([f, i]) => [i, f]));
      return [...new Set(hits.map((h) => byId.get(h.documentId) ?? '?'))].sort();
    };

    beforeAll(async () => {
      harness = await makeHarness();
      b = harness.backend;
      await harness.seed(SEED_DOCUMENTS);
      for (const d of await b.documents(await b.listDocuments({}, 100, ALL), ALL)) {
        const seed = SEED_DOCUMENTS.find((s) => s.sha256 === d.source.sha256);
        if (seed) ids.set(seed.filename, d.id);
      }
      // Warm every cache as the viewers, then restrict.
      for (const [, v] of VISIBLE) {
        await b.vector(embedder.embedOne('pozwolenie na budowę'), { limit: 50, viewer: v });
        await b.keyword(phrase('Wrocław'), { limit: 50, viewer: v });
        await b.listDocuments({ precinct: 'Oporów' }, 50, v);
      }
      await harness.restrict(id(SEED.permit), [{ kind: 'user', value: 'anna' }]);
      await harness.restrict(id(SEED.zoning), [{ kind: 'role', value: 'supervisor' }]);
      await harness.restrict(id(SEED.refusal), [{ kind: 'user', value: 'anna' }, { kind: 'role', value: 'supervisor' }]);
      await harness.restrict(id(SEED.refusal), [{ kind: 'role', value: 'clerk' }]);
    });

    afterAll(async () => {
      await harness?.close();
    });

    it.each(VISIBLE)('lists, loads and counts exactly what %s may read', async (_who, viewer, visible) => {
      expect(names((await b.listDocuments({}, 100, viewer)).map((documentId) => ({ documentId })))).toEqual([...visible].sort());
      const all = READY_SEEDS.map((d) => id(d.filename));
      expect(names((await b.documents(all, viewer)).map((d) => ({ documentId: d.id })))).toEqual([...visible].sort());
      for (const d of READY_SEEDS) {
        const may = visible.includes(d.filename);
        expect(await b.document(id(d.filename), viewer), d.filename).toEqual(may ? await b.document(id(d.filename), ALL) : null);
        expect(await b.page(id(d.filename), 1, viewer), d.filename).toEqual(may ? await b.page(id(d.filename), 1, ALL) : null);
        const chunks = await b.documentChunks(id(d.filename), 100, ALL);
        expect(await b.documentChunks(id(d.filename), 100, viewer)).toEqual(may ? chunks : []);
        expect(await b.chunks(chunks.map((c) => c.chunkId), viewer)).toEqual(may ? chunks : []);
      }
      let pages = 0;
      let chunks = 0;
      for (const f of visible) {
        pages += bySeedName(f).pages.length;
        chunks += (await b.documentChunks(id(f), 1000, ALL)).length;
      }
      expect(await b.stats(viewer)).toEqual({ documents: visible.length, pages, chunks });
    });

    it.each(VISIBLE)('offers the document types of exactly what %s may read', async (_who, viewer, visible) => {
      const counts = new Map<string, number>();
      for (const f of visible) {
        const t = bySeedName(f).docType;
        if (t) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      const got = await b.docTypes(viewer);
      expect(new Map(got.map((t) => [t.value, t.count]))).toEqual(counts);
    });

    it.each(VISIBLE)('finds by keyword, in both indexes, only what %s may read', async (_who, viewer, visible) => {
      for (const index of ['words', 'substring'] as const) {
        const sig = await b.keyword(phrase('WUA-ZWZ.6730.2.1444.2018', index), { limit: 10, viewer });
        expect(names(sig), index).toEqual(visible.includes(SEED.zoning) ? [SEED.zoning] : []);
        const street = await b.keyword(phrase('Jeździecka', index), { limit: 10, viewer });
        expect(names(street), index).toEqual([SEED.permit, SEED.application].filter((f) => visible.includes(f)).sort());
        const nowak = await b.keyword(phrase('Anny Nowak', index), { limit: 10, viewer });
        expect(names(nowak), index).toEqual(visible.includes(SEED.refusal) ? [SEED.refusal] : []);
      }
      // Hidden documents do not use up the limit: the page is filled from what the viewer may read.
      const common = await b.keyword({ terms: [term('Wrocław'), term('budowlane'), term('wniosku')], match: 'any' }, { limit: 2, viewer });
      expect(common).toHaveLength(2);
      expect(names(common).every((f) => visible.includes(f))).toBe(true);
    });

    it.each(VISIBLE)('finds by vector only what %s may read, filtered or not', async (_who, viewer, visible) => {
      const permitText = embedder.embedOne(bySeedName(SEED.permit).pages[0]!.text);
      const top = await b.vector(permitText, { limit: 1, viewer });
      expect(top).toHaveLength(1);
      expect(visible).toContain(names(top)[0]);
      if (visible.includes(SEED.permit)) expect(names(top)).toEqual([SEED.permit]);
      const everything = await b.vector(permitText, { limit: 500, viewer });
      expect(names(everything)).toEqual([...visible].sort());
      expect(everything).toHaveLength((await b.stats(viewer)).chunks);
      const oporow = await b.vector(permitText, { limit: 50, viewer, filters: { precinct: 'Oporów' } });
      expect(names(oporow)).toEqual([SEED.permit, SEED.refusal, SEED.application].filter((f) => visible.includes(f)).sort());
    });

    it.each(VISIBLE)('looks up identifiers only in what %s may read (a hidden mention is no mention)', async (_who, viewer, visible) => {
      const meta = (kind: 'parcel' | 'caseNumber' | 'investor', value: string, precinct?: string) =>
        b.metadata({ kind, value, ...(precinct ? { precinct } : {}) }, { limit: 50, viewer }).then(names);
      const may = (...fs: string[]) => fs.filter((f) => visible.includes(f)).sort();
      expect(await meta('parcel', '45/7', 'Oporów')).toEqual(may(SEED.permit, SEED.application));
      expect(await meta('parcel', '903', 'Oporów')).toEqual(may(SEED.refusal));
      expect(await meta('caseNumber', 'WUA-ZWZ.6730.2.1444.2018')).toEqual(may(SEED.zoning));
      expect(await meta('investor', 'Anny Nowak')).toEqual(may(SEED.refusal));
      const filed = await b.listDocuments({ caseNumber: 'WUA-ZRB.6740.1.123.2019' }, 50, viewer);
      expect(names(filed.map((documentId) => ({ documentId })))).toEqual(may(SEED.permit, SEED.application));
    });
  });
}
