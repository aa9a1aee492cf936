/**
 * Every (METHOD, path) registered in an Express 5 app, nested routers included — how the
 * permission and OpenAPI suites check that the app, the ROUTES table and the description agree.
 */
import type express from 'express';

interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
  rawPath?: unknown;
}

function walk(stack: RouterLayer[], prefix: string, out: string[]): string[] {
  for (const layer of stack) {
    if (layer.route) {
      for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push(`${m.toUpperCase()} ${prefix}${String(layer.route.path)}`);
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      walk(layer.handle.stack, prefix + mount, out);
    }
  }
  return out;
}

/** `GET /api/documents/:id`-style lines for every route the app registered. */
export function registeredRoutes(app: express.Express): string[] {
  return walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '', []);
}
