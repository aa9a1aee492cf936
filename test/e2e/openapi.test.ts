/**
 * The OpenAPI description (`GET /api/openapi.json`, server/http/openapi.ts) against the running app
 * on the ingested sample archive: every row of the permission table is described and every
 * described path is a row registered in the app; the document validates as OpenAPI 3.1
 * (@readme/openapi-parser); the request schemas in it refuse what the routes refuse; and real
 * responses — a search, a document, a page, the audit lists — parse with the response schemas, so
 * the description cannot drift from what the API sends.
 */
import type express from 'express';
import fs from 'node:fs';
import type { Server } from 'node:http';
import { validate, compileErrors } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../server/config.js';
import { zAgentRequest } from '../../server/services/agent.service.js';
import { silentLogger } from '../../server/log.js';
import { createHttpServer, createSearchRuntime, type SearchRuntime } from '../../server/main.js';
import { buildOpenApi, openApiPath, ROUTE_DOCS, routeKey } from '../../server/http/openapi.js';
import {
  zAgentResponse, zBatchView, zDocument, zErrorBody, zEventList, zFileView, zOverview, zPageView, zRestriction, zSearchList, zStoredSearch, zUser, zWebhook, zWebhookDelivery,
} from '../../server/http/openapi-schemas.js';
import { ROUTES } from '../../server/security/permissions.js';
import { sampleArchiveCopy } from '../helpers/sample-archive.js';
import { registeredRoutes } from '../helpers/express-routes.js';

type Doc = { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; 'x-kwerenda-access': string; security: unknown[] }>> };

