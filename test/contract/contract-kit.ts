/** Helpers shared by the parts of the SearchBackend contract suite. */
import { expect } from 'vitest';
import { UNRESTRICTED_VIEWER, type ChunkHit, type DocumentId, type QueryTerm, type Viewer } from '../../server/domain/types.js';
import type { SearchBackend } from '../../server/search/backend.js';
import { SEED_DOCUMENTS } from './seed-documents.js';

/** What the parts of the suite share. */
export interface ContractContext {
  backend(): SearchBackend;
  /** The backend's id of a ready seed document, by file name. */
  idOf(filename: string): DocumentId;
  /** The seed file name behind a backend id ("?" for an id that is no ready seed document). */
  nameOf(id: DocumentId): string;
  /** File names of the documents of `hits`, in order of first appearance. */
  docsOf(hits: { documentId: DocumentId }[]): string[];
}

/** The viewer of every part of the suite but the restriction part: the system, which sees everything. */
export const ALL: Viewer = UNRESTRICTED_VIEWER;

export const READY_SEEDS = SEED_DOCUMENTS.filter((d) => d.status === 'ready');
export const STAGING_SEED = SEED_DOCUMENTS.find((d) => d.status === 'staging')!;

/** A query term from forms; `[text, true]` is a prefix form. */
export function term(...forms: (string | [string, true])[]): QueryTerm {
  return { forms: forms.map((f) => (typeof f === 'string' ? { text: f } : { text: f[0], prefix: true })) };
}

/** Scores are the backend's own, but best-first means never increasing. */
export function expectBestFirst(hits: ChunkHit[]): void {
  for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
}


/** File names of the ready seed documents, for readable expectations. */
export const SEED = {
  /** Building permit, WUA-ZRB.6740.1.123.2019, 2019-03-14, parcel 45/7 obręb Oporów, two pages. */
  permit: 'decyzja_pnb_123_2019.pdf',
  /** Procedural order, UA-AB/7351/784/2010, 2010-06-02, parcel 12/3 obręb Leśnica, „Łąkowa”, OCR. */
  order: 'postanowienie_784_2010.tif',
  /** Refusal, WUA-ZRB.6740.1.2043.2016, 2016-05-20, 45/7 in Krzyki and 903 in Oporów, "pozwo1enia" (OCR). */
  refusal: 'skan_odmowa_2016.pdf',
  /** Application in the permit's case, no date, parcel 45/7 obręb Oporów. */
  application: 'wniosek.pdf',
  /** Zoning decision, WUA-ZWZ.6730.2.1444.2018, 2019-11-05, parcels 71/19 and 71/20 obręb Krzyki. */
  zoning: 'decyzja_wz_1444.pdf',
} as const;

/** Strings that must never break a query: query-language syntax, control characters, unicode junk. */
export const ADVERSARIAL = [
  '"', '""', '"decyzja', 'decyzja"', '*', 'budow*', '*budow', 'NEAR', 'NEAR(decyzja budowa)', 'NEAR/2', 'AND', 'OR',
  'NOT', 'decyzja OR budowa', 'a AND', '-', '-decyzja', 'decyzja -budowa', ':', 'text:decyzja', 'chunks_fts:x', '(',
  ')', '()', '(decyzja', 'decyzja)', '^decyzja', '+budowa', '{text}: x', '[a-z]', '\\', "'; DROP TABLE documents; --",
  '%', '_', '\u0000', 'de\u0000cyzja', '\uD800', '\uDFFFx', 'a\uD83Db', '\u200b', '\uFEFF', '\u202Eabc', '𝔡𝔢𝔠𝔶𝔷𝔧𝔞',
  '👍🏽', 'z\u0301', '\u0301', 'İstanbul', '\u00AD', '\u3000', '٣', 'x'.repeat(10_000), ('NEAR("a" b)* OR -c: ').repeat(500),
];
