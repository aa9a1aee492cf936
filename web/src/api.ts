/**
 * The public HTTP API, seen from the browser: bearer token from sessionStorage, JSON errors turned
 * into `ApiError`, 401 into `AuthError` (the caller asks for the token again).
 */
import type { AgentResponse, DocumentRecord, PageView, SearchFilters } from './types.js';

const TOKEN_KEY = 'kwerenda.token';

export class AuthError extends Error {}
export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
  }
}

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}
export function setToken(t: string): void {
  sessionStorage.setItem(TOKEN_KEY, t);
}
export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** A request with the bearer token; 401 clears the token (AuthError), other failures throw ApiError. */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const token = getToken();
  if (!token) throw new AuthError('no token');
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError('network', '', 0);
  }
  if (res.status === 401) {
    clearToken();
    throw new AuthError('unauthorised');
  }
  if (!res.ok) {
    let code = 'http_' + res.status;
    let message = '';
    try {
      const body = (await res.json()) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? '';
    } catch {
      /* not JSON: keep the status */
    }
    throw new ApiError(code, message, res.status);
  }
  return res;
}

/** GET (no body) or POST of a JSON body; the JSON answer. */
export async function callJson<T>(path: string, body?: unknown): Promise<T> {
  const res = await call(path, body === undefined ? {} : {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as T;
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

export async function getDocument(id: string): Promise<DocumentRecord> {
  return (await (await call(`/api/documents/${enc(id)}`)).json()) as DocumentRecord;
}

export async function getPage(id: string, n: number): Promise<PageView> {
  return (await (await call(`/api/documents/${enc(id)}/pages/${n}`)).json()) as PageView;
}

/** The page image as a blob (the bearer header cannot ride on an <img src>). */
export async function getPageImage(id: string, n: number): Promise<Blob> {
  return (await call(`/api/documents/${enc(id)}/pages/${n}/image`)).blob();
}

export async function getOriginal(id: string): Promise<Blob> {
  return (await call(`/api/documents/${enc(id)}/file`)).blob();
}
