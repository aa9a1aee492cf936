/**
 * Random and malformed HTTP requests for the fuzz run (fuzz-http.test.ts), written as raw bytes so
 * that nothing — not even the client library — tidies them up: junk methods and HTTP versions,
 * known routes with junk parameters, traversal and encoding tricks, very long segments, random and
 * broken JSON, deep nesting, bodies at and over the size limit, wrong content types and encodings,
 * multipart junk that never forms a complete upload, Authorization / Cookie / CSRF junk and
 * Content-Length lies. Every choice comes from the seeded generator.
 */
import type { Rng } from '../../fixtures/rng.js';

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'token'; role: string; token: string }
  | { kind: 'session'; role: string; cookie: string; csrf: string };

export interface FuzzContext {
  routes: { method: string; path: string }[];
  callers: Caller[];
  /** Ids of real documents, so that some reads succeed. */
  docIds: string[];
}

export interface FuzzCase {
  bytes: Buffer;
  method: string;
  summary: string;
  /** The server may rightly wait for more bytes or drop the connection (CONNECT, a longer Content-Length, a broken chunk). */
  mayHang: boolean;
}

const PESEL = '85010112345';
const WORDS = [
  'decyzja', 'pozwolenie na budowę', 'WUA-ZRB.6740.1.786.2019', 'działka 45/7 obręb Oporów', 'ul. Jagodzińska 29', 'rozbiórka',
  'odmowa', 'zażółć gęślą jaźń', `PESEL ${PESEL}`, 'dowód ABA 300000', '"', "'", '\\', '\u0000', '\ud800', '🏗️', 'AND OR NOT', 'NEAR(a b)', '*', '^', '{}',
];
const JUNK_SEGMENTS = [
  '..', '.', '%2e%2e', '%2e%2e%2f%2e%2e%2fkwerenda.db', '..%2f..%2fetc%2fpasswd', '%00', '%E0%A4%A', '%ff%fe', '%zz',
  encodeURIComponent('zażółć'), 'żółw', '-1', '0', '1e3', '1.5', '0x10', '999999999999999999999', '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  "'%20OR%201=1--", '%252e%252e', '{}', '$(id)', 'null', '__proto__', 'constructor', '%20', '~', 'NaN',
];
const STATIC = [
  '/', '/index.html', '/app.js', '/style.css', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/.env', '/.git/config', '//api//documents//1',
  '/api', '/api/', '/healthz', '/kwerenda.db', '/dist/../package.json', '/%2e%2e%2f%2e%2e%2fpackage.json', '*', 'http://evil.example/api/auth/me',
];
const QUERY_KEYS = ['q', 'limit', 'caseNumber', 'docType', 'dateFrom', 'dateTo', 'precinct', 'parcel', 'user', 'action', 'offset', 'q[]', 'q[a]', '__proto__', 'constructor[prototype][x]', '%zz'];
const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'text/plain',
  'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=', 'application/vnd.api+json', '*/*', 'application/json\t', '',
];
const METHODS: readonly (readonly [string, number])[] = [
  ['GET', 30], ['POST', 26], ['PUT', 4], ['PATCH', 6], ['DELETE', 6], ['HEAD', 5], ['OPTIONS', 4],
  ['FOO', 1], ['PROPFIND', 1], ['TRACE', 1], ['get', 1], ['CONNECT', 1], ['M-SEARCH', 1], ['PURGE', 1],
];

/** Percent-encoding that survives lone surrogates (sent as the bytes of an invalid UTF-8 sequence). */
const enc = (s: string): string => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd')).replace(/%EF%BF%BD/g, '%ED%A0%80');
const text = (rng: Rng): string => Array.from({ length: rng.int(1, 4) }, () => rng.pick(WORDS)).join(' ');
const junkString = (rng: Rng, max: number): string =>
  Array.from({ length: rng.int(0, max) }, () => String.fromCharCode(rng.chance(0.8) ? rng.int(32, 126) : rng.int(0, 0xffff))).join('');

