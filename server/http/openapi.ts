/**
 * The OpenAPI 3.1 description of the HTTP API, assembled from the zod schemas the routes validate
 * with (request bodies and queries) and the response schemas of ./openapi-schemas.ts, converted by
 * zod's own `z.toJSONSchema` (OpenAPI 3.1 schemas are JSON Schema 2020-12, so no generator package
 * is needed). `ROUTE_DOCS` has one entry per row of the permission table (`ROUTES`); who may call a
 * route comes from that table, never from here. test/e2e/openapi.test.ts checks both directions.
 */
import { z } from 'zod';
import { zAgentRequest } from '../services/agent.service.js';
import { PERMISSIONS, ROUTES, type Method, type RouteRule } from '../security/permissions.js';
import { zNewRestriction } from '../store/restrictions.js';
import { zNewWebhook } from '../store/webhooks.js';
import * as R from './openapi-schemas.js';
import { zErrorBody } from './openapi-schemas.js';
import * as P from './params.js';
import { zEventsQuery, zListQuery, zVerdictBody } from './routes/audit.js';
import { zLogin } from './routes/auth.js';
import { zChange, zCreate, zPasswordBody } from './routes/users.js';

/** One response of a route: a JSON body schema, or another content type (files, redirects). */
export interface ResponseDoc {
  description: string;
  /** JSON body; omitted for bodiless answers (204, redirects). */
  schema?: z.ZodType;
  /** Non-JSON body, e.g. `image/*` or `application/octet-stream`. */
  contentType?: string;
}

/** What the description says of one route; the access rule is taken from `ROUTES`. */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** Path parameters (`:id` → `{id}`). */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** JSON request body. */
  body?: z.ZodType;
  /** Bearer tokens only, no browser session (the MCP transport). */
  bearerOnly?: boolean;
  /** A multipart upload instead of JSON (`POST /ingest`). */
  multipart?: boolean;
  /** Success responses by status code; error responses are added from the access rule. */
  responses: Record<number, ResponseDoc>;
}

