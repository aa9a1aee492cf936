/**
 * zod counterparts of the HTTP response types (server/domain/types.ts and the services' views), for
 * the OpenAPI description (server/http/openapi.ts). Each is tied to its TypeScript type by
 * `satisfies z.ZodType<T>` — a field added to a type and not here fails the build — and
 * test/e2e/openapi.test.ts parses real responses of the running app with them, so the description
 * cannot drift from what the API sends. Request schemas are not here: they live beside the routes
 * that validate with them.
 */
import { z } from 'zod';
import type { AskedCondition, Citation, DocumentRecord, NotFound, ResultCondition, SearchResult } from '../domain/types.js';
import { zSearchFilters } from '../domain/types.js';
import type { AgentResponse } from '../services/agent.service.js';
import type { PageView } from '../services/document.service.js';
import { AUDIT_ACTIONS, type AuditEntry } from '../store/audit-log.js';
import type { SearchListItem } from '../store/searches.js';
import { ROLES, type User } from '../store/users.js';
import type { ExecutedStep } from '../agent/executor.js';
import type { MetadataHit } from '../domain/types.js';
import { VERDICTS, type Verdict, type VerdictWeek } from '../store/verdicts.js';

/** Every error: `{error: {code, message}}`; `message` is Polish, for the clerk. */
export const zErrorBody = z
  .object({ error: z.object({ code: z.string().meta({ description: 'Stable machine-readable code, e.g. document_not_found' }), message: z.string() }) })
  .meta({ id: 'Error' });

const zBox = z.object({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() }).meta({ description: 'Normalised 0..1 on the upright page' });

export const zCitation = z
  .object({
    page: z.number().int().min(1),
    quote: z.string().meta({ description: 'Exactly pageText.slice(start, end) of the stored page: verified on the server' }),
    start: z.number().int().min(0),
    end: z.number().int().min(0),
    boxes: z.array(zBox).optional(),
  })
  .meta({ id: 'Citation' }) satisfies z.ZodType<Citation>;

const zSource = z.object({ filename: z.string(), sha256: z.string() });

export const zResultDocument = z.object({
  id: z.string(),
  title: z.string().nullable(),
  caseNumber: z.string().nullable(),
  docType: z.string().nullable(),
  date: z.string().nullable().meta({ description: 'ISO yyyy-mm-dd, or null when unknown' }),
  source: zSource,
  pageCount: z.number().int(),
  externalId: z.string().optional().meta({ description: "Id in the city's document management system (EZD import)" }),
  externalUrl: z.string().optional().meta({ description: 'http(s) link to the case in that system' }),
  issuer: z.string().optional().meta({ description: 'The court or organ that issued the document, when read from it (search results)' }),
  outcome: z.string().optional().meta({ description: 'The result of the ruling or decision, when read from it (search results)' }),
});

const zConditionKind = z.enum(['caseNumber', 'parcel', 'address', 'investor', 'docType', 'object', 'subject', 'precinct', 'town', 'name', 'period', 'issuer', 'outcome']).meta({
  description:
    'caseNumber/parcel/address/investor: an identifier named; docType: the type of document; object: what is built; subject: the matter of the proceeding; precinct/town/name: a place or a name; period; issuer: the organ or court; outcome',
});

export const zAskedCondition = z
  .object({ kind: zConditionKind, value: z.string().meta({ description: 'what the question asked, as the clerk reads it' }) })
  .meta({ id: 'AskedCondition' }) satisfies z.ZodType<AskedCondition>;

