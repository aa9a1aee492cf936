/**
 * The API's response shapes as the browser sees them (mirrors server/services/agent.service.ts
 * `AgentResponse`, server/services/document.service.ts `PageView`, server/domain/types.ts).
 */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface SearchFilters {
  caseNumber?: string;
  docType?: string;
  dateFrom?: string;
  dateTo?: string;
  precinct?: string;
  parcel?: string;
}

export const FILTER_KEYS = ['caseNumber', 'docType', 'dateFrom', 'dateTo', 'precinct', 'parcel'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export interface Citation {
  page: number;
  quote: string;
  start: number;
  end: number;
  boxes?: Box[];
}

export interface ResultDocument {
  id: string;
  title: string | null;
  caseNumber: string | null;
  docType: string | null;
  date: string | null;
  source: { filename: string; sha256: string };
  pageCount: number;
  /** Id of the document in the city's document management system (EZD), when imported from it. */
  externalId?: string;
  /** Link to the case in that system (http/https only). */
  externalUrl?: string;
  /** The court or organ that issued the document, when the archive read it (search results). */
  issuer?: string;
  /** The result of the ruling or decision ("oddala skargę"), when the archive read it (search results). */
  outcome?: string;
}

/** What a question asks of a document, one condition at a time (server/domain/types.ts `ConditionKind`). */
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
  /** What the question asked, as the clerk reads it. */
  value: string;
}

/** A condition of the question judged against one result. */
export interface ResultCondition extends AskedCondition {
  /** `yes` only with a span of the page that shows it; `no`: the document shows another value; `unknown`: it shows none. */
  met: 'yes' | 'no' | 'unknown';
  /** The passage that decided (`value`: what the document shows there): the page's text from `start` to `end` is `quote`. */
  citation?: { value: string; page: number; start: number; end: number; quote: string };
  recorded?: { value: string; origin: 'folder' | 'cli' | 'dms' };
}

export interface SearchResult {
  rank: number;
  score: number;
  confidence: 'high' | 'medium' | 'low';
  document: ResultDocument;
  citations: Citation[];
  /** The question's conditions judged against this document (absent when the question set none). */
  conditions?: ResultCondition[];
}

export interface PlanStepView {
  type: string;
  label: string;
  query?: string;
  kind?: string;
  value?: string;
  hits: number;
}

export interface AgentResponse {
  id: string;
  question: string;
  mode: string;
  degraded?: { reason: string };
  plan: PlanStepView[];
  notFound?: { kind: string; value: string }[];
  /** What the question asks of a document, as planned. */
  conditions?: AskedCondition[];
  /** No result is shown to meet every condition: `unmet` are those some result does not meet; the results are the closest ones. */
  partial?: { unmet: AskedCondition[] };
  results: SearchResult[];
}

/** One metadata value with where it was read from (`origin` 'llm': proposed by the model, found verbatim at the span). */
export interface MetadataValue {
  kind?: string;
  value?: string;
  raw?: string;
  page?: number | null;
  start?: number | null;
  end?: number | null;
  origin?: string;
  /** Kind-specific details, e.g. a date's `role`: 'document' (its own date) or 'mentioned'. */
  extra?: Record<string, string>;
}

export interface DocumentRecord extends ResultDocument {
  metadata: MetadataValue[];
}

/** `GET /api/doc-types`: the types of the documents the caller may read, most first. */
export interface DocTypeCount {
  value: string;
  count: number;
}

export interface PageView {
  documentId: string;
  page: number;
  pageCount: number;
  text: string;
  words: { start: number; end: number; box: Box }[];
  /** Where the text came from: the PDF's own text layer, OCR of the scan, or nothing. */
  source?: 'text-layer' | 'ocr' | 'empty';
  width: number;
  height: number;
}
