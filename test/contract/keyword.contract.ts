/** Contract: keyword search (BM25 over chunks), its query forms, filters and hostile input. */
import { describe, expect, it } from 'vitest';
import type { KeywordQuery, QueryTerm, SearchFilters } from '../../server/domain/types.js';
import { ADVERSARIAL, ALL, SEED, expectBestFirst, term, type ContractContext } from './contract-kit.js';

const all = (...terms: QueryTerm[]): KeywordQuery => ({ terms, match: 'all' });
const any = (...terms: QueryTerm[]): KeywordQuery => ({ terms, match: 'any' });
const substring = (...terms: QueryTerm[]): KeywordQuery => ({ terms, match: 'all', index: 'substring' });

export function keywordContract(ctx: ContractContext): void {
  const docs = async (q: KeywordQuery, filters?: SearchFilters, limit = 50) =>
    ctx.docsOf(await ctx.backend().keyword(q, { limit, filters, viewer: ALL }));
  const sorted = async (q: KeywordQuery, filters?: SearchFilters) => (await docs(q, filters)).sort();

  describe('keyword', () => {
    it('with match=all finds the documents containing every term in one of its forms', async () => {
      const q = all(term('pozwolenia', 'pozwoleniu', 'pozwolenie'), term('budowę'));
      expect(await sorted(q)).toEqual([SEED.permit, SEED.application].sort());
      expect(await docs(all(term('budowę'), term('garaży')))).toEqual([]);
    });

    it('ignores case and Polish diacritics, ł included', async () => {
      for (const form of ['Łąkowa', 'łąkowa', 'LAKOWA', 'lakowa']) expect(await docs(all(term(form)))).toEqual([SEED.order]);
      expect(await sorted(all(term('OPORÓW')))).toEqual([SEED.permit, SEED.refusal, SEED.application].sort());
      expect(await sorted(all(term('oporow')))).toEqual(await sorted(all(term('Oporów'))));
    });

    it('matches inflected words through their forms or a prefix form', async () => {
      const plain = await docs(all(term('decyzji')));
      const prefixed = await docs(all(term(['decyz', true])));
      expect(plain).not.toContain(SEED.zoning);
      expect(prefixed).toContain(SEED.zoning); // "DECYZJA NR 1444/2019"
      expect(prefixed).toEqual(expect.arrayContaining(plain));
      expect(await docs(all(term(['rozbud', true])))).toEqual([SEED.refusal]);
    });

    it('finds case signatures and parcel numbers as written', async () => {
      expect(await docs(all(term('WUA-ZRB.6740.1.123.2019')))).toEqual([SEED.permit]);
      expect(await docs(all(term('UA-AB/7351/784/2010')))).toEqual([SEED.order]);
      expect(await sorted(all(term('45/7')))).toEqual([SEED.permit, SEED.refusal, SEED.application].sort());
    });

    it('finds OCR-damaged words and identifier fragments through the substring index', async () => {
      expect(await docs(all(term('pozwolenia')))).not.toContain(SEED.refusal);
      expect(await docs(substring(term('pozwo')))).toContain(SEED.refusal); // "pozwo1enia"
      expect(await docs(substring(term('ZRB.6740.1.20')))).toEqual([SEED.refusal]);
      expect(await docs(substring(term('7351/784')))).toEqual([SEED.order]);
      expect(await docs(substring(term('zabudow')))).toEqual([SEED.zoning]);
    });

    it('ignores substring forms shorter than three characters', async () => {
      expect(await docs(substring(term('45')))).toEqual([]);
      expect(await docs(substring(term('ab', 'zabudow')))).toEqual([SEED.zoning]);
    });

    it('with match=any ranks the passage that has more of the rare terms first', async () => {
      const hits = await ctx.backend().keyword(any(term('rozbudowę'), term('mieszkalnego')), { limit: 20, viewer: ALL });
      expect(ctx.nameOf(hits[0]!.documentId)).toBe(SEED.refusal);
      expect(ctx.docsOf(hits).sort()).toEqual([SEED.permit, SEED.refusal, SEED.application].sort());
      expectBestFirst(hits);
    });

    it('returns hits inside their page and honours the limit', async () => {
      const q = any(term(['wnios', true]), term('Wrocław'));
      const many = await ctx.backend().keyword(q, { limit: 50, viewer: ALL });
      expect(many.length).toBeGreaterThan(3);
      expectBestFirst(many);
      for (const h of many) expect(h.start).toBeLessThan(h.end);
      const two = await ctx.backend().keyword(q, { limit: 2, viewer: ALL });
      expect(two.map((h) => h.chunkId)).toEqual(many.slice(0, 2).map((h) => h.chunkId));
      expect(await ctx.backend().keyword(q, { limit: 0, viewer: ALL })).toEqual([]);
    });

    it('never shows a document that is not ready', async () => {
      for (const index of ['words', 'substring'] as const) {
        expect(await ctx.backend().keyword({ terms: [term('brudnopis')], match: 'all', index }, { limit: 10, viewer: ALL })).toEqual([]);
        expect(await ctx.backend().keyword({ terms: [term('niezatwierdzony'), term('roboczy')], match: 'any', index }, { limit: 10, viewer: ALL })).toEqual([]);
      }
      // The draft would rank first here; the one hit asked for must still be a ready document.
      const top = await ctx.backend().keyword(any(term('brudnopis'), term('niezatwierdzony'), term('jednorodzinnego')), { limit: 1, viewer: ALL });
      expect(top).toHaveLength(1);
      expect(ctx.docsOf(top)).not.toContain('?');
    });

    it('returns nothing for an empty query or one with nothing searchable', async () => {
      expect(await docs(all())).toEqual([]);
      expect(await docs(any(term('  ', '---', '"')))).toEqual([]);
      expect(await docs(all(term('budowę'), term('...')))).toEqual(await docs(all(term('budowę'))));
    });

    it('never fails on hostile input, and still finds the sane term next to it', async () => {
      for (const junk of ADVERSARIAL) {
        for (const index of ['words', 'substring'] as const) {
          const alone = await ctx.backend().keyword({ terms: [term(junk, [junk, true])], match: 'all', index }, { limit: 5, viewer: ALL });
          expect(Array.isArray(alone)).toBe(true);
          const mixed = await ctx.backend().keyword({ terms: [term(junk), term('Łąkowa')], match: 'any', index }, { limit: 50, viewer: ALL });
          expect(ctx.docsOf(mixed)).toContain(SEED.order);
        }
      }
    });
  });

  describe('keyword filters', () => {
    const decyz = any(term(['decyz', true]));

    it('caseNumber accepts any written variant of the signature', async () => {
      for (const caseNumber of ['WUA-ZRB.6740.1.123.2019', 'wua-zrb. 6740.1.123.2019']) {
        expect(await sorted(any(term(['wnios', true])), { caseNumber })).toEqual([SEED.permit, SEED.application].sort());
      }
      expect(await docs(any(term(['wnios', true])), { caseNumber: 'UA-AB_7351_784_2010' })).toEqual([SEED.order]);
    });

    it('docType matches a folded prefix of the type', async () => {
      expect(await sorted(decyz, { docType: 'decyzja' })).toEqual([SEED.permit, SEED.refusal, SEED.zoning].sort());
      expect(await docs(decyz, { docType: 'DECYZJA O ODMOWIE' })).toEqual([SEED.refusal]);
      expect(await docs(any(term(['wnios', true])), { docType: 'postanowienie' })).toEqual([SEED.order]);
    });

    it('dateFrom and dateTo are inclusive and leave out documents without a date', async () => {
      expect(await sorted(decyz, { dateFrom: '2016-05-20', dateTo: '2019-03-14' })).toEqual([SEED.permit, SEED.refusal].sort());
      expect(await docs(all(term('Jeździecka')), { dateFrom: '2000-01-01' })).toEqual([SEED.permit]); // not the undated application
    });

    it('precinct and parcel select documents by their parcels, together on the same parcel', async () => {
      const budynku = all(term('budynku'));
      expect(await sorted(budynku, { precinct: 'oporow' })).toEqual([SEED.permit, SEED.refusal, SEED.application].sort());
      expect(await sorted(budynku, { parcel: '45/7', precinct: 'Oporów' })).toEqual([SEED.permit, SEED.application].sort());
      expect(await docs(budynku, { parcel: '45 / 7', precinct: 'KRZYKI' })).toEqual([SEED.refusal]);
      expect(await docs(decyz, { parcel: '71/20' })).toEqual([SEED.zoning]);
      expect(await docs(decyz, { precinct: 'Biskupin' })).toEqual([]);
    });

    it('are applied before the limit, so a low-ranked match is still found', async () => {
      const q = any(term(['wnios', true]), term('Wrocław'), term(['decyz', true]));
      const ranked = await ctx.backend().keyword(q, { limit: 100, viewer: ALL });
      const last = ctx.nameOf(ranked[ranked.length - 1]!.documentId);
      const lastDoc = await ctx.backend().document(ctx.idOf(last), ALL);
      const filtered = await ctx.backend().keyword(q, { limit: 1, filters: { caseNumber: lastDoc!.caseNumber! }, viewer: ALL });
      expect(filtered).toHaveLength(1);
      const found = await ctx.backend().document(filtered[0]!.documentId, ALL);
      expect(found!.caseNumber).toBe(lastDoc!.caseNumber);
    });
  });
}
