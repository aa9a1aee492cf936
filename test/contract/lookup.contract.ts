/** Contract: metadata lookups (identifiers with their spans) and filter-only document lists. */
import { describe, expect, it } from 'vitest';
import type { MetadataQuery } from '../../server/search/backend.js';
import type { SearchFilters } from '../../server/domain/types.js';
import { ALL, SEED, type ContractContext } from './contract-kit.js';

export function lookupContract(ctx: ContractContext): void {
  const meta = (q: MetadataQuery, limit = 50, filters?: SearchFilters) => ctx.backend().metadata(q, { limit, filters, viewer: ALL });
  const metaDocs = async (q: MetadataQuery, filters?: SearchFilters) => ctx.docsOf(await meta(q, 50, filters)).sort();

  describe('metadata', () => {
    it('finds a case signature written in any variant, with spans that quote the page', async () => {
      for (const value of ['WUA-ZRB.6740.1.123.2019', 'wua-zrb. 6740.1.123.2019']) {
        const hits = await meta({ kind: 'caseNumber', value });
        expect(ctx.docsOf(hits).sort()).toEqual([SEED.permit, SEED.application].sort());
        expect(hits.every((h) => h.kind === 'caseNumber' && h.value === 'WUA-ZRB.6740.1.123.2019')).toBe(true);
        expect(hits.some((h) => h.origin === 'folder' && h.page === null)).toBe(true);
        for (const h of hits.filter((x) => x.origin === 'text')) {
          const page = await ctx.backend().page(h.documentId, h.page!, ALL);
          expect(page!.text.slice(h.start!, h.end!)).toBe(h.raw);
        }
      }
    });

    it('finds a signature among the ones documents cite, marked as a reference', async () => {
      const hits = await meta({ kind: 'caseNumber', value: '456/2016' });
      expect(ctx.docsOf(hits)).toEqual([SEED.refusal]);
      expect(hits[0]!.kind).toBe('references');
      const page = await ctx.backend().page(hits[0]!.documentId, hits[0]!.page!, ALL);
      expect(page!.text.slice(hits[0]!.start!, hits[0]!.end!)).toBe('456/2016');
      // Other kinds are not widened: a parcel is not found among references.
      expect(await meta({ kind: 'parcel', value: '456/2016' })).toEqual([]);
    });

    it('finds a parcel, in the precinct asked for when one is given', async () => {
      expect(await metaDocs({ kind: 'parcel', value: '45/7' })).toEqual([SEED.permit, SEED.refusal, SEED.application].sort());
      expect(await metaDocs({ kind: 'parcel', value: '45/7', precinct: 'oporow' })).toEqual([SEED.permit, SEED.application].sort());
      const krzyki = await meta({ kind: 'parcel', value: '45 / 7', precinct: 'Krzyki' });
      expect(ctx.docsOf(krzyki)).toEqual([SEED.refusal]);
      expect(krzyki[0]!.extra?.obreb).toBe('Krzyki');
      expect(await meta({ kind: 'parcel', value: '45/7', precinct: 'Biskupin' })).toEqual([]);
    });

    it('compares values with case and diacritics folded', async () => {
      const spoldzielnia = ['Spółdzielnię Mieszkaniową „Łąkowa”', 'SPOLDZIELNIE MIESZKANIOWA „LAKOWA”'];
      for (const value of spoldzielnia) expect(await metaDocs({ kind: 'investor', value })).toEqual([SEED.order]);
      expect(await metaDocs({ kind: 'investor', value: 'jana kowalskiego' })).toEqual([SEED.permit]); // not the draft
      expect(await metaDocs({ kind: 'address', value: 'UL. JEZDZIECKA 108' })).toEqual([SEED.permit, SEED.application].sort());
      expect(await metaDocs({ kind: 'date', value: '2010-06-02' })).toEqual([SEED.order]);
      expect(await metaDocs({ kind: 'docType', value: 'Postanowienie' })).toEqual([SEED.order]);
    });

    it('applies filters and the limit, and finds nothing for unknown values', async () => {
      const q: MetadataQuery = { kind: 'caseNumber', value: 'WUA-ZRB.6740.1.123.2019' };
      expect(await metaDocs(q, { dateFrom: '2019-01-01' })).toEqual([SEED.permit]);
      expect(await meta(q, 1)).toHaveLength(1);
      expect(await meta(q, 0)).toEqual([]);
      expect(await meta({ kind: 'caseNumber', value: 'WUA-ZRB.6740.1.999.2019' })).toEqual([]);
      expect(await meta({ kind: 'parcel', value: '' })).toEqual([]);
      expect(await meta({ kind: 'nonsense' as MetadataQuery['kind'], value: '45/7' })).toEqual([]);
    });
  });

  describe('listDocuments', () => {
    const list = async (filters: SearchFilters, limit = 50) => (await ctx.backend().listDocuments(filters, limit, ALL)).map(ctx.nameOf);

    it('lists ready documents newest first, undated last', async () => {
      expect(await list({})).toEqual([SEED.zoning, SEED.permit, SEED.refusal, SEED.order, SEED.application]);
      expect(await list({}, 2)).toEqual([SEED.zoning, SEED.permit]);
      expect(await list({}, 0)).toEqual([]);
    });

    it('applies every filter', async () => {
      expect(await list({ caseNumber: 'wua-zrb.6740.1.123.2019' })).toEqual([SEED.permit, SEED.application]);
      expect(await list({ docType: 'Decyzja' })).toEqual([SEED.zoning, SEED.permit, SEED.refusal]);
      expect(await list({ dateFrom: '2016-05-20' })).toEqual([SEED.zoning, SEED.permit, SEED.refusal]);
      expect(await list({ dateTo: '2016-05-20' })).toEqual([SEED.refusal, SEED.order]);
      expect(await list({ precinct: 'krzyki' })).toEqual([SEED.zoning, SEED.refusal]);
      expect(await list({ parcel: '71/19', precinct: 'Krzyki' })).toEqual([SEED.zoning]);
      expect(await list({ docType: 'decyzja', dateFrom: '2019-01-01', precinct: 'Oporów' })).toEqual([SEED.permit]);
      expect(await list({ caseNumber: 'nie-ma-takiej-sprawy' })).toEqual([]);
    });
  });
}