const zResultCondition = z
  .object({
    ...zAskedCondition.shape,
    met: z.enum(['yes', 'no', 'unknown']).meta({
      description: 'yes: a span of the page shows it (citation); no: the document shows another value; unknown: it shows none',
    }),
    citation: z
      .object({ value: z.string(), page: z.number().int(), start: z.number().int(), end: z.number().int(), quote: z.string() })
      .optional()
      .meta({ description: 'the passage that decided; quote === page text [start, end), verified before sending; value: what the document shows there' }),
    recorded: z
      .object({ value: z.string(), origin: z.enum(['folder', 'cli', 'dms']) })
      .optional()
      .meta({ description: 'a yes from the value given at ingest (folder name, command line, document management system) that no page span shows' }),
  })
  .meta({ id: 'ResultCondition' }) satisfies z.ZodType<ResultCondition>;

export const zSearchResult = z
  .object({
    rank: z.number().int().min(1),
    score: z.number().min(0).max(1),
    confidence: z.enum(['high', 'medium', 'low']),
    document: zResultDocument,
    citations: z.array(zCitation),
    conditions: z
      .array(zResultCondition)
      .optional()
      .meta({ description: "the question's conditions judged against this document" }),
  })
  .meta({ id: 'SearchResult' }) satisfies z.ZodType<SearchResult>;

const zNotFound = z.object({ kind: z.enum(['caseNumber', 'parcel', 'address', 'investor', 'date']), value: z.string() }) satisfies z.ZodType<NotFound>;

const zExecutedStep = z.object({
  type: z.enum(['keyword', 'semantic', 'identifier', 'filter', 'followCase']),
  label: z.string().meta({ description: 'Polish description shown as "Szukano: …"' }),
  query: z.string().optional(),
  kind: z.string().optional(),
  value: z.string().optional(),
  precinct: z.string().optional(),
  filters: zSearchFilters.optional(),
  hits: z.number().int().min(0),
}) satisfies z.ZodType<ExecutedStep>;

/** `POST /api/agent/search` and `GET /api/search`: documents, verified citations and the plan — no prose. */
export const zAgentResponse = z
  .object({
    id: z.string(),
    question: z.string(),
    mode: z.enum(['llm', 'rules', 'hybrid', 'keyword', 'vector']),
    degraded: z.object({ reason: z.string() }).optional(),
    plan: z.array(zExecutedStep),
    notFound: z.array(zNotFound).optional(),
    conditions: z.array(zAskedCondition).optional().meta({ description: 'what the question asks of a document, as planned (shown with the plan)' }),
    partial: z
      .object({ unmet: z.array(zAskedCondition) })
      .optional()
      .meta({ description: 'no result is shown to meet every condition; unmet: the conditions the closest results do not meet. The results are the closest ones.' }),
    results: z.array(zSearchResult),
  })
  .meta({ id: 'AgentResponse' }) satisfies z.ZodType<AgentResponse>;

const zMetadataHit = z.object({
  documentId: z.string(),
  kind: z
    .enum(['caseNumber', 'references', 'docType', 'date', 'parcel', 'address', 'investor', 'issuer', 'outcome'])
    .meta({
      description:
        "caseNumber: the document's own signature; references: signatures it cites; issuer: the court or organ that issued it; outcome: the result of a ruling or decision",
    }),
  value: z.string(),
  raw: z.string(),
  page: z.number().int().nullable(),
  start: z.number().int().nullable(),
  end: z.number().int().nullable(),
  origin: z
    .enum(['text', 'folder', 'cli', 'dms', 'llm'])
    .meta({ description: "llm: proposed by the configured model and kept only because its raw text was found exactly at page/start/end" }),
  extra: z.record(z.string(), z.string()).optional(),
}) satisfies z.ZodType<MetadataHit>;

/** `GET /api/documents/:id`. */
export const zDocument = z
  .object({
    ...zResultDocument.shape,
    kind: z.string(),
    ocrPages: z.number().int().min(0),
    meanConfidence: z.number().nullable(),
    metadata: z.array(zMetadataHit),
  })
  .meta({ id: 'Document' }) satisfies z.ZodType<DocumentRecord>;

