/**
 * Runs a plan's steps against the search backend and collects the evidence: ranked lists to fuse,
 * the chunks each document matched with, the metadata spans that located an identifier, and
 * which identifiers were found at all (for `notFound`). Raw text never reaches a query language:
 * steps become structured KeywordQuery objects that the backend quotes.
 */
import type { Embedder } from '../../ingest/embed.js';
import { normaliseSignature } from '../../ingest/metadata/index.js';
import type { ChunkHit, DocumentId, KeywordQuery, MetadataHit, QueryTerm, SearchFilters, Viewer } from '../domain/types.js';
import { findTerms } from '../domain/passages.js';
import { rrf, type RankedList } from '../domain/rrf.js';
import type { SearchBackend } from '../search/backend.js';
import { addressForms, keywordQuery } from '../search/polish.js';
import { maskIdentifiers } from '../security/masking.js';
import { hitsOutsideIdentifiers, similarityQuery } from './masked-search.js';
import { meaningOf } from '../domain/meaning.js';
import { thesaurusExpander } from './thesaurus.js';
import type { PlanStep } from './plan.js';

/** How many hits each search contributes to fusion. */
export const LIST_DEPTH = 50;

export interface ExecutedStep {
  type: PlanStep['type'];
  /** Polish description for "Szukano: …", built by the application from the step's fields. */
  label: string;
  query?: string;
  kind?: string;
  value?: string;
  precinct?: string;
  filters?: SearchFilters;
  /** Documents this step found. */
  hits: number;
}

export interface Evidence {
  steps: ExecutedStep[];
  /** Document-level lists, one per search, for RRF. */
  docLists: RankedList[];
  /** Chunk-level lists, for choosing each document's passages. */
  chunkLists: RankedList[];
  chunkHits: Map<string, ChunkHit>;
  /** Metadata spans that located an identifier, per document. */
  metaHits: Map<DocumentId, MetadataHit[]>;
  /** Identifier key (`kind:value`) → documents that name it. */
  identifierDocs: Map<string, Set<DocumentId>>;
  /** Terms to highlight and to measure word coverage with. */
  terms: QueryTerm[];
  /** Per document, how it stands out in the similarity searches (domain/meaning.ts), the best over steps. */
  meaning: Map<DocumentId, number>;
  /** The plan was cut short by the time budget. */
  truncated: boolean;
}

export interface ExecuteOptions {
  backend: SearchBackend;
  embedder: Embedder;
  /** The clerk's filters: applied to every step. */
  filters?: SearchFilters;
  /** Whose search it is: every backend call sees only what this viewer may read (so does `notFound`). */
  viewer: Viewer;
  /**
   * Read how documents stand out by meaning (domain/meaning.ts), against the question vector's
   * similarity to the archive at large (mean, spread; null when unknown). Absent: not read.
   */
  meaning?: { background: (query: Float32Array) => { mean: number; spread: number } | null };
  signal?: AbortSignal;
  /** The searcher's role may not see PESEL / identity-card numbers: nothing is found through them (masked-search.ts). */
  hideIdentifiers?: boolean;
}

/**
 * An address as asked, then (when it has no number) without its trailing words one by one, down to
 * the street prefix and one name word: "ul. Zgierska Łódź" → ["ul. Zgierska Łódź", "ul. Zgierska"].
 */
export function streetCandidates(address: string): string[] {
  const words = address.trim().split(/\s+/);
  if (/\d/.test(address) || words.length < 3) return [address];
  const out = [address];
  for (let n = words.length - 1; n >= 2; n--) out.push(words.slice(0, n).join(' '));
  return out;
}

export function identifierKey(kind: string, value: string): string {
  return `${kind}:${value}`;
}

function mergeFilters(a?: SearchFilters, b?: SearchFilters): SearchFilters | undefined {
  if (!a) return b;
  if (!b) return a;
  // The clerk's filters win: a plan may narrow, never widen what the clerk asked.
  return { ...b, ...a };
}