/** `METHOD /path` of a `ROUTES` row, with OpenAPI-style parameters: `GET /documents/{id}`. */
export type RouteKey = `${Method} ${string}`;
export const routeKey = (r: Pick<RouteRule, 'method' | 'path'>): RouteKey => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`;

const ok = (description: string, schema?: z.ZodType): Record<number, ResponseDoc> => ({ 200: { description, ...(schema ? { schema } : {}) } });
/** A JSON-RPC 2.0 message (the MCP SDK validates the rest). */
const zJsonRpc = z.object({ jsonrpc: z.literal('2.0'), method: z.string().optional(), id: z.union([z.string(), z.number()]).optional(), params: z.unknown().optional() }).catchall(z.unknown());

/**
 * One entry per row of `ROUTES` (server/security/permissions.ts). Request schemas are the objects
 * the routes validate with, imported from where they are defined (path and query parameters from
 * ./params.ts).
 */
export const ROUTE_DOCS: Readonly<Record<string, RouteDoc>> = {
  'GET /openapi.json': { summary: 'This description of the API (OpenAPI 3.1)', responses: ok('The OpenAPI document', z.object({ openapi: z.string() }).catchall(z.unknown())) },

  'POST /auth/login': { summary: 'Sign in with name and password: sets the session cookie, returns the CSRF token', body: zLogin, responses: { ...ok('Signed in', R.zWhoAmI), 429: { description: 'Too many attempts; see Retry-After', schema: zErrorBody } } },
  'POST /auth/logout': { summary: 'End the browser session', responses: { 204: { description: 'Signed out' } } },
  'GET /auth/me': { summary: 'Who am I: user, role and permissions (the UI builds its navigation from it)', responses: ok('The caller', R.zWhoAmI) },
  'GET /auth/oidc/login': { summary: 'Start single sign-on: redirects to the city\'s identity provider', query: z.object({ returnTo: z.string().optional() }), responses: { 302: { description: 'Redirect to the identity provider' }, 404: { description: 'Single sign-on is not enabled', schema: zErrorBody } } },
  'GET /auth/oidc/callback': { summary: 'Return from the identity provider: starts a session and redirects to the UI', responses: { 302: { description: 'Redirect to the UI with the session cookie set' } } },
  'GET /auth/options': { summary: 'Which ways to sign in exist (password, single sign-on)', responses: ok('Sign-in options', z.object({ password: z.boolean(), sso: z.boolean() })) },

  'POST /agent/search': {
    summary: 'Agent search: a question in Polish → ranked documents with verified citations and the search plan (no prose)',
    body: zAgentRequest,
    responses: { ...ok('Ranked documents, citations, plan, notFound', R.zAgentResponse), 429: { description: 'Too many searches', schema: zErrorBody } },
  },
  'GET /search': { summary: 'Direct hybrid search (keyword + vector, fused) without the planner', query: P.zSearchQuery, responses: ok('Ranked documents and citations', R.zAgentResponse) },

  'GET /documents/{id}': { summary: 'A document with its metadata (each value with the span it was read from)', params: P.zDocParams, responses: ok('The document', R.zDocument) },
  'GET /documents/{id}/pages/{n}': { summary: 'A page: stored text and words with boxes (citations index into this text)', params: P.zPageParams, responses: ok('The page', R.zPageView) },
  'GET /documents/{id}/pages/{n}/image': { summary: 'The page image at screen resolution', params: P.zPageParams, responses: { 200: { description: 'The image', contentType: 'image/*' } } },
  'GET /documents/{id}/file': { summary: 'The original file as ingested, unmasked (documents.original); Content-Type as detected from its content at ingest', params: P.zDocParams, responses: { 200: { description: 'The original file (attachment)', contentType: 'application/octet-stream' } } },
  'GET /documents': { summary: 'The documents made from one original file (by its SHA-256) that the caller may read, with metadata and the span each value was read from; none for an unknown or restricted file', query: P.zDocumentsQuery, responses: ok('The documents', z.object({ sha256: z.string(), documents: z.array(R.zDocument) })) },
  'GET /doc-types': { summary: 'The document types the archive holds, each with how many documents the caller may read carry it (restricted documents are not counted), most first; for the search form\'s type filter', responses: ok('Document types with counts', R.zDocTypes) },
  'GET /documents/{id}/file/masked': { summary: 'A PDF of the page images in place of the original: identifiers covered for roles that may not see them; made on request', params: P.zDocParams, responses: { 200: { description: 'The PDF (attachment)', contentType: 'application/pdf' } } },

  'POST /ingest': { summary: 'Upload files (multipart) into a new ingest batch', multipart: true, responses: { 202: { description: 'Batch queued', schema: z.object({ batchId: z.number().int() }) }, 413: { description: 'Too large', schema: zErrorBody } } },
  'GET /ingest/batches': { summary: 'Recent ingest batches with their progress', query: P.zBatchesQuery, responses: ok('Batches', z.object({ batches: z.array(R.zBatchView) })) },
  'GET /ingest/batches/{id}': { summary: 'One batch and its files (stage, pages done, failure reason)', params: P.zIngestIdParams, responses: ok('The batch and its files', z.object({ batch: R.zBatchView, files: z.array(R.zFileView) })) },
  'POST /ingest/files/{id}/retry': { summary: 'Retry a failed file', params: P.zIngestIdParams, responses: { 202: { description: 'Queued again', schema: z.object({ batchId: z.number().int(), fileId: z.number().int() }) } } },
  'GET /archive/overview': { summary: 'Counts of the archive for the records staff', responses: ok('Overview', R.zOverview) },

  'GET /audit/searches': { summary: 'Past searches (who asked what, when)', query: zListQuery, responses: ok('A page of past searches', R.zSearchList) },
  'GET /audit/searches/{id}': { summary: 'A past search exactly as it was shown, with its verdicts', params: P.zSearchParams, responses: ok('The stored search', R.zStoredSearch) },
  'POST /audit/searches/{id}/verdicts': { summary: 'Mark a result of a past search right or wrong', params: P.zSearchParams, body: zVerdictBody, responses: { 201: { description: 'Verdict recorded', schema: R.zVerdict } } },
  'GET /audit/verdicts/summary': { summary: 'Verdicts per week', responses: ok('Weekly summary', z.object({ weeks: z.array(R.zVerdictWeek) })) },
  'GET /audit/events': { summary: 'The event log: logins, document views, ingest outcomes, user changes', query: zEventsQuery, responses: ok('A page of events', R.zEventList) },

  'GET /users': { summary: 'All users', responses: ok('Users', z.object({ users: z.array(R.zUser) })) },
  'POST /users': { summary: 'Create a user (the API token in the answer is shown once)', body: zCreate, responses: { 201: { description: 'Created', schema: z.object({ user: R.zUser, token: z.string().meta({ description: 'The API token: shown once, not stored' }) }) } } },
  'PATCH /users/{name}': { summary: 'Change a user\'s role or disable them', params: P.zUserParams, body: zChange, responses: ok('The user', z.object({ user: R.zUser })) },
  'POST /users/{name}/password': {
    summary: 'Set a user\'s password: ends their sessions and, when it replaces a password, revokes their API tokens',
    params: P.zUserParams,
    body: zPasswordBody,
    responses: ok('The user, how many API tokens were revoked, and what was done (Polish)', z.object({ user: R.zUser, revokedTokens: z.number().int(), message: z.string() })),
  },

  'GET /restrictions': { summary: 'Access restrictions on documents', query: P.zRestrictionsQuery, responses: ok('Restrictions', z.object({ restrictions: z.array(R.zRestriction) })) },
  'POST /restrictions': { summary: 'Restrict a case, folder or document to named users or roles', body: zNewRestriction, responses: { 201: { description: 'Created', schema: R.zRestriction } } },
  'DELETE /restrictions/{id}': { summary: 'Lift a restriction', params: P.zRestrictionParams, responses: ok('The lifted restriction', R.zRestriction) },

  'GET /webhooks': { summary: 'Active webhooks (never with their secrets)', responses: ok('Webhooks', z.object({ webhooks: z.array(R.zWebhook) })) },
  'POST /webhooks': { summary: 'Subscribe a URL to events; a generated secret is in the answer once', body: zNewWebhook, responses: { 201: { description: 'Created', schema: z.object({ webhook: R.zWebhook, secret: z.string().optional().meta({ description: 'Only when generated by the server: shown once' }) }) } } },
  'DELETE /webhooks/{id}': { summary: 'Remove a webhook (its pending deliveries end as failed)', params: P.zWebhookParams, responses: ok('The removed webhook', z.object({ webhook: R.zWebhook })) },
  'GET /webhooks/{id}/deliveries': { summary: 'Recent deliveries of a webhook with their attempts and outcome', params: P.zWebhookParams, responses: ok('Deliveries, newest first', z.object({ deliveries: z.array(R.zWebhookDelivery) })) },

  // The MCP transport (JSON-RPC 2.0 over streamable HTTP): described as one endpoint; its tools are listed by MCP itself.
  'POST /mcp': { summary: 'MCP (Model Context Protocol) over streamable HTTP, stateless: one JSON-RPC request, one JSON answer (tools search_archive, get_document, get_page; page resources)', description: 'Also served at the root, `/mcp` (same handler, bearer tokens only, same search limit); MCP clients are usually given that address.', bearerOnly: true, body: zJsonRpc, responses: { 200: { description: 'JSON-RPC response' }, 429: { description: 'Too many searches', schema: zErrorBody } } },
  'GET /mcp': { summary: 'MCP: no server-to-client stream (the server is stateless)', bearerOnly: true, responses: { 405: { description: 'Method not allowed' } } },
  'DELETE /mcp': { summary: 'MCP: no sessions to end (the server is stateless)', bearerOnly: true, responses: { 405: { description: 'Method not allowed' } } },
};

type Json = Record<string, unknown>;

/** Converts request schemas as the caller sends them (`io: 'input'`), responses as the API sends them. */
class SchemaSet {
  readonly components: Record<string, Json> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): Json {
    const js = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Json;
    delete js.$schema;
    const defs = js.$defs as Record<string, Json> | undefined;
    delete js.$defs;
    for (const [id, def] of Object.entries(defs ?? {})) this.components[id] = relink(def);
    return relink(js);
  }
}

/** zod names shared schemas `#/$defs/X`; in OpenAPI they live under components. */
function relink<T>(v: T): T {
  return JSON.parse(JSON.stringify(v).replaceAll('"#/$defs/', '"#/components/schemas/')) as T;
}

