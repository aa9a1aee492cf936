/**
 * Rule-based Polish metadata extraction with provenance.
 *
 * `extractMetadata` returns, in this order: case numbers (command-line override, then folder
 * names, then page text with the document's own signature first), the document type (one, from
 * the heading), dates (the document date first), parcels, addresses, investors, the issuer (one:
 * the court or organ) and the outcome (one: the operative words of a ruling, decision or
 * supervisory act). Every value from page text has `raw === pageText.slice(start, end)`. Nothing
 * here throws.
 */
import type { MetaKind, MetaValue } from '../types.js';
import { safely, overlapsAny, type Found } from './common.js';
import { findAddresses } from './addresses.js';
import { documentDateIndex, findDates } from './dates.js';
import { documentType, openingTypeStart } from './heading-inline.js';
import { excludedDate, NO_OWN_DATE, ownDateIndex } from './own-date.js';
import { findInvestors } from './investor.js';
import { findIssuer } from './issuer.js';
import { findOutcome, reachesReasons } from './outcome.js';
import { findParcels } from './parcels.js';
import { signatureRoles } from './own-signature.js';
import { findFolderSignatures, findSignatures, normaliseSignature } from './signature.js';

export { findAddresses, type AddressFound } from './addresses.js';
export { findDates, monthFromWord, isoDate } from './dates.js';
export { findDocType, type DocTypeFound } from './doctype.js';
export { findInvestors } from './investor.js';
export { findIssuer, type IssuerFound } from './issuer.js';
export { findOutcome, type OutcomeFound } from './outcome.js';
export { findParcels, type ParcelFound } from './parcels.js';
export { findFolderSignatures, findSignatures, normaliseSignature, type FindSignatureOptions } from './signature.js';
export { fold, type Found } from './common.js';

export interface PageText {
  page: number;
  text: string;
}

export interface ExtractContext {
  /** Names of the folders holding the document; a signature in one of them is the case. */
  folderNames?: string[];
  /** Case signature given on the command line: always first. */
  caseOverride?: string;
}

function cleanPages(pages: unknown): PageText[] {
  if (!Array.isArray(pages)) return [];
  const out: PageText[] = [];
  pages.forEach((p: unknown, i) => {
    const rec = (p ?? {}) as { page?: unknown; text?: unknown };
    const page = typeof rec.page === 'number' && Number.isFinite(rec.page) ? rec.page : i + 1;
    out.push({ page, text: typeof rec.text === 'string' ? rec.text : '' });
  });
  return out.sort((a, b) => a.page - b.page);
}

function fromText(kind: MetaValue['kind'], page: PageText, hit: Found, extra?: Record<string, string>): MetaValue {
  const v: MetaValue = {
    kind,
    value: hit.value,
    raw: page.text.slice(hit.start, hit.end),
    page: page.page,
    start: hit.start,
    end: hit.end,
    origin: 'text',
  };
  if (extra && Object.keys(extra).length > 0) v.extra = extra;
  return v;
}

