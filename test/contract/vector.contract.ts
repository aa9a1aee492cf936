/** Contract: vector search by cosine similarity, with filters that must not make results vanish. */
import { describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../ingest/embed.js';
import type { SearchFilters } from '../../server/domain/types.js';
import { ALL, SEED, STAGING_SEED, expectBestFirst, type ContractContext } from './contract-kit.js';
import { bySeedName } from './seed-documents.js';

const embedder = new HashingEmbedder();
const embed = (text: string) => embedder.embedOne(text);

export function vectorContract(ctx: ContractContext): void {
  const search = (text: string, limit = 20, filters?: SearchFilters) => ctx.backend().vector(embed(text), { limit, filters, viewer: ALL });

  describe('vector', () => {
    it('ranks the passage closest in wording first', async () => {
      const text = bySeedName(SEED.order).pages[0]!.text;
      const hits = await search(text);
      expect(ctx.nameOf(hits[0]!.documentId)).toBe(SEED.order);
      expectBestFirst(hits); // scores are the backend's own; only their order is the contract
      const paraphrase = await search('wezwanie do uzupełnienia braków formalnych wniosku spółdzielni');
      expect(ctx.nameOf(paraphrase[0]!.documentId)).toBe(SEED.order);
    });

    it('honours the limit and returns every ready chunk at most once', async () => {
      expect(await search('pozwolenie na budowę', 3)).toHaveLength(3);
      expect(await search('pozwolenie na budowę', 0)).toEqual([]);
      const everything = await search('pozwolenie na budowę', 500);
      const stats = await ctx.backend().stats(ALL);
      expect(everything).toHaveLength(stats.chunks);
      expect(new Set(everything.map((h) => h.chunkId)).size).toBe(everything.length);
    });

    it('never shows a document that is not ready', async () => {
      const hits = await search(STAGING_SEED.pages[0]!.text, 500);
      expect(hits.length).toBeGreaterThan(0);
      expect(ctx.docsOf(hits)).not.toContain('?');
    });

    it('applies filters without losing matches ranked far below the limit', async () => {
      const permitText = bySeedName(SEED.permit).pages[0]!.text;
      const zoning = await search(permitText, 2, { docType: 'decyzja o warunkach' });
      expect(ctx.docsOf(zoning)).toEqual([SEED.zoning]);
      expect(ctx.docsOf(await search(permitText, 5, { precinct: 'Leśnica' }))).toEqual([SEED.order]);
      expect(ctx.docsOf(await search(permitText, 5, { dateTo: '2012-12-31' }))).toEqual([SEED.order]);
      expect(ctx.docsOf(await search(permitText, 5, { caseNumber: 'ua-ab/7351/784/2010' }))).toEqual([SEED.order]);
      const onParcel = await search(permitText, 10, { parcel: '45/7', precinct: 'oporów' });
      expect(ctx.docsOf(onParcel).sort()).toEqual([SEED.permit, SEED.application].sort());
      expect(await search(permitText, 5, { parcel: '999/9' })).toEqual([]);
    });

    it('rejects an embedding of the wrong size', async () => {
      await expect(ctx.backend().vector(new Float32Array(7), { limit: 5, viewer: ALL })).rejects.toThrow();
    });
  });
}
