/** Describing Elasticsearch failures to operators: never credentials, request bodies or document text. */

/** host:port of a cluster URL — for messages; never its user name or password. */
export function esWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return '(nieprawidłowy adres)';
  }
}

/** Why a request failed, without the URL's credentials or any request body. */
export function esReason(err: unknown): string {
  const e = err as { name?: string; message?: string; meta?: { statusCode?: number; body?: { error?: { type?: string; reason?: string } } } };
  const status = e.meta?.statusCode;
  const type = e.meta?.body?.error?.type;
  if (status === 401) return 'odmowa dostępu (401): sprawdź użytkownika i hasło w ELASTICSEARCH_URL';
  if (status === 403) return `brak uprawnień (403)${type ? `: ${type}` : ''}`;
  if (e.name === 'ConnectionError') return 'brak połączenia';
  if (e.name === 'TimeoutError') return 'przekroczony czas odpowiedzi';
  if (status) return `odpowiedź ${status}${type ? ` ${type}` : ''}`;
  return (e.message ?? String(err)).replace(/\/\/[^@/\s]*@/g, '//');
}
