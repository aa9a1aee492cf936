/**
 * The search backend: everything the agent needs from storage, and nothing more. Implemented on
 * the embedded SQLite archive (FTS5 + sqlite-vec) and, when scaled out, on Elasticsearch. Both
 * return ranked ids only; fusion, scoring and citations happen in the application, so backends stay
 * interchangeable. One contract suite (test/contract/search-backend.contract.ts) runs against every
 * implementation.
 *
 * Every method sees only documents whose status is ready (fully indexed).
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
  listDocuments(filters: SearchFilters, limit: number): Promise<DocumentId[]>;

  /** Chunks by id, in the order asked; unknown ids are left out. */
  chunks(ids: ChunkId[]): Promise<ChunkRecord[]>;

  /** The first chunks of a document (page order), for documents found without a matching passage. */
  documentChunks(id: DocumentId, limit: number): Promise<ChunkRecord[]>;

  /** A ready document with its metadata, or null. */
  document(id: DocumentId): Promise<DocumentRecord | null>;

  /** Several documents at once; unknown ids are left out. */
  documents(ids: DocumentId[]): Promise<DocumentRecord[]>;

  /** The stored page (text, words with boxes), or null. */
  page(id: DocumentId, page: number): Promise<PageRecord | null>;

  health(): Promise<BackendHealth>;

  stats(): Promise<ArchiveStats>;
}
