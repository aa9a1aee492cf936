/**
 * Contract: the document types the archive holds, as the search form offers them — each type of a
 * ready document with how many ready documents carry it, most first, equal counts by value. A type
 * held only by a document that is not ready is not offered, and a document without a type is not
 * counted.
 */
import { describe, expect, it } from 'vitest';
import { ALL, READY_SEEDS } from './contract-kit.js';
import type { ContractContext } from './contract-kit.js';

export function docTypesContract(ctx: ContractContext): void {
  describe('document types', () => {
    it('counts the types of ready documents, most first, then by value', async () => {
      const expected = new Map<string, number>();
      for (const d of READY_SEEDS) if (d.docType) expected.set(d.docType, (expected.get(d.docType) ?? 0) + 1);
      const want = [...expected].map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      const got = await ctx.backend().docTypes(ALL);
      expect(got).toEqual(want);
      expect(got.reduce((n, t) => n + t.count, 0)).toBe(READY_SEEDS.filter((d) => d.docType).length);
    });
  });
}