describe('OpenAPI description of the HTTP API', () => {
  let dataDir: string;
  let rt: SearchRuntime;
  let server: Server;
  let base: string;
  let clerk: string;
  let supervisor: string;
  let admin: string;
  let served: Doc;

  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(base + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  const json = async (path: string, token: string, init: RequestInit = {}) => {
    const res = await api(path, token, init);
    expect(res.status, path).toBe(200);
    return res.json() as Promise<unknown>;
  };

  beforeAll(async () => {
    dataDir = await sampleArchiveCopy('openapi');
    rt = await createSearchRuntime(loadConfig({ KWERENDA_DATA_DIR: dataDir }), { logger: silentLogger });
    clerk = rt.users.add('ola', 'clerk').token;
    supervisor = rt.users.add('nadzor', 'supervisor').token;
    admin = rt.users.add('admin', 'admin').token;
    server = await createHttpServer(rt, '127.0.0.1', 0);
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const res = await fetch(`${base}/api/openapi.json`);
    expect(res.status).toBe(200);
    served = (await res.json()) as Doc;
  }, 600_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await rt?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is served without a login and is the document the code builds', () => {
    expect(served.openapi).toBe('3.1.0');
    expect(served).toEqual(JSON.parse(JSON.stringify(buildOpenApi())));
  });

  it('validates as OpenAPI 3.1', async () => {
    const result = await validate(structuredClone(served) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('describes every row of ROUTES with its access rule, and nothing else', () => {
    const described = Object.entries(served.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const rows = ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`);
    expect(described.sort()).toEqual([...rows].sort());
    for (const r of ROUTES) {
      const op = served.paths[openApiPath(r.path)]![r.method.toLowerCase()]!;
      expect(op['x-kwerenda-access'], routeKey(r)).toBe(r.access);
      expect(op.security.length === 0, routeKey(r)).toBe(r.access === 'public');
    }
    // No stale entries in the registry for routes that were removed from the table.
    expect(Object.keys(ROUTE_DOCS).sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it('every described path is registered in the app', () => {
    const app = server.listeners('request')[0] as unknown as express.Express;
    const registered = new Set(registeredRoutes(app).map((r) => r.replace(/:(\w+)/g, '{$1}')));
    const described = Object.entries(served.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(described.filter((d) => !registered.has(d))).toEqual([]);
  });

  describe('request schemas in the document refuse what the routes refuse', () => {
    // A JSON Schema check is not at hand without another package: the document's schema is turned
    // back into zod (z.fromJSONSchema) and must agree with the route's own validator and with the server.
    const bodySchema = (path: string) => {
      const s = served.paths[path]!.post!.requestBody!.content['application/json']!.schema;
      return z.fromJSONSchema(s as Parameters<typeof z.fromJSONSchema>[0]);
    };
    const CASES: [string, unknown, boolean][] = [
      ['a question', { question: 'decyzja o pozwoleniu na budowę' }, true],
      ['a question with a filter', { question: 'decyzja', filters: { parcel: '45/7' } }, true],
      ['an unknown field', { question: 'decyzja', answer: 'x' }, false],
      ['limit 0', { question: 'decyzja', limit: 0 }, false],
      ['a number as the question', { question: 7 }, false],
      ['a bad date in a filter', { question: 'decyzja', filters: { dateFrom: '14.03.2019' } }, false],
    ];
    it.each(CASES)('POST /api/agent/search, %s', async (_name, body, accepted) => {
      expect(bodySchema('/api/agent/search').safeParse(body).success).toBe(accepted);
      expect(zAgentRequest.safeParse(body).success).toBe(accepted);
      const res = await api('/api/agent/search', clerk, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(accepted ? 200 : 400);
      if (!accepted) expect(zErrorBody.safeParse(await res.json()).success).toBe(true);
    });

    // (Not POST /api/users: z.fromJSONSchema compiles `pattern` without the `u` flag, so the user-name
    // pattern's \p{L} cannot be read back here; JSON Schema validators such as ajv use the flag.)
    it('POST /api/restrictions: an unknown scope or no principals is refused by the document and the server', async () => {
      const good = { scope: 'case', value: 'WUA-ZRB.6740.1.123.2019', principals: [{ kind: 'role', value: 'supervisor' }] };
      expect(bodySchema('/api/restrictions').safeParse(good).success).toBe(true);
      for (const bad of [{ ...good, scope: 'sprawa' }, { ...good, principals: [] }]) {
        expect(bodySchema('/api/restrictions').safeParse(bad).success).toBe(false);
        const res = await api('/api/restrictions', admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bad) });
        expect(res.status).toBe(400);
      }
    });
  });

  describe('path and query parameters: described as the routes parse them (server/http/params.ts)', () => {
    type Param = { name: string; in: string; required: boolean; schema: { type?: string; minimum?: number; maximum?: number; default?: unknown; enum?: string[]; pattern?: string } };
    const param = (path: string, name: string, method = 'get') =>
      ((served.paths[path]![method] as unknown as { parameters?: Param[] }).parameters ?? []).find((p) => p.name === name);
    const status = async (path: string, token: string) => (await api(path, token)).status;

    it('GET /api/search: q is required, limit is an integer 1..50, filters carry their formats; the route agrees', async () => {
      expect(param('/api/search', 'q')).toMatchObject({ in: 'query', required: true, schema: { type: 'string' } });
      expect(param('/api/search', 'limit')).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 50 } });
      expect(param('/api/search', 'dateFrom')?.schema.pattern).toBe('^\\d{4}-\\d{2}-\\d{2}$');
      expect(param('/api/search', 'parcel')?.schema).toMatchObject({ minLength: 1, maxLength: 50 });
      expect(await status('/api/search?q=decyzja&limit=50', clerk)).toBe(200);
      const over = await api('/api/search?q=decyzja&limit=51', clerk);
      expect(over.status).toBe(400);
      expect(zErrorBody.parse(await over.json()).error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('limit') });
      const bad = await api('/api/search?q=decyzja&limit=x', clerk);
      expect(zErrorBody.parse(await bad.json()).error).toEqual({ code: 'invalid_request', message: 'limit musi być liczbą całkowitą' });
      const noQ = await api('/api/search?limit=3', clerk);
      expect(zErrorBody.parse(await noQ.json()).error).toEqual({ code: 'invalid_question', message: 'brak parametru q (jeden tekst)' });
      const twice = await api('/api/search?q=decyzja&parcel=1&parcel=2', clerk);
      expect(zErrorBody.parse(await twice.json()).error).toEqual({ code: 'invalid_request', message: 'parametr parcel może wystąpić raz' });
      const date = await api('/api/search?q=decyzja&dateFrom=14.03.2019', clerk);
      expect(zErrorBody.parse(await date.json()).error).toEqual({ code: 'invalid_request', message: 'nieprawidłowe pole filters.dateFrom: data w formacie RRRR-MM-DD' });
    });

    it('GET /api/ingest/batches: limit 1..100, default 20; GET /api/restrictions: all is 1 or true; the routes agree', async () => {
      expect(param('/api/ingest/batches', 'limit')).toMatchObject({ required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } });
      expect(await status('/api/ingest/batches?limit=100', admin)).toBe(200);
      const over = await api('/api/ingest/batches?limit=101', admin);
      expect(zErrorBody.parse(await over.json()).error).toEqual({ code: 'invalid_request', message: 'limit musi być liczbą od 1 do 100' });
      expect(param('/api/restrictions', 'all')?.schema.enum).toEqual(['1', 'true']);
      expect(await status('/api/restrictions?all=true', admin)).toBe(200);
      const all = await api('/api/restrictions?all=tak', admin);
      expect(zErrorBody.parse(await all.json()).error).toEqual({ code: 'invalid_request', message: 'parametr all: 1 lub true' });
    });

    it('path ids have the patterns the routes check: a webhook id from 1, a page number of digits', async () => {
      const hook = param('/api/webhooks/{id}/deliveries', 'id')!;
      expect(hook).toMatchObject({ in: 'path', required: true });
      expect(new RegExp(hook.schema.pattern!).test('0')).toBe(false);
      expect(zErrorBody.parse(await (await api('/api/webhooks/0/deliveries', admin)).json()).error.code).toBe('webhook_not_found');
      const n = param('/api/documents/{id}/pages/{n}', 'n')!;
      expect(new RegExp(n.schema.pattern!).test('x')).toBe(false);
      expect(zErrorBody.parse(await (await api('/api/documents/abc/pages/x', clerk)).json()).error.code).toBe('page_not_found');
      expect(new RegExp(param('/api/audit/searches/{id}', 'id')!.schema.pattern!).test('nie-uuid')).toBe(false);
      expect(zErrorBody.parse(await (await api('/api/audit/searches/nie-uuid', supervisor)).json()).error.code).toBe('search_not_found');
    });
  });

  describe('real responses parse with the response schemas', () => {
    it('a search, a document and a page', async () => {
      const search = zAgentResponse.parse(
        await json('/api/agent/search', clerk, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'decyzja o pozwoleniu na budowę' }) }),
      );
      expect(search.results.length).toBeGreaterThan(0);
      const hybrid = zAgentResponse.parse(await json('/api/search?q=pozwolenie%20na%20budow%C4%99&limit=3', clerk));
      expect(hybrid.results.length).toBeGreaterThan(0);
      const first = search.results[0]!;
      const doc = zDocument.parse(await json(`/api/documents/${first.document.id}`, clerk));
      expect(doc.id).toBe(first.document.id);
      const page = zPageView.parse(await json(`/api/documents/${first.document.id}/pages/${first.citations[0]!.page}`, clerk));
      expect(page.text.slice(first.citations[0]!.start, first.citations[0]!.end)).toBe(first.citations[0]!.quote);
    });

    it('the audit lists', async () => {
      const searches = zSearchList.parse(await json('/api/audit/searches', supervisor));
      expect(searches.searches.length).toBeGreaterThan(0);
      const events = zEventList.parse(await json('/api/audit/events', supervisor));
      expect(events.events.length).toBeGreaterThan(0);
    });

    it('a stored search, ingest batches and files, the overview, a created user', async () => {
      const searches = zSearchList.parse(await json('/api/audit/searches', supervisor));
      const stored = zStoredSearch.strict().parse(await json(`/api/audit/searches/${searches.searches[0]!.id}`, supervisor));
      expect(stored.question).toBe(searches.searches[0]!.question);
      const batches = z.object({ batches: z.array(zBatchView.strict()) }).parse(await json('/api/ingest/batches', admin));
      expect(batches.batches.length).toBeGreaterThan(0);
      const one = z.object({ batch: zBatchView, files: z.array(zFileView.strict()) }).parse(await json(`/api/ingest/batches/${batches.batches[0]!.id}`, admin));
      expect(one.files.length).toBe(one.batch.summary.files);
      expect(zOverview.strict().parse(await json('/api/archive/overview', admin)).documents).toBeGreaterThan(0);
      const res = await api('/api/users', admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'opis-api', role: 'clerk' }) });
      expect(res.status).toBe(201);
      expect(z.object({ user: zUser, token: z.string() }).strict().parse(await res.json()).user.name).toBe('opis-api');
    });

    it('webhooks, their deliveries and restrictions', async () => {
      const zCreated = z.object({ webhook: zWebhook, secret: z.string() }).strict();
      const created = zCreated.parse(
        await (await api('/api/webhooks', admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://example.invalid/hook', events: ['ingest.file.failed'] }) })).json(),
      );
      expect(created.webhook.disabledAt).toBeNull();
      const listed = z.object({ webhooks: z.array(zWebhook.strict()) }).parse(await json('/api/webhooks', admin));
      expect(listed.webhooks.map((w) => w.id)).toContain(created.webhook.id);
      expect(JSON.stringify(listed)).not.toContain(created.secret);
      z.object({ deliveries: z.array(zWebhookDelivery) }).parse(await json(`/api/webhooks/${created.webhook.id}/deliveries`, admin));
      const removed = z.object({ webhook: zWebhook.strict() }).parse(await json(`/api/webhooks/${created.webhook.id}`, admin, { method: 'DELETE' }));
      expect(removed.webhook.disabledAt).not.toBeNull();
      z.object({ restrictions: z.array(zRestriction.strict()) }).parse(await json('/api/restrictions?all=1', admin));
    });

    it('an error', async () => {
      const res = await api('/api/documents/nie-ma-takiego', clerk);
      expect(res.status).toBe(404);
      expect(zErrorBody.parse(await res.json()).error.code).toBe('document_not_found');
    });
  });
});
