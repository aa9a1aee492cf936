/**
 * Domain types of search: filters, hits, records, citations and the response contract of
 * `POST /api/agent/search` (see ../shared/DESIGN.md "Contracts that outside tools rely on").
 * Ids are strings everywhere above the storage layer, so that backends can choose their own keys
 * (SQLite integer rowids, Elasticsearch document ids).
 */
import { z } from 'zod';
import type { MetaValue } from '../../ingest/types.js';
import type { Role } from '../store/users.js';

export type DocumentId = string;
export type ChunkId = string;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const zIsoDate = z
  .string()
  .regex(ISO_DATE, 'data w formacie RRRR-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'nieprawidłowa data');
const zShort = (max: number) => z.string().trim().min(1).max(max);

/** Filters a clerk (or a plan) may apply to any search. All are exact on normalised values. */
export const zSearchFilters = z
  .object({
    /** Case signature in any written variant; normalised before use. */
    caseNumber: zShort(100).optional(),
    /** Document type as stored (e.g. "decyzja", "postanowienie"); a prefix match on the type. */
    docType: zShort(100).optional(),
    dateFrom: zIsoDate.optional(),
    dateTo: zIsoDate.optional(),
    /** Cadastral precinct (obręb), e.g. "Oporów"; diacritics and case folded. */
    precinct: zShort(100).optional(),
    /** Parcel number, e.g. "45/7". */
    parcel: zShort(50).optional(),
  })
  .strict();
export type SearchFilters = z.infer<typeof zSearchFilters>;

/**
 * One form of a query term. A multi-word `text` is a phrase. `prefix` matches every word that
 * starts with `text` (used for stems of inflected Polish words). The backend always quotes `text`:
 * raw user text never reaches a query language.
 */
export interface TermForm {
  text: string;
  prefix?: boolean;
}

/** A term matches when any of its forms matches (a word, its stem, its synonyms). */
export interface QueryTerm {
  forms: TermForm[];
}

/** A keyword query built by the application, never a query string. */
export interface KeywordQuery {
  terms: QueryTerm[];
  /** 'all': every term must match (AND); 'any': at least one (OR, ranked by BM25). */
  match: 'all' | 'any';
  /**
   * 'words': the word index (diacritics folded, ł included). 'substring': the trigram index —
   * finds a form inside longer tokens and across tokenizer splits; forms under 3 characters are ignored.
   */
  index?: 'words' | 'substring';
}

/**
 * Who a backend answers for. Restricted documents (server/store/restrictions.ts) are visible only
 * to the users and roles every restriction on them names — admins are not exempt. An `Actor`
 * (server/store/users.ts) is a Viewer. User principals are matched by `name` (unique, never reused).
 */
export interface Viewer {
  userId: number | null;
  name: string;
  role: Role;
}

/**
 * The system itself — ingest, evaluation, benchmarks — sees every document. Recognised by identity
 * only (no field of a request can produce it), so it is never handed to an HTTP caller; grep for it.
 */
export const UNRESTRICTED_VIEWER: Viewer = Object.freeze({ userId: null, name: 'system:unrestricted', role: 'admin' as Role });

/** True only for UNRESTRICTED_VIEWER itself (an equal-looking copy is an ordinary viewer). */
export function isUnrestricted(viewer: Viewer | undefined): boolean {
  return viewer === UNRESTRICTED_VIEWER;
}

export interface SearchOptions {
  filters?: SearchFilters;
  limit: number;
  /** Whose search it is: restricted documents this viewer may not read are never seen. */
  viewer: Viewer;
}

/** A ranked hit: a chunk of a page of a ready document. `score` is the backend's own (not comparable). */
export interface ChunkHit {
  chunkId: ChunkId;
  documentId: DocumentId;
  page: number;
  start: number;
  end: number;
  score: number;
}

export interface ChunkRecord {
  chunkId: ChunkId;
  documentId: DocumentId;
  page: number;
  start: number;
  end: number;
  text: string;
}

/** A metadata value found in a ready document, with its span when it was read from page text. */
export interface MetadataHit extends MetaValue {
  documentId: DocumentId;
}

export interface DocumentRecord {
  id: DocumentId;
  title: string | null;
  caseNumber: string | null;
  docType: string | null;
  /** ISO yyyy-mm-dd or null when unknown. */
  date: string | null;
  source: { filename: string; sha256: string };
  pageCount: number;
  kind: string;
  ocrPages: number;
  meanConfidence: number | null;
  metadata: MetadataHit[];
  /** The document's id in the city's document management system (EZD), when imported from it. */
  externalId?: string;
  /** A link to the case in that system (http/https), when the export gave one. */
  externalUrl?: string;
}

/** A stored word: `[start, end, x0, y0, x1, y1, confidence]`, box normalised 0..1 on the upright page. */
export type StoredWord = [number, number, number, number, number, number, number];

export interface PageRecord {
  documentId: DocumentId;
  page: number;
  text: string;
  words: StoredWord[];
  source: 'text-layer' | 'ocr' | 'empty';
  confidence: number | null;
  width: number;
  height: number;
  corrections: Record<string, unknown>;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A verified passage: `quote === pageText.slice(start, end)` on the stored page. */
export interface Citation {
  page: number;
  quote: string;
  start: number;
  end: number;
  boxes?: Box[];
}

/** A passage proposed by the application before verification. */
export interface CitationCandidate {
  documentId: DocumentId;
  page: number;
  start: number;
  end: number;
  quote: string;
}

export type Confidence = 'high' | 'medium' | 'low';

/** What a result shows of its document (the response contract in DESIGN.md). */
export type ResultDocument = Pick<
  DocumentRecord,
  'id' | 'title' | 'caseNumber' | 'docType' | 'date' | 'source' | 'pageCount' | 'externalId' | 'externalUrl'
> & {
  /** The court or organ that issued the document (its first 'issuer' value in page order), when read. */
  issuer?: string;
  /** The result of the ruling or decision (its first 'outcome' value in page order), when read. */
  outcome?: string;
};

/**
 * What a question asks of a document, one condition at a time: an identifier it names, the type of
 * document, the object built, the matter of the proceeding, a place (precinct, town, a name), the
 * period, the organ or court, the outcome.
 */
export type ConditionKind =
  | 'caseNumber'
  | 'parcel'
  | 'address'
  | 'investor'
  | 'docType'
  | 'object'
  | 'subject'
  | 'precinct'
  | 'town'
  | 'name'
  | 'period'
  | 'issuer'
  | 'outcome';

/** A condition of the question as planned (shown with the plan). */
export interface AskedCondition {
  kind: ConditionKind;
  /** What the question asked, as the clerk reads it ("dom jednorodzinny", "Oporów", "2006"). */
  value: string;
}

/** A condition of the question judged against one result. */
export interface ResultCondition extends AskedCondition {
  /** `yes` only with a span of the page that shows it; `no`: the document shows another value; `unknown`: it shows none. */
  met: 'yes' | 'no' | 'unknown';
  /** The passage that decided (`value`: what the document shows there): `quote === pageText.slice(start, end)`, verified before sending. */
  citation?: { value: string; page: number; start: number; end: number; quote: string };
  /**
   * A `yes` from the archive's record rather than a page: the value given at ingest by the folder name,
   * the command line or the document management system (EZD), which no page span shows.
   */
  recorded?: { value: string; origin: 'folder' | 'cli' | 'dms' };
}

export interface SearchResult {
  rank: number;
  /** In [0, 1], comparable across questions (see server/domain/score.ts). */
  score: number;
  confidence: Confidence;
  document: ResultDocument;
  citations: Citation[];
  /** The question's conditions judged against this document (agent search; absent when the question set none). */
  conditions?: ResultCondition[];
}

export type IdentifierKind = 'caseNumber' | 'parcel' | 'address' | 'investor' | 'date';

export interface NotFound {
  kind: IdentifierKind;
  value: string;
}
