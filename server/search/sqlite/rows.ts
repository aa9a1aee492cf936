/**
 * Database rows → domain records, and defensive parsing of ids and JSON columns. A malformed
 * stored value degrades to an empty one here instead of failing a whole search.
 */
import type { MetaKind } from '../../../ingest/types.js';
import type { ChunkHit, ChunkRecord, DocumentRecord, MetadataHit, PageRecord, StoredWord } from '../../domain/types.js';

/** A positive integer rowid from a string id, or null (non-numeric, zero, huge, "1e3", " 1"). */
export function parseId(id: unknown): number | null {
  if (typeof id !== 'string' || !/^[1-9][0-9]{0,15}$/.test(id)) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : null;
}

/** A result-size limit as an integer in [0, max]; anything unusable is 0. */
export function clampLimit(limit: unknown, max: number): number {
  if (typeof limit !== 'number' || !Number.isFinite(limit)) return 0;
  return Math.max(0, Math.min(max, Math.floor(limit)));
}

function parseJson(s: unknown): unknown {
  if (typeof s !== 'string') return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

function stringRecord(s: unknown): Record<string, string> | undefined {
  const v = parseJson(s);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Stored words `[[start, end, x0, y0, x1, y1, confidence], …]`; malformed entries are skipped. */
export function parseWords(s: unknown): StoredWord[] {
  const v = parseJson(s);
  if (!Array.isArray(v)) return [];
  return v.filter(
    (w): w is StoredWord => Array.isArray(w) && w.length === 7 && w.every((x) => typeof x === 'number' && Number.isFinite(x)),
  );
}

export interface MetadataRow {
  document_id: number;
  kind: string;
  value: string;
  raw: string;
  page: number | null;
  start: number | null;
  end: number | null;
  origin: string;
  extra: string | null;
}

export function metadataHit(r: MetadataRow): MetadataHit {
  const hit: MetadataHit = {
    documentId: String(r.document_id),
    kind: r.kind as MetaKind,
    value: r.value,
    raw: r.raw,
    page: r.page,
    start: r.start,
    end: r.end,
    origin: r.origin === 'folder' || r.origin === 'cli' || r.origin === 'dms' || r.origin === 'llm' ? r.origin : 'text',
  };
  const extra = stringRecord(r.extra);
  if (extra) hit.extra = extra;
  return hit;
}

export interface DocumentDbRow {
  id: number;
  sha256: string;
  filename: string;
  kind: string;
  title: string | null;
  case_number: string | null;
  doc_type: string | null;
  doc_date: string | null;
  page_count: number;
  ocr_pages: number;
  mean_confidence: number | null;
  external_id?: string | null;
  external_url?: string | null;
}

export function documentRecord(r: DocumentDbRow, metadata: MetadataHit[]): DocumentRecord {
  return {
    id: String(r.id),
    title: r.title,
    caseNumber: r.case_number,
    docType: r.doc_type,
    date: r.doc_date,
    source: { filename: r.filename, sha256: r.sha256 },
    pageCount: r.page_count,
    kind: r.kind,
    ocrPages: r.ocr_pages,
    meanConfidence: r.mean_confidence,
    metadata,
    ...(r.external_id ? { externalId: r.external_id } : {}),
    ...(r.external_url ? { externalUrl: r.external_url } : {}),
  };
}

export interface PageDbRow {
  document_id: number;
  page: number;
  text: string;
  words: string;
  source: string;
  confidence: number | null;
  width: number;
  height: number;
  corrections: string;
}

export function pageRecord(r: PageDbRow): PageRecord {
  const corrections = parseJson(r.corrections);
  return {
    documentId: String(r.document_id),
    page: r.page,
    text: r.text,
    words: parseWords(r.words),
    source: r.source === 'ocr' || r.source === 'empty' ? r.source : 'text-layer',
    confidence: r.confidence,
    width: r.width,
    height: r.height,
    corrections:
      corrections !== null && typeof corrections === 'object' && !Array.isArray(corrections)
        ? (corrections as Record<string, unknown>)
        : {},
  };
}

/** A chunk row as the backend selects it (text only when asked). */
export interface ChunkRow {
  id: number;
  documentId: number;
  page: number;
  start: number;
  end: number;
  text?: string;
}

export function hit(r: ChunkRow, score: number): ChunkHit {
  return { chunkId: String(r.id), documentId: String(r.documentId), page: r.page, start: r.start, end: r.end, score };
}

export function chunkRecord(r: ChunkRow): ChunkRecord {
  return {
    chunkId: String(r.id),
    documentId: String(r.documentId),
    page: r.page,
    start: r.start,
    end: r.end,
    text: r.text ?? '',
  };
}

/** Parsed rowids in first-seen order; unparseable ids dropped. */
export function uniqueIds(ids: unknown): number[] {
  if (!Array.isArray(ids)) return [];
  const out = new Set<number>();
  for (const id of ids) {
    const n = parseId(id);
    if (n !== null) out.add(n);
  }
  return [...out];
}