const FILTER_LABELS: Record<keyof SearchFilters, string> = {
  caseNumber: 'sprawa',
  docType: 'rodzaj',
  dateFrom: 'od',
  dateTo: 'do',
  precinct: 'obręb',
  parcel: 'działka',
};

export function describeFilters(f: SearchFilters | undefined): string {
  if (!f) return '';
  return (Object.keys(FILTER_LABELS) as (keyof SearchFilters)[])
    .filter((k) => f[k] !== undefined)
    .map((k) => `${FILTER_LABELS[k]}: ${f[k]}`)
    .join(', ');
}

const KIND_LABELS: Record<string, string> = {
  caseNumber: 'sygnatura',
  parcel: 'działka',
  address: 'adres',
  investor: 'inwestor',
};

export class PlanExecutor {
  constructor(private readonly opts: ExecuteOptions) {}

  private identifierSteps = false;

  async run(steps: readonly PlanStep[]): Promise<Evidence> {
    this.identifierSteps = steps.some((s) => s.type === 'identifier');
    const ev: Evidence = {
      steps: [],
      docLists: [],
      chunkLists: [],
      chunkHits: new Map(),
      metaHits: new Map(),
      identifierDocs: new Map(),
      terms: [],
      meaning: new Map(),
      truncated: false,
    };
    const deferred: number[] = [];
    for (let i = 0; i < steps.length; i++) {
      if (this.opts.signal?.aborted) {
        ev.truncated = true;
        break;
      }
      const step = steps[i]!;
      if (step.type === 'followCase') {
        deferred.push(i);
        continue;
      }
      ev.steps.push(await this.runStep(step, i, ev));
    }
    for (const i of deferred) {
      if (this.opts.signal?.aborted) {
        ev.truncated = true;
        break;
      }
      ev.steps.push(await this.followCase(i, ev));
    }
    return ev;
  }

  private async runStep(step: Exclude<PlanStep, { type: 'followCase' }>, i: number, ev: Evidence): Promise<ExecutedStep> {
    const { backend } = this.opts;
    switch (step.type) {
      case 'keyword': {
        const filters = mergeFilters(this.opts.filters, step.filters);
        const all = keywordQuery(step.query, 'all', { expand: thesaurusExpander });
        ev.terms.push(...all.terms);
        const docs = new Set<DocumentId>();
        const strict = await this.keyword(`kw${i}`, all, filters, ev, 1, docs);
        // Too few documents with every word: also rank those with some of them, below. Not for a
        // step the plan narrowed (type, period …): its unnarrowed twin runs the broad query, and an
        // OR over common words is the most expensive query there is (BENCHMARKS.md).
        // Nor when the words include an identifier (signature, parcel, date) that the plan also looks
        // up: that step finds every document naming it, and the rest of an OR would be common words.
        const narrowed = describeFilters(filters) !== describeFilters(this.opts.filters);
        const identifier = this.identifierSteps && all.terms.some((t) => t.forms.some((f) => /\d/.test(f.text)));
        if (strict < 10 && all.terms.length > 1 && !narrowed && !identifier) {
          await this.keyword(`kwany${i}`, { ...all, match: 'any' }, filters, ev, 0.5, docs);
        }
        const f = describeFilters(filters);
        return { type: 'keyword', label: `słowa: „${step.query}”${f ? ` (${f})` : ''}`, query: step.query, filters, hits: docs.size };
      }
      case 'semantic': {
        const filters = mergeFilters(this.opts.filters, step.filters);
        const query = this.opts.hideIdentifiers ? similarityQuery(step.query) : step.query;
        const vec = query === null ? undefined : (await this.opts.embedder.embed([query], 'query'))[0];
        const hits = vec ? await backend.vector(vec, { filters, limit: LIST_DEPTH, viewer: this.opts.viewer }) : [];
        const docs = this.addChunkList(`vec${i}`, hits, ev, 1);
        if (vec && this.opts.meaning) {
          for (const [doc, m] of meaningOf(hits, this.opts.meaning.background(vec))) if (m > (ev.meaning.get(doc) ?? -1)) ev.meaning.set(doc, m);
        }
        const f = describeFilters(filters);
        return { type: 'semantic', label: `znaczenie: „${step.query}”${f ? ` (${f})` : ''}`, query: step.query, filters, hits: docs.size };
      }
      case 'identifier':
        return this.identifier(step, i, ev);
      case 'filter': {
        const filters = mergeFilters(this.opts.filters, step.filters) ?? {};
        const ids = await backend.listDocuments(filters, LIST_DEPTH, this.opts.viewer);
        ev.docLists.push({ name: `filter${i}`, ids });
        return { type: 'filter', label: `dokumenty: ${describeFilters(filters)}`, filters, hits: ids.length };
      }
    }
  }

