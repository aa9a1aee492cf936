/**
 * The public HTTP API, seen from the browser. The session rides in an HttpOnly cookie the page
 * cannot read; what the page keeps (in memory only) is who is signed in, their permissions and the
 * CSRF token every state-changing request must send. JSON errors become `ApiError`; a 401 becomes
 * `AuthError` (the session ended: the caller returns to the sign-in screen).
 */
import type { AgentResponse, DocTypeCount, DocumentRecord, PageView, SearchFilters } from './types.js';

export class AuthError extends Error {}
export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
  }
}

/** The signed-in user as `GET /api/auth/me` and `POST /api/auth/login` describe them. */
export interface Me {
  user: { name: string; role: string };
  via: string;
  permissions: string[];
  csrfToken?: string;
  expiresAt?: string;
}

let current: Me | null = null;

/** Who is signed in, or null. */
export function me(): Me | null {
  return current;
}

export function can(permission: string): boolean {
  return current?.permissions.includes(permission) ?? false;
}

/** Forgets the signed-in user (after logout or a 401). */
export function forget(): void {
  current = null;
}

const SAFE = new Set(['GET', 'HEAD']);

/** Headers a request needs: the CSRF token on anything that changes state. */
export function csrfHeaders(method: string): Record<string, string> {
  return !SAFE.has(method.toUpperCase()) && current?.csrfToken ? { 'x-csrf-token': current.csrfToken } : {};
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = 'http_' + res.status;
  let message = '';
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? '';
  } catch {
    /* not JSON: keep the status */
  }
  return new ApiError(code, message, res.status);
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { credentials: 'same-origin', ...init });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError('network', '', 0);
  }
}

/** A request with the session cookie (and CSRF token); 401 forgets the user (AuthError), other failures throw ApiError. */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const method = init.method ?? 'GET';
  const attempt = () => send(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...csrfHeaders(method) } });
  let res = await attempt();
  if (res.status === 401) {
    forget();
    throw new AuthError('unauthorised');
  }
  if (!res.ok) {
    const err = await errorOf(res);
    // Signing in again in another tab gives the browser a new session (and CSRF token): learn it
    // and try once more, rather than failing a click for a reason the user cannot see.
    // Only for the same person: if someone else signed in there, this page's user is gone.
    if (err.code !== 'csrf' || typeof init.body !== 'string') throw err;
    const who = current?.user.name;
    const now = await loadMe();
    if (!now || now.user.name !== who) {
      forget();
      throw new AuthError('unauthorised');
    }
    res = await attempt();
    if (res.status === 401) {
      forget();
      throw new AuthError('unauthorised');
    }
    if (!res.ok) throw await errorOf(res);
  }
  return res;
}

/** GET (no body), or `method` (POST by default) with a JSON body; the JSON answer (null for 204). */
export async function callJson<T>(path: string, body?: unknown, method = 'POST'): Promise<T> {
  const res = await call(path, body === undefined ? {} : {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (res.status === 204 ? null : await res.json()) as T;
}

/** Asks the server who is signed in (the cookie); null when nobody is. */
export async function loadMe(): Promise<Me | null> {
  const res = await send('/api/auth/me', {});
  if (res.status === 401) {
    current = null;
    return null;
  }
  if (!res.ok) throw await errorOf(res);
  current = (await res.json()) as Me;
  return current;
}

/** Signs in with a password. A wrong password, a lock or a rate limit throw ApiError with the server's Polish message. */
export async function login(username: string, password: string): Promise<Me> {
  const res = await send('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw await errorOf(res);
  current = (await res.json()) as Me;
  return current;
}

/** Ends the session on the server (best effort: the page forgets the user either way). */
export async function logout(): Promise<void> {
  const headers = csrfHeaders('POST');
  forget();
  await send('/api/auth/logout', { method: 'POST', headers }).catch(() => undefined);
}

/** Sign-in methods offered; a server without the endpoint offers the password only. */
export async function authOptions(): Promise<{ password: boolean; sso: boolean }> {
  try {
    const res = await send('/api/auth/options', {});
    if (!res.ok) return { password: true, sso: false };
    const body = (await res.json()) as { password?: unknown; sso?: unknown };
    return { password: body.password !== false, sso: body.sso === true };
  } catch {
    return { password: true, sso: false };
  }
}

export async function agentSearch(question: string, filters: SearchFilters, signal?: AbortSignal): Promise<AgentResponse> {
  const body: { question: string; filters?: SearchFilters } = { question };
  if (Object.keys(filters).length > 0) body.filters = filters;
  const res = await call('/api/agent/search', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return (await res.json()) as AgentResponse;
}

const enc = encodeURIComponent;

/** The document types of the documents the caller may read, with counts, most first. */
export async function getDocTypes(signal?: AbortSignal): Promise<DocTypeCount[]> {
  const body = (await (await call('/api/doc-types', signal ? { signal } : {})).json()) as { docTypes?: DocTypeCount[] };
  return Array.isArray(body.docTypes) ? body.docTypes.filter((t) => typeof t?.value === 'string' && typeof t.count === 'number') : [];
}

export async function getDocument(id: string): Promise<DocumentRecord> {
  return (await (await call(`/api/documents/${enc(id)}`)).json()) as DocumentRecord;
}

export async function getPage(id: string, n: number): Promise<PageView> {
  return (await (await call(`/api/documents/${enc(id)}/pages/${n}`)).json()) as PageView;
}

/** The page image as a blob: a 401 or 404 then reaches the viewer as an error it can show. */
export async function getPageImage(id: string, n: number): Promise<Blob> {
  return (await call(`/api/documents/${enc(id)}/pages/${n}/image`)).blob();
}

/**
 * Where the document downloads from (the cookie rides along on a plain link): the original file for
 * roles with `documents.original`, otherwise a PDF of its page images with identifiers covered.
 */
export function downloadHref(id: string): string {
  return can('documents.original') ? `/api/documents/${enc(id)}/file` : `/api/documents/${enc(id)}/file/masked`;
}
