/**
 * Path and query parameters of the HTTP routes, as zod schemas: the routes validate with them
 * (`parseParams`) and the OpenAPI description (./openapi.ts) is generated from the same objects, so
 * what the description promises is what the route accepts. Body schemas stay beside their routes
 * or stores; these are the ones that `req.params` / `req.query` are read through.
 */
import { z } from 'zod';
import { zSearchFilters } from '../domain/types.js';
import { DomainError } from '../errors.js';
import { zAgentRequest } from '../services/agent.service.js';

/** `:id` of a document. */
export const zDocId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/).meta({ description: 'Document id' });
/** `:n` of a page: a number from 1 (`0` names no page: 404). */
export const zPageNo = z
  .string()
  .regex(/^\d{1,6}$/)
  .transform(Number)
  .meta({ description: 'Page number, from 1' });
/** A positive row id, as restrictions and webhooks are numbered. */
const zRowId = z
  .string()
  .regex(/^[1-9][0-9]{0,11}$/)
  .transform(Number);

export const zDocParams = z.object({ id: zDocId });
export const zPageParams = z.object({ id: zDocId, n: zPageNo });
/** `:id` of an ingest batch or file. */
export const zIngestIdParams = z.object({
  id: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number)
    .meta({ description: 'Batch or file id' }),
});
export const zRestrictionParams = z.object({ id: zRowId.meta({ description: 'Restriction id' }) });
export const zWebhookParams = z.object({ id: zRowId.meta({ description: 'Webhook id' }) });
/** `:id` of a stored search (a UUID). */
export const zSearchParams = z.object({ id: z.string().regex(/^[0-9a-f-]{1,64}$/i).meta({ description: 'Search id (UUID)' }) });
export const zUserParams = z.object({ name: z.string().meta({ description: 'User name' }) });

const LIMIT_MESSAGE = 'limit musi być liczbą całkowitą';
const agentLimit = zAgentRequest.shape.limit.unwrap();

/**
 * `GET /api/search`: the agent request as query parameters (the filters are the same schemas as
 * the body's). Unknown parameters are ignored; each known one may appear once.
 */
export const zSearchQuery = z.object({
  q: z.string({ error: 'brak parametru q (jeden tekst)' }).meta({ description: 'The question (Polish)' }),
  limit: z.coerce
    .number({ error: LIMIT_MESSAGE })
    .int({ error: LIMIT_MESSAGE })
    .min(agentLimit.minValue ?? 1)
    .max(agentLimit.maxValue ?? 50)
    .optional()
    .meta({ description: 'How many documents at most (default 10)' }),
  ...zSearchFilters.shape,
});
export const SEARCH_FILTER_KEYS = Object.keys(zSearchFilters.shape) as (keyof z.infer<typeof zSearchFilters>)[];

const BATCHES_MESSAGE = 'limit musi być liczbą od 1 do 100';
/** `GET /api/ingest/batches`. */
/** `GET /documents?sha256=HEX`: the documents made from one original file. */
export const zDocumentsQuery = z.object({
  sha256: z
    .string({ error: 'podaj sha256: skrót SHA-256 pliku (64 znaki szesnastkowe)' })
    .regex(/^[0-9a-fA-F]{64}$/, { error: 'sha256 musi mieć 64 znaki szesnastkowe' })
    .transform((v) => v.toLowerCase())
    .meta({ description: 'SHA-256 of the original file, hex' }),
});

export const zBatchesQuery = z.object({
  limit: z.coerce
    .number({ error: BATCHES_MESSAGE })
    .int({ error: BATCHES_MESSAGE })
    .min(1, { error: BATCHES_MESSAGE })
    .max(100, { error: BATCHES_MESSAGE })
    .default(20)
    .meta({ description: 'How many batches, newest first' }),
});

/** `GET /api/restrictions`: `all=1` (or `true`) includes lifted rules. */
export const zRestrictionsQuery = z.object({
  all: z.enum(['1', 'true'], { error: 'parametr all: 1 lub true' }).optional().meta({ description: 'Include lifted restrictions' }),
});

/**
 * Parses `value` (a request's params or query) with `schema`; on failure throws what `fail`
 * makes of the first issue — each route keeps the code and Polish message it has always answered.
 */
export function parseParams<S extends z.ZodType>(schema: S, value: unknown, fail: (issue: z.core.$ZodIssue) => DomainError): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw fail(r.error.issues[0]!);
  return r.data;
}

/** The usual 400: the issue's own message (a schema-level Polish one). */
export const invalidRequest = (issue: z.core.$ZodIssue) => new DomainError('invalid_request', issue.message);
