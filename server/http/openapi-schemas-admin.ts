/**
 * zod counterparts of the response types of the records staff's and administrators' routes
 * (ingest progress, the archive overview, restrictions, webhooks), tied to their TypeScript types by
 * `satisfies z.ZodType<T>` like those of ./openapi-schemas.ts, which re-exports them.
 */
import { z } from 'zod';
import type { ArchiveOverview } from '../services/overview.service.js';
import type { BatchView, FileView } from '../services/upload.service.js';
import { RESTRICTION_SCOPES, type Restriction } from '../store/restrictions.js';
import { WEBHOOK_EVENTS, type Webhook, type WebhookDelivery } from '../store/webhooks.js';

/** An ingest batch with its progress counts. */
export const zBatchView = z
  .object({
    id: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    status: z.enum(['running', 'done', 'interrupted']).meta({ description: "'running' only while the process running it is alive" }),
    summary: z.object({
      batchId: z.number().int(),
      files: z.number().int(),
      queued: z.number().int(),
      running: z.number().int(),
      ingested: z.number().int(),
      present: z.number().int().meta({ description: 'Already in the archive (same SHA-256)' }),
      failed: z.number().int(),
      pagesDone: z.number().int(),
      pagesTotal: z.number().int(),
    }),
  })
  .meta({ id: 'Batch' }) satisfies z.ZodType<BatchView>;

/** One file of a batch: stage, pages done, and the failure reason records staff can act on. */
export const zFileView = z
  .object({
    id: z.number().int(),
    name: z.string().meta({ description: 'Path inside the upload; the full path for CLI batches' }),
    size: z.number().int().nullable(),
    status: z.enum(['queued', 'running', 'ingested', 'present', 'failed']),
    stage: z.string(),
    pagesDone: z.number().int(),
    pagesTotal: z.number().int().nullable(),
    detected: z.string().nullable(),
    documentId: z.number().int().nullable(),
    error: z.object({ code: z.string(), reason: z.string().meta({ description: 'Polish, for the records staff' }) }).nullable(),
    notice: z
      .string()
      .optional()
      .meta({ description: 'An ingested file that needs a look (metadata not read in its time limit): the reason, Polish' }),
    withheld: z
      .literal(true)
      .optional()
      .meta({ description: "The file's document is restricted from the caller: name, size, type and document id withheld (name is a placeholder)" }),
  })
  .meta({ id: 'IngestFile' }) satisfies z.ZodType<FileView>;

/** `GET /api/archive/overview`: counts of what the caller may read. */
export const zOverview = z.object({
  documents: z.number().int(),
  pages: z.number().int(),
  scannedPages: z.number().int(),
  bornDigitalPages: z.number().int(),
  emptyPages: z.number().int(),
  failedFiles: z.number().int(),
  batches: z.number().int(),
  lastBatchAt: z.string().nullable(),
  searchIndex: z
    .object({ backend: z.literal('elasticsearch'), waiting: z.number().int(), failing: z.number().int() })
    .optional()
    .meta({ description: 'Scaled out only: changes not yet in the Elasticsearch index (retried every few seconds)' }),
}) satisfies z.ZodType<ArchiveOverview>;

/** A webhook as listed: never with its secret. */
export const zWebhook = z
  .object({
    id: z.number().int(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    disabledAt: z.string().nullable().meta({ description: 'When it was removed; null while active' }),
  })
  .meta({ id: 'Webhook' }) satisfies z.ZodType<Webhook>;

/** One delivery of one event to one webhook, with its attempts so far. */
export const zWebhookDelivery = z
  .object({
    id: z.string(),
    webhookId: z.number().int(),
    event: z.enum(WEBHOOK_EVENTS),
    payload: z.object({
      event: z.enum(WEBHOOK_EVENTS),
      deliveryId: z.string(),
      occurredAt: z.string(),
      data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.number())])).meta({ description: 'Ids, hashes, statuses, counts and error codes only' }),
    }),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int().min(0),
    nextAttemptAt: z.string().nullable(),
    lastStatus: z.number().int().nullable().meta({ description: 'HTTP status of the last answer, if any came' }),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' }) satisfies z.ZodType<WebhookDelivery>;

/** An access restriction as stored and listed. */
export const zRestriction = z
  .object({
    id: z.number().int(),
    scope: z.enum(RESTRICTION_SCOPES),
    value: z.string().meta({ description: 'Canonical signature, absolute folder path, or document id' }),
    principals: z.array(z.object({ kind: z.enum(['user', 'role']), value: z.string() })),
    reason: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    removedAt: z.string().nullable(),
    removedBy: z.string().nullable(),
    documents: z.number().int().min(0).meta({ description: 'Documents it covers now (0 once removed)' }),
  })
  .meta({ id: 'Restriction' }) satisfies z.ZodType<Restriction>;