function param(rng: Rng, ctx: FuzzContext): string {
  const r = rng.next();
  if (r < 0.3 && ctx.docIds.length > 0) return rng.pick(ctx.docIds);
  if (r < 0.45) return String(rng.int(1, 5));
  if (r < 0.5) return 'a'.repeat(rng.int(100, 20_000)); // past the header limit now and then
  return rng.pick(JUNK_SEGMENTS);
}

function query(rng: Rng): string {
  const parts = Array.from({ length: rng.int(1, 4) }, () => {
    const v = rng.chance(0.7) ? enc(rng.chance(0.5) ? text(rng) : junkString(rng, 30)) : rng.pick(JUNK_SEGMENTS);
    return `${rng.pick(QUERY_KEYS)}=${v}`;
  });
  return '?' + parts.join('&');
}

function target(rng: Rng, ctx: FuzzContext): { method: string; path: string } {
  const r = rng.next();
  let method = rng.weighted(METHODS);
  let p: string;
  if (r < 0.65) {
    const route = rng.pick(ctx.routes);
    if (rng.chance(0.6)) method = route.method;
    p = '/api' + route.path.replace(/:\w+/g, () => param(rng, ctx));
    if (rng.chance(0.08)) p += '/';
    if (rng.chance(0.05)) p = p.toUpperCase();
    if (rng.chance(0.05)) p = p.replace(/\//g, '//');
  } else if (r < 0.87) {
    p = '/api/' + Array.from({ length: rng.int(1, 4) }, () => (rng.chance(0.5) ? rng.pick(JUNK_SEGMENTS) : enc(rng.pick(WORDS)))).join('/');
  } else {
    p = rng.pick(STATIC);
  }
  if (rng.chance(0.35)) p += query(rng);
  return { method, path: p };
}

function multipartJunk(rng: Rng): { body: Buffer; contentType: string } {
  const b = `fuzz${rng.int(0, 1e9)}`;
  const name = rng.pick(['../../etc/passwd', 'a.pdf', '..\\..\\x.tif', 'żółw.png', '', 'x'.repeat(300), '.DS_Store', '/abs/path.jpg']);
  const part = `--${b}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 ${junkString(rng, 200)}\r\n`;
  // Never the closing boundary: a multipart body that ends here is incomplete, so the upload must be refused.
  const bodies = [part, part + `--${b}\r\nContent-Disposition: form-data; name="x"\r\n\r\nv\r\n`, `--other\r\n${part}`, junkString(rng, 500), ''];
  const contentType = rng.pick([`multipart/form-data; boundary=${b}`, 'multipart/form-data', `multipart/form-data; boundary="${b}"; charset=zzz`, `multipart/mixed; boundary=${b}`]);
  return { body: Buffer.from(rng.pick(bodies), 'utf8'), contentType };
}

function jsonValue(rng: Rng, depth = 0): unknown {
  const r = rng.next();
  if (depth > 3 || r < 0.3) return rng.pick<unknown>([null, true, 0, -1, 1e308, 3.14, '', text(rng), junkString(rng, 20), [], {}]);
  if (r < 0.55) return Array.from({ length: rng.int(0, 4) }, () => jsonValue(rng, depth + 1));
  const keys = ['question', 'limit', 'filters', 'username', 'password', 'name', 'role', 'disabled', 'rank', 'verdict', 'scope', 'value', 'principals', '__proto__', 'constructor', junkString(rng, 8)];
  return Object.fromEntries(Array.from({ length: rng.int(0, 5) }, () => [rng.pick(keys), jsonValue(rng, depth + 1)]));
}

function body(rng: Rng): { body: Buffer; contentType: string } {
  const json = (v: unknown) => ({ body: Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8'), contentType: 'application/json' });
  const kind = rng.weighted([
    ['agent', 18], ['random', 16], ['login', 8], ['invalid', 12], ['deep', 4], ['huge', 4], ['multipart', 10], ['binary', 4], ['empty', 6], ['form', 4], ['user', 6],
  ] as const);
  switch (kind) {
    case 'agent':
      return json({
        question: rng.chance(0.9) ? text(rng) : junkString(rng, 50),
        ...(rng.chance(0.3) ? { limit: rng.pick<unknown>([1, 10, 50, 51, 0, -3, '5', 2.5, null]) } : {}),
        ...(rng.chance(0.3) ? { filters: rng.chance(0.7) ? { [rng.pick(QUERY_KEYS)]: rng.chance(0.5) ? text(rng) : jsonValue(rng) } : jsonValue(rng) } : {}),
        ...(rng.chance(0.1) ? { extra: 1 } : {}),
      });
    case 'random':
      return json(jsonValue(rng));
    case 'login':
      return json({ username: rng.pick(['fuzz-clerk', 'fuzz-records', 'admin', junkString(rng, 70), '']), password: rng.chance(0.9) ? junkString(rng, 30) : 'x'.repeat(300) });
    case 'user':
      return json({ name: rng.pick(['nowy', '../x', '', 'a'.repeat(100)]), role: rng.pick(['clerk', 'admin', 'root', 1]), password: junkString(rng, 20), disabled: rng.pick<unknown>([true, 'yes']) });
    case 'invalid':
      return json(rng.pick(['{', '{"question": ', "{'question': 'x'}", '{"question": "x",}', 'NaN', '\ufeff{"question":"x"}', 'nul', '[1,2', '{"a":1}}', '"\\ud800"', '{"question":"\\u0000"}']));
    case 'deep': {
      const d = rng.int(100, 25_000);
      return json(rng.chance(0.5) ? '['.repeat(d) + ']'.repeat(d) : `{"question":"x","filters":${'{"a":'.repeat(d / 5)}1${'}'.repeat(d / 5)}}`);
    }
    case 'huge':
      return json({ question: 'ą'.repeat(rng.pick([499, 501, 20_000, 31_000, 40_000])) });
    case 'multipart':
      return multipartJunk(rng);
    case 'binary':
      return { body: Buffer.from(Array.from({ length: rng.int(1, 2000) }, () => rng.int(0, 255))), contentType: rng.pick(CONTENT_TYPES) };
    case 'empty':
      return { body: Buffer.alloc(0), contentType: rng.pick(CONTENT_TYPES) };
    case 'form':
      return { body: Buffer.from(`question=${enc(text(rng))}&limit=5`), contentType: 'application/x-www-form-urlencoded' };
  }
}

const AUTH_JUNK = (rng: Rng) =>
  rng.pick(['Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', `Bearer kw_${junkString(rng, 40).replace(/\s/g, '')}`, `Bearer ${'kw_'.padEnd(5000, 'x')}`, 'bearer  kw_', 'Token abc', '\u00ff\u00fe', 'Bearer a b c']);
const COOKIE_JUNK = (rng: Rng) =>
  rng.pick([`kw_session=${junkString(rng, 60).replace(/[;\r\n]/g, '')}`, 'kw_session=a; kw_session=b', 'kw_session', '=;;;=', 'x'.repeat(9000), 'kw_session=' + 'A'.repeat(43), 'a=1; kw_session=%00']);

/** One random request, as bytes, with a one-line description for failure messages. */
export function buildRequest(rng: Rng, ctx: FuzzContext): FuzzCase {
  const { method, path } = target(rng, ctx);
  const caller = rng.pick(ctx.callers);
  const headers: [string, string][] = [];
  const tags: string[] = [caller.kind === 'anonymous' ? 'anonymous' : `${caller.kind}:${caller.role}`];
  if (!rng.chance(0.03)) headers.push(['Host', rng.chance(0.95) ? '127.0.0.1' : 'evil.example']);
  headers.push(['Connection', 'close']);

  if (caller.kind === 'token') headers.push(['Authorization', rng.chance(0.9) ? `Bearer ${caller.token}` : AUTH_JUNK(rng)]);
  if (caller.kind === 'session') {
    headers.push(['Cookie', rng.chance(0.9) ? caller.cookie : COOKIE_JUNK(rng)]);
    const csrf = rng.next();
    if (csrf < 0.7) headers.push(['X-CSRF-Token', caller.csrf]);
    else if (csrf < 0.85) headers.push(['X-CSRF-Token', junkString(rng, 50).replace(/[\r\n]/g, '')]);
  }
  if (caller.kind === 'anonymous' && rng.chance(0.3)) headers.push(rng.chance(0.5) ? ['Authorization', AUTH_JUNK(rng)] : ['Cookie', COOKIE_JUNK(rng)]);

  let payload: Buffer = Buffer.alloc(0);
  if (!['GET', 'HEAD'].includes(method) || rng.chance(0.1)) {
    const b = body(rng);
    payload = b.body;
    headers.push(['Content-Type', rng.chance(0.85) ? b.contentType : rng.pick(CONTENT_TYPES)]);
  }

  let mayHang = method === 'CONNECT';
  const lie = rng.next();
  if (lie < 0.04 && payload.length > 1) {
    headers.push(['Content-Length', String(rng.int(0, payload.length - 1))]);
    tags.push('cl-short');
  } else if (lie < 0.07) {
    headers.push(['Content-Length', String(payload.length + rng.int(1, 10_000))]);
    mayHang = true; // the server rightly waits for bytes that never come
    tags.push('cl-long');
  } else if (lie < 0.09) {
    headers.push(['Content-Length', rng.pick(['abc', '-5', '1e3', ' ', '99999999999999999999'])]);
    tags.push('cl-junk');
  } else if (lie < 0.1) {
    headers.push(['Content-Length', String(payload.length)], ['Content-Length', String(payload.length + 1)]);
    tags.push('cl-twice');
  } else if (lie < 0.13) {
    headers.push(['Transfer-Encoding', 'chunked']);
    if (rng.chance(0.3)) headers.push(['Content-Length', String(payload.length)]);
    const chunk = rng.chance(0.7) ? `${payload.length.toString(16)}\r\n` : 'zz\r\n';
    payload = Buffer.concat([Buffer.from(chunk), payload, Buffer.from(rng.chance(0.8) ? '\r\n0\r\n\r\n' : '\r\n')]);
    tags.push('chunked');
    // A broken chunk header breaks the request mid-body: the server may only close the connection.
    mayHang ||= !payload.toString('latin1').endsWith('0\r\n\r\n') || chunk === 'zz\r\n';
  } else if (payload.length > 0 || !['GET', 'HEAD'].includes(method)) {
    headers.push(['Content-Length', String(payload.length)]);
  }
  if (rng.chance(0.03)) headers.push(['Content-Encoding', rng.pick(['gzip', 'deflate', 'br', 'xyz', 'identity'])]);
  if (rng.chance(0.03)) headers.push(['Expect', rng.pick(['100-continue', 'foo'])]);
  if (rng.chance(0.03)) headers.push(['X-Forwarded-For', rng.pick(['1.2.3.4', 'junk', '::1, 10.0.0.1'])], ['X-Forwarded-Proto', 'https']);
  if (rng.chance(0.03)) headers.push(rng.pick<[string, string]>([['Bad Header', 'x'], ['X-Unicode', 'żółw'], ['X-Long', 'v'.repeat(20_000)], ['X-Empty', '']]));
  const version = rng.chance(0.96) ? 'HTTP/1.1' : rng.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTX/1.1']);

  const head = `${method} ${path} ${version}\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  const shortPath = path.length > 80 ? `${path.slice(0, 60)}…(${path.length})` : path;
  return {
    bytes: Buffer.concat([Buffer.from(head, 'utf8'), payload]),
    method,
    summary: `${method} ${shortPath} [${tags.join(' ')}] body ${payload.length} B`,
    mayHang,
  };
}