const ERROR_REF = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ERROR_REF } } });

function securityOf(rule: RouteRule, doc: RouteDoc): Json[] {
  if (rule.access === 'public') return [];
  if (doc.bearerOnly) return [{ bearerAuth: [] }];
  // A browser session needs the CSRF header on every state-changing request; a bearer token never does.
  return rule.method === 'GET' ? [{ bearerAuth: [] }, { cookieAuth: [] }] : [{ bearerAuth: [] }, { cookieAuth: [], csrfToken: [] }];
}

function rolesOf(rule: RouteRule): readonly string[] | 'everyone' | 'signed-in' {
  if (rule.access === 'public') return 'everyone';
  if (rule.access === 'authenticated') return 'signed-in';
  return PERMISSIONS[rule.access];
}

function operation(rule: RouteRule, doc: RouteDoc, set: SchemaSet): Json {
  const parameters: Json[] = [];
  const addParams = (obj: z.ZodObject | undefined, where: 'path' | 'query') => {
    if (!obj) return;
    const js = set.convert(obj, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(js.properties ?? {})) {
      const { description, ...rest } = schema as { description?: string };
      parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: rest, ...(description ? { description } : {}) });
    }
  };
  addParams(doc.params, 'path');
  addParams(doc.query, 'query');

  const responses: Json = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    const content = r.schema ? { 'application/json': { schema: set.convert(r.schema, 'output') } } : r.contentType ? { [r.contentType]: { schema: { type: 'string', format: 'binary' } } } : undefined;
    responses[status] = { description: r.description, ...(content ? { content } : {}) };
  }
  const takesInput = doc.body || doc.query || doc.params || doc.multipart;
  if (takesInput && !responses['400']) responses['400'] = errorResponse('Invalid input (Polish message in error.message)');
  if (rule.access !== 'public') responses['401'] = errorResponse('No valid bearer token or session');
  if (rule.access !== 'public' && rule.access !== 'authenticated') responses['403'] = errorResponse('The caller\'s role lacks the permission (or a browser session sent no CSRF token)');
  if (doc.params && !responses['404']) responses['404'] = errorResponse('Not found, or not readable by this caller');
  responses.default = errorResponse('Any other error');

  const requestBody = doc.body
    ? { required: true, content: { 'application/json': { schema: set.convert(doc.body, 'input') } } }
    : doc.multipart
      ? { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } } } } } } }
      : undefined;

  return {
    operationId: `${rule.method.toLowerCase()}${rule.path.replace(/[/:]+(\w)/g, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [rule.path.split('/')[1] ?? 'api'],
    'x-kwerenda-access': rule.access,
    'x-kwerenda-roles': rolesOf(rule),
    security: securityOf(rule, doc),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** Express `/documents/:id/pages/:n` → OpenAPI `/api/documents/{id}/pages/{n}`. */
export const openApiPath = (expressPath: string) => '/api' + expressPath.replace(/:(\w+)/g, '{$1}');

/**
 * The whole description. Throws when a row of `ROUTES` has no entry in `ROUTE_DOCS`, so a route
 * added without a description fails every test that builds the document (and the server's start).
 */
export function buildOpenApi(version = '0.1.0'): Json {
  const set = new SchemaSet();
  set.convert(zErrorBody, 'output');
  const paths: Record<string, Json> = {};
  for (const rule of ROUTES) {
    const doc = ROUTE_DOCS[routeKey(rule)];
    if (!doc) throw new Error(`route ${routeKey(rule)} has no entry in server/http/openapi-routes.ts`);
    (paths[openApiPath(rule.path)] ??= {})[rule.method.toLowerCase()] = operation(rule, doc, set);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'kwerenda',
      version,
      description:
        'Search of the building-permit archive. Answers are real documents with citations verified against the stored page text ' +
        '(quote === pageText.slice(start, end)); no model-written prose. Errors are {error: {code, message}} with a Polish message.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: set.components,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'API token (`kwerenda users add NAME --role ROLE` prints one)' },
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'kw_session', description: 'Browser session from POST /api/auth/login' },
        csrfToken: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'csrfToken of the session; required with the cookie on POST, PATCH, DELETE' },
      },
    },
  };
}