/** Keep the first value per (page, key). */
function dedupe(values: MetaValue[], key: (v: MetaValue) => string): MetaValue[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = `${v.page}\u0000${key(v)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function caseNumbers(pages: PageText[], ctx: ExtractContext, spans: Map<number, Found[]>): MetaValue[] {
  const head: MetaValue[] = overrideCaseNumber(ctx);
  const taken = new Set<string>(head.map((v) => v.value));
  const folders = Array.isArray(ctx.folderNames) ? ctx.folderNames : [];
  for (const name of folders) {
    if (typeof name !== 'string') continue;
    for (const hit of safely(() => findFolderSignatures(name))) {
      if (taken.has(hit.value)) continue;
      taken.add(hit.value);
      const raw = name.slice(hit.start, hit.end);
      head.push({ kind: 'caseNumber', value: hit.value, raw, page: null, start: null, end: null, origin: 'folder' });
    }
  }
  // Text: the document's own signature (heading or "Znak:"), then the ones it only cites, kept
  // apart as references so that a cited case is never taken for the document's.
  const perPage = pages.map((page) => {
    const hits = safely(() => findSignatures(page.text));
    spans.set(page.page, hits);
    return { page, hits };
  });
  const roles = signatureRoles(perPage.map((p) => ({ text: p.page.text, hits: p.hits })));
  const own: MetaValue[] = [];
  const references: MetaValue[] = [];
  for (const { page, hits } of perPage) {
    for (const hit of hits) {
      // The own signature repeated on later pages stays a case number there (its provenance).
      if (hit === roles.own || hit.value === roles.own?.value) own.push(fromText('caseNumber', page, hit, { role: 'own' }));
      else references.push(fromText('references', page, hit, { role: 'reference' }));
    }
  }
  return [...head, ...dedupe(own, (v) => v.value), ...dedupe(references, (v) => v.value)];
}

function docType(pages: PageText[]): MetaValue[] {
  const first = pages.find((p) => p.text.trim() !== '');
  if (!first) return [];
  const d = documentType(first.text);
  if (!d) return [];
  return [fromText('docType', first, d, { heading: d.heading, basis: d.basis })];
}

function dates(pages: PageText[], spans: Map<number, Found[]>): MetaValue[] {
  const perPage = pages.map((p) => ({
    page: p,
    hits: safely(() => findDates(p.text)).filter((h) => !overlapsAny(h.start, h.end, spans.get(p.page) ?? [])),
  }));
  let doc: { pageIndex: number; hitIndex: number } | null = null;
  const firstWithText = perPage.findIndex((pp) => pp.page.text.trim() !== '');
  const firstText = perPage[firstWithText]?.page.text ?? '';
  const typeFound = firstText ? documentType(firstText) : null;
  const heading = typeFound ? { start: typeFound.start, value: typeFound.value } : null;
  for (let i = 0; i < perPage.length && !doc; i++) {
    const pp = perPage[i];
    if (!pp || pp.hits.length === 0) continue;
    const own = i === firstWithText ? ownDateIndex(pp.page.text, pp.hits, heading, openingTypeStart(pp.page.text)) : -1;
    // A ruling whose heading and sentence give no date has none: other rules would take a mentioned one.
    if (own === NO_OWN_DATE) break;
    if (own >= 0) {
      doc = { pageIndex: i, hitIndex: own };
      break;
    }
    const allowed = pp.hits.filter((h) => !excludedDate(pp.page.text, h, i === firstWithText ? heading : null));
    const idx = documentDateIndex(pp.page.text, allowed, i !== firstWithText);
    const hit = allowed[idx];
    if (hit) doc = { pageIndex: i, hitIndex: pp.hits.indexOf(hit) };
  }
  const out: MetaValue[] = [];
  let docValue: MetaValue | null = null;
  perPage.forEach((pp, i) => {
    pp.hits.forEach((h, j) => {
      const isDoc = doc !== null && doc.pageIndex === i && doc.hitIndex === j;
      const v = fromText('date', pp.page, h, { role: isDoc ? 'document' : 'mentioned' });
      if (isDoc) docValue = v;
      else out.push(v);
    });
  });
  const all = docValue ? [docValue, ...out] : out;
  return dedupe(all, (v) => v.value);
}

function parcels(pages: PageText[], spans: Map<number, Found[]>): MetaValue[] {
  const out: MetaValue[] = [];
  for (const page of pages) {
    const hits = safely(() => findParcels(page.text)).filter(
      (h) => !overlapsAny(h.start, h.end, spans.get(page.page) ?? []),
    );
    const values = hits.map((h) => {
      const extra: Record<string, string> = {};
      if (h.obreb !== undefined) extra.obreb = h.obreb;
      if (h.obrebNr !== undefined) extra.obrebNr = h.obrebNr;
      if (h.arkusz !== undefined) extra.arkusz = h.arkusz;
      return fromText('parcel', page, h, extra);
    });
    // A bare mention of a parcel is dropped when the page also names its precinct/sheet.
    const detailed = new Set(values.filter((v) => v.extra).map((v) => v.value));
    out.push(...values.filter((v) => v.extra || !detailed.has(v.value)));
  }
  return dedupe(out, (v) => `${v.value}\u0000${v.extra?.obreb ?? ''}\u0000${v.extra?.arkusz ?? ''}`);
}

function addresses(pages: PageText[]): MetaValue[] {
  const out: MetaValue[] = [];
  for (const page of pages) {
    for (const h of safely(() => findAddresses(page.text))) {
      const extra: Record<string, string> = { street: h.street };
      if (h.number !== undefined) extra.number = h.number;
      if (h.postcode !== undefined) extra.postcode = h.postcode;
      if (h.city !== undefined) extra.city = h.city;
      out.push(fromText('address', page, h, extra));
    }
  }
  return dedupe(out, (v) => v.value);
}

function investors(pages: PageText[]): MetaValue[] {
  const out: MetaValue[] = [];
  for (const page of pages) {
    for (const h of safely(() => findInvestors(page.text))) out.push(fromText('investor', page, h));
  }
  return dedupe(out, (v) => v.value);
}

/** The type of the document from its first page with text, as the docType step reads it (null when unknown). */
function firstPageType(pages: PageText[]): string | null {
  const first = pages.find((p) => p.text.trim() !== '');
  return first ? (documentType(first.text)?.value ?? null) : null;
}

/** The court or organ that issued the document: the first page that names it. */
function issuer(pages: PageText[]): MetaValue[] {
  const docType = firstPageType(pages);
  const perPage = pages.map((p) => ({ page: p, hits: safely(() => findSignatures(p.text)) }));
  const own = signatureRoles(perPage.map((p) => ({ text: p.page.text, hits: p.hits }))).own;
  for (const { page, hits } of perPage) {
    const ownSignature = own && hits.includes(own) ? own : null;
    const found = findIssuer(page.text, { docType, ownSignature });
    if (found) return [fromText('issuer', page, found, { basis: found.basis })];
  }
  return [];
}

/** The operative result of a ruling, decision or supervisory act: the first page that states it. */
function outcome(pages: PageText[]): MetaValue[] {
  const docType = firstPageType(pages);
  for (const page of pages) {
    const found = findOutcome(page.text, docType);
    if (found) return [fromText('outcome', page, found, { basis: found.basis })];
    // Past the reasons' heading, what follows retells the case: no outcome is read there.
    if (reachesReasons(page.text)) break;
  }
  return [];
}

/** The kinds of metadata in the order `extractMetadata` returns them; each is read by one step. */
export const METADATA_KINDS: readonly MetaKind[] = ['caseNumber', 'docType', 'date', 'parcel', 'address', 'investor', 'issuer', 'outcome'];

/** Signature spans per page: dates and parcels inside a signature are not read as such. */
export type SignatureSpans = Map<number, Found[]>;

/**
 * One step of `extractMetadata`: the values of one kind. The caseNumber step fills `spans`, which
 * the date and parcel steps read (empty when the caseNumber step did not run). Never throws.
 */
export function extractMetadataKind(kind: MetaKind, pages: PageText[], ctx: ExtractContext | undefined, spans: SignatureSpans): MetaValue[] {
  try {
    const list = cleanPages(pages);
    const c: ExtractContext = ctx && typeof ctx === 'object' ? ctx : {};
    switch (kind) {
      case 'caseNumber':
        return safely(() => caseNumbers(list, c, spans));
      case 'references':
        return []; // read with the case numbers: telling them apart is one decision
      case 'docType':
        return safely(() => docType(list));
      case 'date':
        return safely(() => dates(list, spans));
      case 'parcel':
        return safely(() => parcels(list, spans));
      case 'address':
        return safely(() => addresses(list));
      case 'investor':
        return safely(() => investors(list));
      case 'issuer':
        return safely(() => issuer(list));
      case 'outcome':
        return safely(() => outcome(list));
    }
  } catch {
    return [];
  }
}

/** The case number given on the command line, as the caseNumber step puts it first; none without one. */
export function overrideCaseNumber(ctx: ExtractContext | undefined): MetaValue[] {
  const override = typeof ctx?.caseOverride === 'string' ? ctx.caseOverride.trim() : '';
  if (override === '') return [];
  const value = normaliseSignature(override) ?? override;
  return [{ kind: 'caseNumber', value, raw: ctx?.caseOverride ?? override, page: null, start: null, end: null, origin: 'cli' }];
}

/** All metadata of one document (its pages in order), with provenance. Never throws. */
export function extractMetadata(pages: PageText[], ctx?: ExtractContext): MetaValue[] {
  const spans: SignatureSpans = new Map();
  return METADATA_KINDS.flatMap((kind) => extractMetadataKind(kind, pages, ctx, spans));
}