  private async keyword(
    name: string,
    q: KeywordQuery,
    filters: SearchFilters | undefined,
    ev: Evidence,
    weight: number,
    docs: Set<DocumentId>,
  ): Promise<number> {
    if (q.terms.length === 0) return 0;
    const hits = await this.outsideIdentifiers(await this.opts.backend.keyword(q, { filters, limit: LIST_DEPTH, viewer: this.opts.viewer }), q);
    const found = this.addChunkList(name, hits, ev, weight);
    for (const d of found) docs.add(d);
    return found.size;
  }

  /** Keyword hits as the searcher may have them: for a role that may not see identifiers, none found through one. */
  private async outsideIdentifiers(hits: ChunkHit[], q: KeywordQuery): Promise<ChunkHit[]> {
    if (!this.opts.hideIdentifiers) return hits;
    const { backend, viewer } = this.opts;
    return hitsOutsideIdentifiers(hits, q, { chunks: (ids) => backend.chunks(ids, viewer), page: (doc, n) => backend.page(doc, n, viewer) });
  }

  /** Adds a chunk list and the document list derived from it; returns the documents. */
  private addChunkList(name: string, hits: ChunkHit[], ev: Evidence, weight: number): Set<DocumentId> {
    for (const h of hits) if (!ev.chunkHits.has(h.chunkId)) ev.chunkHits.set(h.chunkId, h);
    ev.chunkLists.push({ name, ids: hits.map((h) => h.chunkId), weight });
    const docs: DocumentId[] = [];
    const seen = new Set<DocumentId>();
    for (const h of hits) if (!seen.has(h.documentId)) (seen.add(h.documentId), docs.push(h.documentId));
    ev.docLists.push({ name, ids: docs, weight });
    return seen;
  }