/** `GET /api/doc-types`: the types of the documents the caller may read, most first. */
export const zDocTypes = z
  .object({
    docTypes: z.array(z.object({ value: z.string().meta({ description: 'A document type as stored, e.g. "decyzja o pozwoleniu na budowę"' }), count: z.number().int().min(1) })),
  })
  .meta({ id: 'DocTypes' });

/** `GET /api/documents/:id/pages/:n`: the stored text and its words with boxes. */
export const zPageView = z
  .object({
    documentId: z.string(),
    page: z.number().int().min(1),
    pageCount: z.number().int().min(1),
    text: z.string(),
    words: z.array(z.object({ start: z.number().int(), end: z.number().int(), box: zBox, confidence: z.number() })),
    source: z.string(),
    confidence: z.number().nullable(),
    width: z.number(),
    height: z.number(),
    corrections: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Page' }) satisfies z.ZodType<PageView>;

const zSearchListItem = z.object({
  id: z.string(),
  userId: z.number().int().nullable(),
  userName: z.string().nullable(),
  createdAt: z.string(),
  question: z.string(),
  mode: z.string(),
  degraded: z.string().nullable(),
  resultCount: z.number().int(),
}) satisfies z.ZodType<SearchListItem>;

/** `GET /api/audit/searches`. */
export const zSearchList = z
  .object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), searches: z.array(zSearchListItem) })
  .meta({ id: 'SearchList' });

const zAuditEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  actorId: z.number().int().nullable(),
  actorName: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.enum(AUDIT_ACTIONS),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
  mac: z.string().nullable().meta({ description: 'HMAC of hash with the archive key (null before the archive was keyed)' }),
}) satisfies z.ZodType<AuditEntry>;

/** `GET /api/audit/events`. */
export const zEventList = z
  .object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), events: z.array(zAuditEntry) })
  .meta({ id: 'EventList' });

export const zUser = z
  .object({ id: z.number().int(), name: z.string(), role: z.enum(ROLES), disabled: z.boolean(), createdAt: z.string(), hasPassword: z.boolean() })
  .meta({ id: 'User' }) satisfies z.ZodType<User>;

/** `GET /api/auth/me` and the login's answer (which adds `csrfToken` and `expiresAt`). */
export const zWhoAmI = z
  .object({
    user: z.object({ name: z.string(), role: z.enum(ROLES) }),
    via: z.string(),
    permissions: z.array(z.string()),
    csrfToken: z.string().optional(),
    expiresAt: z.string().optional(),
  })
  .meta({ id: 'WhoAmI' });

/** A recorded verdict on a result of a past search. */
export const zVerdict = z
  .object({
    id: z.number().int(),
    searchId: z.string(),
    rank: z.number().int().min(1),
    documentId: z.string(),
    verdict: z.enum(VERDICTS),
    userId: z.number().int().nullable(),
    userName: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Verdict' }) satisfies z.ZodType<Verdict>;

/** Verdicts of one week (Monday–Sunday, UTC). */
export const zVerdictWeek = z.object({
  weekStart: z.string(),
  relevant: z.number().int(),
  notRelevant: z.number().int(),
  citationWrong: z.number().int(),
  total: z.number().int(),
  precision: z.number(),
}) satisfies z.ZodType<VerdictWeek>;

/** `GET /api/audit/searches/{id}`: a past search exactly as it was shown, beside who asked, and its verdicts. */
export const zStoredSearch = z
  .object({
    ...zSearchListItem.shape,
    response: z
      .object({})
      .catchall(z.unknown())
      .meta({ description: 'The AgentResponse as it was shown; a result whose document the caller may not read now is only {rank, restricted: true}' }),
    verdicts: z.array(zVerdict.extend({ documentId: z.string().nullable() })).meta({ description: 'The current verdict per result' }),
    history: z.array(zVerdict.extend({ documentId: z.string().nullable() })).meta({ description: 'Every verdict given, superseded ones included' }),
  })
  .meta({ id: 'StoredSearch' });

export * from './openapi-schemas-admin.js';
