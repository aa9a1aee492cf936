/**
 * SearchBackend on Elasticsearch 8 (official client 8.19). BM25 over chunk text (`match_phrase` /
 * `prefix` on the folded word field, `match_phrase` on the trigram subfield for substrings), kNN
 * over int8-HNSW vectors, term queries on keyword subfields for identifiers. BM25 and kNN are
 * separate requests: fusion stays in the application (the RRF retriever needs a paid licence).
 * Every request filters `[ready, viewer access, filters]` inside the query (es-query.ts).
 * Ids: documents by the archive record's id, chunks `${id}-${seq}`; any other id is simply not found.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { byDocTypeCount, MAX_DOC_TYPES, type ArchiveStats, type BackendHealth, type DocTypeCount, type MetadataQuery, type SearchBackend } from '../backend.js';
import type {
  ChunkHit, ChunkId, ChunkRecord, DocumentId, DocumentRecord, KeywordQuery, MetadataHit, PageRecord, SearchFilters,
  SearchOptions, Viewer,
} from '../../domain/types.js';
import { clampLimit } from '../sqlite/rows.js';
import { foldKey, normaliseCase, normaliseParcel } from '../sqlite/filters.js';
import { baseFilter, keywordClause } from './es-query.js';
import { aliasName, type RecordKind } from './mappings.js';
import {
  chunkHit, chunkRecord, documentRecord, isChunkId, isDocumentId, metadataHit, pageRecord, uniqueValid,
  type ChunkSource, type DocumentSource, type MetadataSource, type PageSource,
} from './es-records.js';

/** Largest `limit` honoured by any method (as on SQLite; within the kNN `k` cap of 10,000). */
export const MAX_LIMIT = 1000;
const META_KINDS = new Set(['caseNumber', 'docType', 'date', 'parcel', 'address', 'investor']);
const HIT_FIELDS = ['doc_id', 'page', 'start', 'end'];

export interface EsBackendOptions {
  /** A client built by the composition root (tests: `Connection: HttpConnection` for nock). */
  client: Client;
  /** Alias prefix, default "kwerenda". */
  prefix?: string;
  /** Dimensions of the stored vectors: a query embedding of another size is refused. */
  dimensions: number;
}

export class ElasticsearchBackend implements SearchBackend {
  readonly id = 'elasticsearch';
  private readonly client: Client;
  private readonly prefix: string;
  /** Dimensions of the stored vectors. */
  readonly dimensions: number;

  constructor(opts: EsBackendOptions) {
    this.client = opts.client;
    this.prefix = opts.prefix ?? 'kwerenda';
    this.dimensions = opts.dimensions;
  }

  private index(kind: RecordKind): string {
    return aliasName(this.prefix, kind);
  }

  private search<T>(req: estypes.SearchRequest): Promise<estypes.SearchResponse<T>> {
    return this.client.search<T>(req);
  }

  async keyword(query: KeywordQuery, opts: SearchOptions): Promise<ChunkHit[]> {
    const limit = clampLimit(opts?.limit, MAX_LIMIT);
    const clause = limit > 0 ? keywordClause(query) : null;
    if (clause === null) return [];
    const res = await this.search<ChunkSource>({
      index: this.index('chunks'),
      size: limit,
      query: { bool: { must: [clause], filter: baseFilter(opts?.viewer, opts?.filters) } },
      // Ties broken by chunk id (page order), as SQLite breaks them by rowid.
      sort: [{ _score: { order: 'desc' } }, { chunk_key: { order: 'asc' } }],
      track_scores: true,
      _source: HIT_FIELDS,
    });
    return res.hits.hits.map((h) => chunkHit(h._source ?? {}, h._id!, h._score ?? 0));
  }

  async vector(embedding: Float32Array, opts: SearchOptions): Promise<ChunkHit[]> {
    const limit = clampLimit(opts?.limit, MAX_LIMIT);
    if (!(embedding instanceof Float32Array) || embedding.length !== this.dimensions) {
      throw new Error(`query embedding must be a Float32Array of ${this.dimensions} values (got ${embedding?.length ?? 'none'})`);
    }
    if (limit === 0) return [];
    const res = await this.search<ChunkSource>({
      index: this.index('chunks'),
      knn: {
        field: 'embedding',
        query_vector: Array.from(embedding),
        k: limit,
        num_candidates: Math.min(10_000, Math.max(100, limit * 2)),
        filter: baseFilter(opts?.viewer, opts?.filters),
      },
      size: limit,
      _source: HIT_FIELDS,
    });
    // Cosine `_score` is (1 + cos) / 2: report the cosine similarity, as the SQLite backend does.
    return res.hits.hits.map((h) => chunkHit(h._source ?? {}, h._id!, 2 * (h._score ?? 0) - 1));
  }

  async metadata(query: MetadataQuery, opts: SearchOptions): Promise<MetadataHit[]> {
    const limit = clampLimit(opts?.limit, MAX_LIMIT);
    const raw = typeof query?.value === 'string' ? query.value.trim() : '';
    if (limit === 0 || raw === '' || !META_KINDS.has(query.kind)) return [];
    // A signature is looked up among the ones documents cite too: a judgment is found by the case it reviewed.
    const kinds = query.kind === 'caseNumber' ? ['caseNumber', 'references'] : [query.kind];
    const filter = [kinds.length === 1 ? { term: { kind: query.kind } } : { terms: { kind: kinds } }, ...baseFilter(opts?.viewer, opts?.filters)];
    const signature = query.kind === 'caseNumber' ? normaliseCase(raw) : null;
    if (signature?.canonical || query.kind === 'parcel' || query.kind === 'date') {
      // Stored in canonical form by the extractors: an exact term.
      filter.push({ term: { value: signature?.value ?? (query.kind === 'parcel' ? normaliseParcel(raw) : raw) } });
    } else {
      filter.push({ term: { 'value.folded': foldKey(raw) } });
    }
    const precinct = typeof query.precinct === 'string' ? query.precinct.trim() : '';
    if (query.kind === 'parcel' && precinct !== '') filter.push({ term: { 'precinct.folded': foldKey(precinct) } });
    const res = await this.search<MetadataSource>({
      index: this.index('metadata'),
      size: limit,
      query: { bool: { filter } },
      sort: [{ doc_id: { order: 'asc' } }, { seq: { order: 'asc' } }],
    });
    return res.hits.hits.map((h) => metadataHit(h._source ?? {}));
  }