  private async identifier(step: Extract<PlanStep, { type: 'identifier' }>, i: number, ev: Evidence): Promise<ExecutedStep> {
    const { backend, viewer } = this.opts;
    const filters = this.opts.filters;
    const value = step.kind === 'caseNumber' ? (normaliseSignature(step.value) ?? step.value) : step.value;
    const key = identifierKey(step.kind, value);
    const found = ev.identifierDocs.get(key) ?? new Set<DocumentId>();
    ev.identifierDocs.set(key, found);

    // 1. Metadata read at ingest (exact, with the span it was read from).
    const meta =
      step.kind === 'address'
        ? []
        : await backend.metadata({ kind: step.kind, value, precinct: step.precinct }, { filters, limit: LIST_DEPTH, viewer });
    const metaDocs: DocumentId[] = [];
    for (const m of meta) {
      if (!found.has(m.documentId)) metaDocs.push(m.documentId);
      found.add(m.documentId);
      const list = ev.metaHits.get(m.documentId) ?? [];
      list.push(m);
      ev.metaHits.set(m.documentId, list);
    }
    ev.docLists.push({ name: `id${i}`, ids: metaDocs, weight: 2 });

    // 2. The identifier in page text, as an exact phrase (signatures) or as words (addresses, names).
    // A street written with its town and no number ("ul. Sosnowa Janków Przygodzki") is tried whole
    // first, then without its last words: the town stays in the question's words, not in the phrase.
    let textHits: ChunkHit[] = [];
    for (const candidate of step.kind === 'address' ? streetCandidates(value) : [value]) {
      const textQuery: KeywordQuery =
        step.kind === 'caseNumber' || step.kind === 'parcel'
          ? { terms: [{ forms: [{ text: candidate }] }], match: 'all' }
          : step.kind === 'address' && addressForms(candidate).length > 0
            ? { terms: [{ forms: addressForms(candidate) }], match: 'all' }
            : keywordQuery(candidate, 'all');
      textHits = await this.exactTextHits(textQuery, filters);
      if (textHits.length > 0 || metaDocs.length > 0) {
        ev.terms.push(...textQuery.terms);
        break;
      }
    }
    for (const d of this.addChunkList(`idtext${i}`, textHits, ev, 1.5)) found.add(d);

    // 3. A signature is also the case a document is filed under.
    if (step.kind === 'caseNumber' && normaliseSignature(value)) {
      const filed = await backend.listDocuments({ ...filters, caseNumber: value }, LIST_DEPTH, viewer);
      for (const d of filed) found.add(d);
      ev.docLists.push({ name: `case${i}`, ids: filed, weight: 1 });
    }
    const where = step.precinct ? ` (obręb ${step.precinct})` : '';
    return {
      type: 'identifier',
      label: `${KIND_LABELS[step.kind] ?? step.kind}: ${value}${where}`,
      kind: step.kind,
      value,
      ...(step.precinct ? { precinct: step.precinct } : {}),
      hits: found.size,
    };
  }

  /**
   * Chunks holding every term of `q` exactly as written. The word index splits identifiers at "/",
   * "." and "-": the phrase "777/77" also matches "tel. 71 777 77 62"; the chunk text decides (outside
   * PESEL / identity-card numbers when the searcher may not see them).
   */
  private async exactTextHits(q: KeywordQuery, filters: SearchFilters | undefined): Promise<ChunkHit[]> {
    const { backend, viewer } = this.opts;
    if (q.terms.length === 0) return [];
    const rawHits = await this.outsideIdentifiers(await backend.keyword(q, { filters, limit: LIST_DEPTH, viewer }), q);
    const hide = this.opts.hideIdentifiers ? maskIdentifiers : (t: string) => t;
    const texts = new Map((await backend.chunks(rawHits.map((h) => h.chunkId), viewer)).map((c) => [c.chunkId, hide(c.text)]));
    return rawHits.filter((h) => {
      const text = texts.get(h.chunkId);
      if (text === undefined) return false;
      const seen = new Set(findTerms(text, q.terms).map((m) => m.term));
      return seen.size === q.terms.length;
    });
  }

  /** The other documents of the cases of the best documents found so far. */
  private async followCase(i: number, ev: Evidence): Promise<ExecutedStep> {
    const { backend, viewer } = this.opts;
    const top = rrf(ev.docLists).slice(0, 3).map((f) => f.id);
    const docs = await backend.documents(top, viewer);
    const cases = [...new Set(docs.map((d) => d.caseNumber).filter((c): c is string => !!c))];
    const ids: DocumentId[] = [];
    for (const c of cases) ids.push(...(await backend.listDocuments({ ...this.opts.filters, caseNumber: c }, LIST_DEPTH, viewer)));
    ev.docLists.push({ name: `follow${i}`, ids, weight: 0.5 });
    return {
      type: 'followCase',
      label: cases.length > 0 ? `pozostałe pisma sprawy: ${cases.join(', ')}` : 'pozostałe pisma sprawy',
      hits: new Set(ids).size,
    };
  }
}
