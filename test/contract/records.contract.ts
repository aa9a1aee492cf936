/** Contract: chunks, documents and pages by id (what citations and the viewer read), health, stats. */
import { describe, expect, it } from 'vitest';
import { ALL, READY_SEEDS, SEED, term, type ContractContext } from './contract-kit.js';
import { bySeedName } from './seed-documents.js';

/** Ids no backend can have issued for a ready document. */
const BAD_IDS = ['', '0', '-1', 'abc', '1e3', ' 1', '1.0', '٣', '999999999', '9'.repeat(40), "1' OR '1'='1", '\u0000'];

export function recordsContract(ctx: ContractContext): void {
  describe('chunks and documentChunks', () => {
    it('returns chunks in the order asked, each quoting its page exactly', async () => {
      const hits = await ctx.backend().keyword({ terms: [term('Wrocław')], match: 'all' }, { limit: 3, viewer: ALL });
      expect(hits.length).toBeGreaterThanOrEqual(2);
      const [a, b] = [hits[0]!.chunkId, hits[1]!.chunkId];
      const got = await ctx.backend().chunks([b, 'abc', a, '999999999', '', b], ALL);
      expect(got.map((c) => c.chunkId)).toEqual([b, a]);
      for (const c of got) {
        const page = await ctx.backend().page(c.documentId, c.page, ALL);
        expect(page!.text.slice(c.start, c.end)).toBe(c.text);
      }
      expect(await ctx.backend().chunks([], ALL)).toEqual([]);
    });

    it("lists a document's chunks in page order, covering every page", async () => {
      const id = ctx.idOf(SEED.permit);
      const chunks = await ctx.backend().documentChunks(id, 100, ALL);
      expect(chunks.length).toBeGreaterThanOrEqual(3); // the second page is long
      expect(new Set(chunks.map((c) => c.page))).toEqual(new Set([1, 2]));
      for (let i = 1; i < chunks.length; i++) {
        const [p, c] = [chunks[i - 1]!, chunks[i]!];
        expect(c.page > p.page || (c.page === p.page && c.start > p.start)).toBe(true);
      }
      for (const c of chunks) expect(c.documentId).toBe(id);
      expect(await ctx.backend().documentChunks(id, 1, ALL)).toEqual([chunks[0]]);
      expect(await ctx.backend().documentChunks(id, 0, ALL)).toEqual([]);
    });
  });

  describe('document, documents, page', () => {
    it('returns a document with its metadata', async () => {
      const seed = bySeedName(SEED.order);
      const doc = await ctx.backend().document(ctx.idOf(SEED.order), ALL);
      expect(doc).toMatchObject({
        id: ctx.idOf(SEED.order),
        title: 'POSTANOWIENIE',
        caseNumber: 'UA-AB/7351/784/2010',
        docType: 'postanowienie',
        date: '2010-06-02',
        source: { filename: seed.filename, sha256: seed.sha256 },
        pageCount: 1,
        kind: 'tiff',
        ocrPages: 1,
      });
      expect(doc!.metadata).toHaveLength(seed.metadata.length);
      expect(doc!.metadata.every((m) => m.documentId === doc!.id)).toBe(true);
      expect(doc!.metadata.find((m) => m.kind === 'parcel')).toMatchObject({ value: '12/3', extra: { obreb: 'Leśnica' } });
      const undated = await ctx.backend().document(ctx.idOf(SEED.application), ALL);
      expect(undated!.date).toBeNull();
      expect(undated!.ocrPages).toBe(0);
    });

    it('returns several documents in the order asked, without unknown or repeated ids', async () => {
      const [z, p] = [ctx.idOf(SEED.zoning), ctx.idOf(SEED.permit)];
      const docs = await ctx.backend().documents([z, 'abc', p, z, '999999999'], ALL);
      expect(docs.map((d) => d.id)).toEqual([z, p]);
      expect(await ctx.backend().documents([], ALL)).toEqual([]);
    });

    it('returns a stored page with its words and boxes', async () => {
      const seed = bySeedName(SEED.permit);
      const page = await ctx.backend().page(ctx.idOf(SEED.permit), 1, ALL);
      expect(page).toMatchObject({ documentId: ctx.idOf(SEED.permit), page: 1, text: seed.pages[0]!.text, source: 'text-layer' });
      expect(page!.words).toHaveLength(seed.pages[0]!.words.length);
      for (const [i, w] of page!.words.entries()) {
        const [start, end, x0, y0, x1, y1, confidence] = w;
        const want = seed.pages[0]!.words[i]!;
        expect([start, end]).toEqual([want.start, want.end]);
        expect(x0).toBeCloseTo(want.box.x0, 3);
        expect(0 <= x0 && x0 < x1 && x1 <= 1 && 0 <= y0 && y0 < y1 && y1 <= 1).toBe(true);
        expect(confidence).toBe(want.confidence);
      }
      expect((await ctx.backend().page(ctx.idOf(SEED.order), 1, ALL))!.source).toBe('ocr');
      expect(await ctx.backend().page(ctx.idOf(SEED.permit), 3, ALL)).toBeNull();
      expect(await ctx.backend().page(ctx.idOf(SEED.permit), 0, ALL)).toBeNull();
      expect(await ctx.backend().page(ctx.idOf(SEED.permit), 1.5, ALL)).toBeNull();
    });

    it('treats malformed and unknown ids as not found', async () => {
      for (const id of BAD_IDS) {
        expect(await ctx.backend().document(id, ALL)).toBeNull();
        expect(await ctx.backend().page(id, 1, ALL)).toBeNull();
        expect(await ctx.backend().documentChunks(id, 10, ALL)).toEqual([]);
        expect(await ctx.backend().documents([id], ALL)).toEqual([]);
        expect(await ctx.backend().chunks([id], ALL)).toEqual([]);
      }
    });

    it('hides every part of a document that is not ready, whatever its id', async () => {
      // Backends with small numeric ids would reveal the draft here if they forgot the status.
      for (let n = 1; n <= 40; n++) {
        const id = String(n);
        if ((await ctx.backend().document(id, ALL)) !== null) continue;
        expect(await ctx.backend().page(id, 1, ALL)).toBeNull();
        expect(await ctx.backend().documentChunks(id, 10, ALL)).toEqual([]);
      }
    });
  });

  describe('health and stats', () => {
    it('reports a healthy backend under its own id', async () => {
      expect(await ctx.backend().health()).toMatchObject({ ok: true, backend: ctx.backend().id });
    });

    it('counts ready documents, their pages and their chunks', async () => {
      const stats = await ctx.backend().stats(ALL);
      expect(stats.documents).toBe(READY_SEEDS.length);
      expect(stats.pages).toBe(READY_SEEDS.reduce((n, d) => n + d.pages.length, 0));
      let chunks = 0;
      for (const d of READY_SEEDS) chunks += (await ctx.backend().documentChunks(ctx.idOf(d.filename), 1000, ALL)).length;
      expect(stats.chunks).toBe(chunks);
    });
  });
}