  async listDocuments(filters: SearchFilters, limit: number, viewer: Viewer): Promise<DocumentId[]> {
    const n = clampLimit(limit, MAX_LIMIT);
    if (n === 0) return [];
    const res = await this.search<DocumentSource>({
      index: this.index('documents'),
      size: n,
      query: { bool: { filter: baseFilter(viewer, filters) } },
      sort: [{ doc_date: { order: 'desc', missing: '_last' } }, { doc_id: { order: 'asc' } }],
      _source: ['doc_id'],
    });
    return res.hits.hits.map((h) => h._id!);
  }

  async chunks(ids: ChunkId[], viewer: Viewer): Promise<ChunkRecord[]> {
    const wanted = uniqueValid(ids, isChunkId).slice(0, MAX_LIMIT);
    if (wanted.length === 0) return [];
    const res = await this.search<ChunkSource>({
      index: this.index('chunks'),
      size: wanted.length,
      query: { bool: { filter: [{ ids: { values: wanted } }, ...baseFilter(viewer)] } },
      _source: { excludes: ['embedding'] },
    });
    const byId = new Map(res.hits.hits.map((h) => [h._id!, chunkRecord(h._source ?? {}, h._id!)]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }

  async documentChunks(id: DocumentId, limit: number, viewer: Viewer): Promise<ChunkRecord[]> {
    const n = clampLimit(limit, MAX_LIMIT);
    if (!isDocumentId(id) || n === 0) return [];
    const res = await this.search<ChunkSource>({
      index: this.index('chunks'),
      size: n,
      query: { bool: { filter: [{ term: { doc_id: id } }, ...baseFilter(viewer)] } },
      sort: [{ page: { order: 'asc' } }, { start: { order: 'asc' } }, { seq: { order: 'asc' } }],
      _source: { excludes: ['embedding'] },
    });
    return res.hits.hits.map((h) => chunkRecord(h._source ?? {}, h._id!));
  }

  async document(id: DocumentId, viewer: Viewer): Promise<DocumentRecord | null> {
    return isDocumentId(id) ? ((await this.documents([id], viewer))[0] ?? null) : null;
  }

  async documents(ids: DocumentId[], viewer: Viewer): Promise<DocumentRecord[]> {
    const wanted = uniqueValid(ids, isDocumentId).slice(0, MAX_LIMIT);
    if (wanted.length === 0) return [];
    const res = await this.search<DocumentSource>({
      index: this.index('documents'),
      size: wanted.length,
      query: { bool: { filter: [{ ids: { values: wanted } }, ...baseFilter(viewer)] } },
    });
    const byId = new Map(res.hits.hits.map((h) => [h._id!, documentRecord(h._source ?? {}, h._id!)]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }

  async page(id: DocumentId, page: number, viewer: Viewer): Promise<PageRecord | null> {
    if (!isDocumentId(id) || !Number.isSafeInteger(page) || page < 1) return null;
    const res = await this.search<PageSource>({
      index: this.index('pages'),
      size: 1,
      query: { bool: { filter: [{ term: { doc_id: id } }, { term: { page } }, ...baseFilter(viewer)] } },
    });
    const hit = res.hits.hits[0];
    return hit ? pageRecord(hit._source ?? {}) : null;
  }

  async health(): Promise<BackendHealth> {
    try {
      const h = await this.client.cluster.health({ index: this.index('chunks') });
      return h.status === 'red'
        ? { ok: false, backend: this.id, detail: `cluster status red (${h.cluster_name})` }
        : { ok: true, backend: this.id };
    } catch (err) {
      return { ok: false, backend: this.id, detail: err instanceof Error ? err.message : String(err) };
    }
  }

  async stats(viewer: Viewer): Promise<ArchiveStats> {
    const count = async (kind: RecordKind) =>
      (await this.client.count({ index: this.index(kind), query: { bool: { filter: baseFilter(viewer) } } })).count;
    const [documents, pages, chunks] = await Promise.all([count('documents'), count('pages'), count('chunks')]);
    return { documents, pages, chunks };
  }

  async docTypes(viewer: Viewer): Promise<DocTypeCount[]> {
    const res = await this.search<never>({
      index: this.index('documents'),
      size: 0,
      query: { bool: { filter: baseFilter(viewer) } },
      aggs: { types: { terms: { field: 'doc_type', size: MAX_DOC_TYPES, order: [{ _count: 'desc' }, { _key: 'asc' }] } } },
    });
    const agg = res.aggregations?.types as estypes.AggregationsStringTermsAggregate | undefined;
    const buckets = Array.isArray(agg?.buckets) ? agg.buckets : [];
    return buckets
      .map((b) => ({ value: String(b.key), count: b.doc_count }))
      .filter((t) => t.value !== '')
      .sort(byDocTypeCount);
  }
}
