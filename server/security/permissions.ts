/**
 * Who may do what: the one permission matrix. Every HTTP route is declared in `ROUTES` with the
 * permission it needs (the routers register through `route()`, which refuses a path that has no
 * entry here), and every CLI command that touches data checks `can()` for its actor too. The
 * role × route test suite is generated from this table.
 */
import type { Role } from '../store/users.js';

export const PERMISSIONS = {
  /** Ask questions and run searches. */
  'search': ['clerk', 'supervisor', 'admin'],
  /**
   * Read documents, pages, page images, and a PDF of the page images in place of the original file
   * (restrictions still apply; identifiers covered for roles that may not see them).
   */
  'documents.read': ['clerk', 'records', 'supervisor', 'admin'],
  /**
   * Download original files as ingested — unmasked: every PESEL and identity-card number in them.
   * Records staff (they put the files in), supervisors (they check what clerks were shown) and admins.
   */
  'documents.original': ['records', 'supervisor', 'admin'],
  /** Upload files and retry failed ones. */
  'ingest.write': ['records', 'admin'],
  /** Ingest batches, their files and the archive overview. */
  'ingest.read': ['records', 'supervisor', 'admin'],
  /** Past searches, the event log, verdict summaries. */
  'audit.read': ['supervisor', 'admin'],
  /** Verdicts on what a search showed. */
  'audit.verdict': ['supervisor', 'admin'],
  /** Users, roles, passwords and tokens. */
  'users.manage': ['admin'],
  /** Restricting documents to named users or roles. */
  'restrictions.manage': ['admin'],
  /** Webhooks: which outside systems are told of ingest outcomes and restrictions. */
  'webhooks.manage': ['admin'],
  /** Rebuilding the search index (`kwerenda reindex`, scaled-out archives). */
  'index.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** `public`: no login (the login itself); `authenticated`: any signed-in user (who am I, logout). */
export type Access = Permission | 'public' | 'authenticated';

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteRule {
  method: Method;
  /** Express path under /api, e.g. `/documents/:id`. */
  path: string;
  access: Access;
}

/** Every route of the API. A route that is not here cannot be registered (see http/route.ts). */
export const ROUTES: readonly RouteRule[] = [
  { method: 'POST', path: '/auth/login', access: 'public' },
  { method: 'POST', path: '/auth/logout', access: 'authenticated' },
  { method: 'GET', path: '/auth/me', access: 'authenticated' },
  { method: 'GET', path: '/auth/oidc/login', access: 'public' },
  { method: 'GET', path: '/auth/oidc/callback', access: 'public' },
  /** Which ways in exist (password, single sign-on): the login page asks before anyone is signed in. */
  { method: 'GET', path: '/auth/options', access: 'public' },
  /** The OpenAPI description of this API: describes routes, holds no data (server/http/openapi.ts). */
  { method: 'GET', path: '/openapi.json', access: 'public' },

  { method: 'POST', path: '/agent/search', access: 'search' },
  { method: 'GET', path: '/search', access: 'search' },

  /** The documents made from one original file (by its SHA-256), with their metadata and provenance. */
  { method: 'GET', path: '/documents', access: 'documents.read' },
  /** The document types of the documents the caller may read, with counts (the search form's type filter). */
  { method: 'GET', path: '/doc-types', access: 'documents.read' },
  { method: 'GET', path: '/documents/:id', access: 'documents.read' },
  { method: 'GET', path: '/documents/:id/pages/:n', access: 'documents.read' },
  { method: 'GET', path: '/documents/:id/pages/:n/image', access: 'documents.read' },
  { method: 'GET', path: '/documents/:id/file', access: 'documents.original' },
  { method: 'GET', path: '/documents/:id/file/masked', access: 'documents.read' },

  { method: 'POST', path: '/ingest', access: 'ingest.write' },
  { method: 'GET', path: '/ingest/batches', access: 'ingest.read' },
  { method: 'GET', path: '/ingest/batches/:id', access: 'ingest.read' },
  { method: 'POST', path: '/ingest/files/:id/retry', access: 'ingest.write' },
  { method: 'GET', path: '/archive/overview', access: 'ingest.read' },

  { method: 'GET', path: '/audit/searches', access: 'audit.read' },
  { method: 'GET', path: '/audit/searches/:id', access: 'audit.read' },
  { method: 'POST', path: '/audit/searches/:id/verdicts', access: 'audit.verdict' },
  { method: 'GET', path: '/audit/verdicts/summary', access: 'audit.read' },
  { method: 'GET', path: '/audit/events', access: 'audit.read' },

  { method: 'GET', path: '/users', access: 'users.manage' },
  { method: 'POST', path: '/users', access: 'users.manage' },
  { method: 'PATCH', path: '/users/:name', access: 'users.manage' },
  { method: 'POST', path: '/users/:name/password', access: 'users.manage' },

  { method: 'GET', path: '/restrictions', access: 'restrictions.manage' },
  { method: 'POST', path: '/restrictions', access: 'restrictions.manage' },
  { method: 'DELETE', path: '/restrictions/:id', access: 'restrictions.manage' },

  { method: 'GET', path: '/webhooks', access: 'webhooks.manage' },
  { method: 'POST', path: '/webhooks', access: 'webhooks.manage' },
  { method: 'DELETE', path: '/webhooks/:id', access: 'webhooks.manage' },
  { method: 'GET', path: '/webhooks/:id/deliveries', access: 'webhooks.manage' },

  /** MCP (streamable HTTP, bearer tokens only): each tool checks its own permission (server/mcp/server.ts). */
  { method: 'POST', path: '/mcp', access: 'authenticated' },
  { method: 'GET', path: '/mcp', access: 'authenticated' },
  { method: 'DELETE', path: '/mcp', access: 'authenticated' },
];

export function ruleFor(method: Method, path: string): RouteRule | undefined {
  return ROUTES.find((r) => r.method === method && r.path === path);
}

/** Polish names of the permissions, for 403 messages clerks read. */
export const PERMISSION_LABELS: Record<Permission, string> = {
  'search': 'wyszukiwanie w archiwum',
  'documents.read': 'przeglądanie dokumentów',
  'documents.original': 'pobieranie oryginalnych plików',
  'ingest.write': 'dodawanie plików do archiwum',
  'ingest.read': 'podgląd przyjmowania plików',
  'audit.read': 'przeglądanie dziennika',
  'audit.verdict': 'ocenianie wyników',
  'users.manage': 'zarządzanie użytkownikami',
  'restrictions.manage': 'zarządzanie ograniczeniami dostępu',
  'webhooks.manage': 'zarządzanie powiadomieniami (webhooki)',
  'index.manage': 'przebudowa indeksu wyszukiwania',
};

/** Polish names of the roles. */
export const ROLE_LABELS: Record<Role, string> = {
  clerk: 'urzędnik',
  records: 'pracownik archiwum',
  supervisor: 'osoba nadzorująca',
  admin: 'administrator',
};

/** "brak uprawnień: … (dostępne dla: …)" — what a refused caller reads. */
export function forbiddenMessage(permission: Permission): string {
  return `brak uprawnień: ${PERMISSION_LABELS[permission]} (dostępne dla: ${PERMISSIONS[permission].map((r) => ROLE_LABELS[r]).join(', ')})`;
}
