/**
 * `GET /api/openapi.json`: the OpenAPI 3.1 description of the API, built once from the zod schemas
 * the routes validate with (server/http/openapi.ts). Public: it describes routes and holds no data.
 */
import { Router } from 'express';
import { buildOpenApi } from '../openapi.js';
import { route } from '../route.js';

export function openApiRoutes(): Router {
  const r = Router();
  const doc = JSON.stringify(buildOpenApi());
  route(r, 'GET', '/openapi.json', (_req, res) => {
    res.type('json').send(doc);
  });
  return r;
}
