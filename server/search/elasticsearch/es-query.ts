/**
 * Query builders of the Elasticsearch backend: pure functions from the domain's structured queries
 * to the client's typed query DSL. Readiness, the viewer rule and the clerk's filters are always
 * `filter` clauses inside the one query sent — never applied to results afterwards — so limits,
 * rankings and counts are as if hidden documents did not exist (server/search/backend.ts).
 * User text only ever reaches Elasticsearch as the value of a match/term/prefix query, never as a
 * query string.
 */
import type { estypes } from '@elastic/elasticsearch';
import { isUnrestricted, type KeywordQuery, type SearchFilters, type Viewer } from '../../domain/types.js';
import { fold } from '../polish.js';
import { cleanForm, MAX_FORMS_PER_TERM, MAX_TERMS } from '../sqlite/fts-query.js';
import { foldKey, normaliseCase, normaliseParcel } from '../sqlite/filters.js';

type Query = estypes.QueryDslQueryContainer;

export const READY: Query = { term: { status: 'ready' } };

/** Principals of a viewer as stored in `restrictions.principals`. */
export function principalsOf(viewer: Viewer | undefined): string[] {
  const name = typeof viewer?.name === 'string' ? viewer.name : '';
  const role = typeof viewer?.role === 'string' ? viewer.role : '';
  return [`user:${name}`, `role:${role}`];
}

/**
 * What `viewer` may read: unrestricted records, or records none of whose rules leaves the viewer
 * out. Fails closed like the SQLite rule: a malformed viewer matches no principal. Null only for
 * UNRESTRICTED_VIEWER.
 */
export function accessFilter(viewer: Viewer | undefined): Query | null {
  if (isUnrestricted(viewer)) return null;
  const excluding: Query = {
    nested: {
      path: 'restrictions',
      query: { bool: { must_not: [{ terms: { 'restrictions.principals': principalsOf(viewer) } }] } },
    },
  };
  return { bool: { should: [{ term: { restriction_count: 0 } }, { bool: { must_not: [excluding] } }], minimum_should_match: 1 } };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** The clerk's filters as filter clauses, compared exactly as the SQLite backend compares them. */
export function filterClauses(filters: SearchFilters | undefined): Query[] {
  const f = filters ?? {};
  const out: Query[] = [];
  const caseNumber = text(f.caseNumber);
  if (caseNumber !== undefined) {
    const c = normaliseCase(caseNumber);
    out.push(c.canonical ? { term: { case_number: c.value } } : { term: { 'case_number.folded': foldKey(c.value) } });
  }
  const docType = text(f.docType);
  if (docType !== undefined) out.push({ prefix: { 'doc_type.folded': { value: foldKey(docType) } } });
  const from = text(f.dateFrom);
  const to = text(f.dateTo);
  if (from !== undefined || to !== undefined) {
    out.push({ range: { doc_date: { ...(from !== undefined ? { gte: from } : {}), ...(to !== undefined ? { lte: to } : {}) } } });
  }
  const parcel = text(f.parcel);
  const precinct = text(f.precinct);
  if (parcel !== undefined || precinct !== undefined) {
    const must: Query[] = [];
    if (parcel !== undefined) must.push({ term: { 'parcels.number': normaliseParcel(parcel) } });
    if (precinct !== undefined) must.push({ term: { 'parcels.precinct.folded': foldKey(precinct) } });
    out.push({ nested: { path: 'parcels', query: { bool: { filter: must } } } });
  }
  return out;
}

/** `[ready, viewer access, filters]`: what every query filters on. */
export function baseFilter(viewer: Viewer | undefined, filters?: SearchFilters): Query[] {
  const access = accessFilter(viewer);
  return [READY, ...(access ? [access] : []), ...filterClauses(filters)];
}

/** One term form as a query on the chunk text, or null when it cannot match anything. */
function formQuery(form: { text: string; prefix?: boolean }, index: 'words' | 'substring'): { key: string; query: Query } | null {
  if (form === null || typeof form !== 'object') return null;
  const clean = cleanForm(form.text, index);
  if (clean === null) return null;
  if (index === 'substring') return { key: `s:${fold(clean)}`, query: { match_phrase: { 'text.trigram': { query: clean } } } };
  if (form.prefix === true) {
    // Tokens as the kw_words tokenizer cuts them; a single token is a plain prefix query (no
    // expansion limit), several a phrase whose last word is a prefix.
    const tokens = fold(clean).split(/[^\p{L}\p{N}]+/u).filter((t) => t !== '');
    if (tokens.length === 0) return null;
    return tokens.length === 1
      ? { key: `p:${tokens[0]}`, query: { prefix: { text: { value: tokens[0]! } } } }
      : { key: `p:${tokens.join(' ')}`, query: { match_phrase_prefix: { text: { query: tokens.join(' '), max_expansions: 200 } } } };
  }
  return { key: `w:${fold(clean)}`, query: { match_phrase: { text: { query: clean } } } };
}

/**
 * The scoring part of a keyword search, or null when nothing searchable is left. `all`: every
 * term must match (a term = any of its forms); `any`: any form of any term, BM25-ranked.
 */
export function keywordClause(query: KeywordQuery): Query | null {
  const index = query?.index === 'substring' ? 'substring' : 'words';
  const terms = Array.isArray(query?.terms) ? query.terms.slice(0, MAX_TERMS) : [];
  const groups: Query[][] = [];
  const seenAny = new Set<string>();
  for (const term of terms) {
    const forms = Array.isArray(term?.forms) ? term.forms.slice(0, MAX_FORMS_PER_TERM) : [];
    const seen = new Set<string>();
    const group: Query[] = [];
    for (const f of forms) {
      const q = formQuery(f, index);
      if (q === null || seen.has(q.key) || (query.match === 'any' && seenAny.has(q.key))) continue;
      seen.add(q.key);
      seenAny.add(q.key);
      group.push(q.query);
    }
    if (group.length > 0) groups.push(group);
  }
  if (groups.length === 0) return null;
  if (query.match === 'any') return { bool: { should: groups.flat(), minimum_should_match: 1 } };
  return { bool: { must: groups.map((g) => (g.length === 1 ? g[0]! : { bool: { should: g, minimum_should_match: 1 } })) } };
}
