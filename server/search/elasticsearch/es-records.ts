/**
 * What the Elasticsearch backend stores (`_source` of each record kind), its ids, and the parsing
 * of stored sources back into the domain's records. Parsing is defensive: a malformed stored value
 * degrades to an empty one instead of failing a whole search (as server/search/sqlite/rows.ts).
 */
import type { MetaKind } from '../../../ingest/types.js';
import type { ChunkHit, ChunkRecord, DocumentRecord, MetadataHit, PageRecord, StoredWord } from '../../domain/types.js';

/** Fields every record carries so each query can filter without a join (see mappings.ts). */
export interface CommonSource {
  doc_id: string;
  status: 'pending' | 'ready';
  restriction_count: number;
  restrictions: { principals: string[] }[];
  case_number: string | null;
  doc_type: string | null;
  doc_date: string | null;
  parcels: { number: string; precinct: string | null }[];
}

export interface DocumentSource extends CommonSource {
  sha256: string;
  filename: string;
  kind: string;
  title: string | null;
  page_count: number;
  ocr_pages: number;
  /** Document management system id and link (DMS import), or null. */
  external_id: string | null;
  external_url: string | null;
  mean_confidence: number | null;
  /** The document's metadata values, as `document()` returns them (not indexed). */
  metadata: Omit<MetadataHit, 'documentId'>[];
  indexed_at: string;
}

export interface PageSource extends CommonSource {
  page: number;
  text: string;
  words: StoredWord[];
  source: PageRecord['source'];
  confidence: number | null;
  width: number;
  height: number;
  corrections: Record<string, unknown>;
}

export interface ChunkSource extends CommonSource {
  chunk_key: string;
  seq: number;
  page: number;
  start: number;
  end: number;
  text: string;
  embedding: number[];
}

export interface MetadataSource extends CommonSource {
  seq: number;
  kind: MetaKind;
  value: string;
  raw: string;
  page: number | null;
  start: number | null;
  end: number | null;
  origin: MetadataHit['origin'];
  precinct: string | null;
  extra: Record<string, string> | null;
}

const DOC = /^[1-9][0-9]{0,15}$/;
const CHUNK = /^([1-9][0-9]{0,15})-([0-9]{1,7})$/;

/**
 * A document id is the archive record's id (the same id the embedded backend answers with), so
 * links, stored searches, verdicts and restrictions stay valid when an archive moves from the
 * embedded backend to Elasticsearch. The record is keyed by SHA-256, so writes stay idempotent.
 */
export function isDocumentId(id: unknown): id is string {
  return typeof id === 'string' && DOC.test(id);
}

/** A chunk id: `${documentId}-${seq}`, zero-padded so ids sort in page order. */
export function chunkId(documentId: string, seq: number): string {
  return `${documentId}-${String(seq).padStart(6, '0')}`;
}

export function isChunkId(id: unknown): id is string {
  return typeof id === 'string' && CHUNK.test(id);
}

export const pageRecordId = (documentId: string, page: number) => `${documentId}-p${page}`;
export const metadataRecordId = (documentId: string, seq: number) => `${documentId}-m${seq}`;

const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Distinct valid ids in first-seen order. */
export function uniqueValid(ids: unknown, valid: (id: unknown) => id is string): string[] {
  return Array.isArray(ids) ? [...new Set(ids.filter(valid))] : [];
}

export function chunkHit(s: Partial<ChunkSource>, id: string, score: number): ChunkHit {
  return { chunkId: id, documentId: String(s.doc_id), page: num(s.page), start: num(s.start), end: num(s.end), score };
}

export function chunkRecord(s: Partial<ChunkSource>, id: string): ChunkRecord {
  return { chunkId: id, documentId: String(s.doc_id), page: num(s.page), start: num(s.start), end: num(s.end), text: str(s.text) ?? '' };
}

export function metadataHit(s: Partial<MetadataSource>): MetadataHit {
  const hit: MetadataHit = {
    documentId: String(s.doc_id),
    kind: s.kind as MetaKind,
    value: str(s.value) ?? '',
    raw: str(s.raw) ?? '',
    page: numOrNull(s.page),
    start: numOrNull(s.start),
    end: numOrNull(s.end),
    origin: s.origin === 'folder' || s.origin === 'cli' || s.origin === 'dms' || s.origin === 'llm' ? s.origin : 'text',
  };
  if (s.extra && typeof s.extra === 'object' && Object.keys(s.extra).length > 0) hit.extra = { ...s.extra };
  return hit;
}

export function documentRecord(s: Partial<DocumentSource>, id: string): DocumentRecord {
  const metadata = Array.isArray(s.metadata) ? s.metadata : [];
  return {
    id,
    title: str(s.title),
    caseNumber: str(s.case_number),
    docType: str(s.doc_type),
    date: str(s.doc_date),
    source: { filename: str(s.filename) ?? '', sha256: str(s.sha256) ?? id },
    pageCount: num(s.page_count),
    kind: str(s.kind) ?? '',
    ocrPages: num(s.ocr_pages),
    meanConfidence: numOrNull(s.mean_confidence),
    metadata: metadata.map((m) => ({ ...m, documentId: id })),
    ...(str(s.external_id) ? { externalId: str(s.external_id)! } : {}),
    ...(str(s.external_url) ? { externalUrl: str(s.external_url)! } : {}),
  };
}

export function pageRecord(s: Partial<PageSource>): PageRecord {
  const words = Array.isArray(s.words)
    ? s.words.filter((w): w is StoredWord => Array.isArray(w) && w.length === 7 && w.every((x) => typeof x === 'number'))
    : [];
  const corrections = s.corrections && typeof s.corrections === 'object' && !Array.isArray(s.corrections) ? s.corrections : {};
  return {
    documentId: String(s.doc_id),
    page: num(s.page),
    text: str(s.text) ?? '',
    words,
    source: s.source === 'ocr' || s.source === 'empty' ? s.source : 'text-layer',
    confidence: numOrNull(s.confidence),
    width: num(s.width),
    height: num(s.height),
    corrections,
  };
}
