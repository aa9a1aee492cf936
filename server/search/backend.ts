/**
 * The search backend: everything the agent needs from storage, and nothing more. Implemented on
 * the embedded SQLite archive (FTS5 + sqlite-vec) and, when scaled out, on Elasticsearch. Both
 * return ranked ids only; fusion, scoring and citations happen in the application, so backends stay
 * interchangeable. One contract suite (test/contract/search-backend.contract.ts) runs against every
 * implementation.
 *
 * Every method sees only documents whose status is ready (fully indexed), and only those its
 * viewer may read: a restricted document (server/store/restrictions.ts) is visible to a viewer only
 * when every restriction on it names the viewer's user name or role. Admins are not exempt. The
 * rule is a condition inside each query — never a filter applied to results afterwards — so limits,
 * rankings, lookups (and so `notFound`) and counts are the same as if the hidden documents did not
 * exist. Only `UNRESTRICTED_VIEWER` (the system: ingest, evaluation, benchmarks) sees everything.
 */
import type { MetaKind } from '../../ingest/types.js';
import type {
  ChunkHit,
  ChunkId,
  ChunkRecord,
  DocumentId,
  DocumentRecord,
  KeywordQuery,
  MetadataHit,
  PageRecord,
  SearchFilters,
  SearchOptions,
  Viewer,
} from '../domain/types.js';

export interface MetadataQuery {
  kind: MetaKind;
  /** Normalised value (signature, parcel number, ISO date …); compared with case and diacritics folded. */
  value: string;
  /** For parcels: the precinct it must lie in (folded comparison); ignored for other kinds. */
  precinct?: string;
}

export interface BackendHealth {
  ok: boolean;
  backend: string;
  detail?: string;
}

/** One document type the archive holds, with how many ready documents carry it. */
export interface DocTypeCount {
  value: string;
  count: number;
}

/** Most document types `docTypes` returns (the archive holds a few dozen). */
export const MAX_DOC_TYPES = 200;

export interface ArchiveStats {
  documents: number;
  pages: number;
  chunks: number;
}

export interface SearchBackend {
  /** Stable id, e.g. "sqlite" or "elasticsearch". */
  readonly id: string;

  /** BM25-ranked chunks for a structured keyword query (best first). Empty query → empty list. */
  keyword(query: KeywordQuery, opts: SearchOptions): Promise<ChunkHit[]>;

  /** Nearest chunks by cosine similarity to a unit-length embedding (best first). */
  vector(embedding: Float32Array, opts: SearchOptions): Promise<ChunkHit[]>;

  /** Metadata values equal to the query (folded), in ready documents passing the filters. */
  metadata(query: MetadataQuery, opts: SearchOptions): Promise<MetadataHit[]>;

  /** Documents passing the filters, newest first (by date, unknown dates last), then by id. */
  listDocuments(filters: SearchFilters, limit: number, viewer: Viewer): Promise<DocumentId[]>;

  /** Chunks by id, in the order asked; unknown (or hidden) ids are left out. */
  chunks(ids: ChunkId[], viewer: Viewer): Promise<ChunkRecord[]>;

  /** The first chunks of a document (page order), for documents found without a matching passage. */
  documentChunks(id: DocumentId, limit: number, viewer: Viewer): Promise<ChunkRecord[]>;

  /** A ready document with its metadata, or null (also when the viewer may not read it). */
  document(id: DocumentId, viewer: Viewer): Promise<DocumentRecord | null>;

  /** Several documents at once; unknown (or hidden) ids are left out. */
  documents(ids: DocumentId[], viewer: Viewer): Promise<DocumentRecord[]>;

  /** The stored page (text, words with boxes), or null (also when the viewer may not read it). */
  page(id: DocumentId, page: number, viewer: Viewer): Promise<PageRecord | null>;

  health(): Promise<BackendHealth>;

  /** Counts of what the viewer may see. */
  stats(viewer: Viewer): Promise<ArchiveStats>;

  /**
   * The document types of the ready documents the viewer may read, each with its count: most
   * documents first, equal counts by value; documents without a type are not counted. At most
   * MAX_DOC_TYPES entries.
   */
  docTypes(viewer: Viewer): Promise<DocTypeCount[]>;
}

/** The order `docTypes` returns: count descending, then value (code-unit order), the same on every backend. */
export function byDocTypeCount(a: DocTypeCount, b: DocTypeCount): number {
  return b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}
