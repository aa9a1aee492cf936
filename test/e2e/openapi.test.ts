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
import { zAgentResponse, zDocument, zErrorBody, zEventList, zPageView, zSearchList } from '../../server/http/openapi-schemas.js';
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

    it('an error', async () => {
      const res = await api('/api/documents/nie-ma-takiego', clerk);
      expect(res.status).toBe(404);
      expect(zErrorBody.parse(await res.json()).error.code).toBe('document_not_found');
    });
  });
});
