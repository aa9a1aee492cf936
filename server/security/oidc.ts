/**
 * Single sign-on through the city's identity provider: OpenID Connect authorization code flow with
 * PKCE (S256), state and nonce. openid-client speaks the protocol and validates the id_token
 * (signature against the provider's JWKS, issuer, audience, expiry, nonce). The login state — code
 * verifier, state, nonce, where to return — travels in a 10-minute cookie HMAC-signed with a key
 * kept in the archive's settings: no table, and any server on the same archive can finish a login.
 *
 * Roles come from the group claim through OIDC_ROLE_MAP, in the administrator's order: the first
 * listed group the user belongs to decides. Roles are not nested (records staff ingest, clerks
 * search), so "the most privileged group" is not defined, and providers do not promise an order
 * for the groups they list; the written order is explicit, reviewable, and the same on every login.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import type { OidcConfig } from '../config.js';
import { DomainError } from '../errors.js';
import { getSetting, setSetting, write, type Db } from '../store/db.js';
import type { Role } from '../store/users.js';

/** The login-state cookie (sent only to the callback: its path is the callback's folder). */
export const STATE_COOKIE = 'kw_oidc';
export const STATE_TTL_MS = 10 * 60_000;
const KEY_SETTING = 'oidc_state_key';
/** Seconds for discovery, and then for every token and userinfo request. */
const REQUEST_TIMEOUT_S = 5;
/** Provider metadata is re-read after this long (a stale copy serves while the provider is down). */
const METADATA_TTL_MS = 60 * 60_000;
const MAX_PENDING_STATES = 10_000;

/** A refused or failed sign-in: `reason` (a code, never a token) goes to the audit trail, the message to the person. */
export class SsoError extends DomainError {
  constructor(
    code: string,
    message: string,
    status: number,
    public readonly reason: string,
    /** The user name the provider asserted, once known (for the audit trail). */
    public readonly username?: string,
  ) {
    super(code, message, status);
    this.name = 'SsoError';
  }
}

const MSG = {
  unavailable: 'logowanie przez system miejski jest chwilowo niedostępne (brak połączenia z dostawcą tożsamości); spróbuj później albo zaloguj się hasłem',
  provider: 'dostawca tożsamości odpowiedział nieprawidłowo; spróbuj później albo zaloguj się hasłem',
  state: 'logowanie wygasło, zostało już użyte albo rozpoczęto je w innej przeglądarce; zacznij logowanie od nowa',
  failed: 'logowanie przez system miejski nie powiodło się; zacznij logowanie od nowa',
  noRole: 'twoje konto w systemie miejskim nie należy do żadnej grupy z dostępem do kwerendy; poproś administratora o przypisanie grupy',
};

/** Who the provider says signed in, and the role the group mapping gives them. */
export interface SsoIdentity {
  /** `issuer#sub`: a `sub` is unique only within its issuer, so the issuer is part of the key. */
  subject: string;
  /** A user name made from the username claim (valid characters; the caller makes it unique). */
  username: string;
  role: Role;
  /** The group of OIDC_ROLE_MAP that decided the role. */
  group: string;
  /** Local path to go to after the login (`/#/` unless the login page asked for another). */
  returnTo: string;
}

interface LoginState {
  v: string; // PKCE code verifier
  s: string; // state
  n: string; // nonce
  r: string; // return path
  e: number; // expiry, ms since epoch
}

/** The first group of the map (administrator's order) that the user is in; null when none. */
export function roleFor(groups: readonly string[], map: OidcConfig['roleMap']): { role: Role; group: string } | null {
  const held = new Set(groups);
  const hit = map.find((m) => held.has(m.group));
  return hit ? { role: hit.role, group: hit.group } : null;
}

/** Group names from a claim that may be a list or, with some providers, one string. */
export function groupsOf(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim];
  return Array.isArray(claim) ? claim.filter((g): g is string => typeof g === 'string').slice(0, 1000) : [];
}

/** A valid kwerenda user name from the username claim; `sso-<hash of subject>` when nothing usable is left. */
export function ssoUserName(claim: unknown, subject: string): string {
  const raw = typeof claim === 'string' ? claim.normalize('NFC').trim() : '';
  // 56 leaves room for the "-sso2"… suffix that makes a taken name unique (64 at most).
  // Cut before trimming: the claim's length is the provider's to choose.
  let cleaned = raw.slice(0, 256).replace(/[^\p{L}\p{N}._@-]+/gu, '-');
  let from = 0;
  let to = cleaned.length;
  while (from < to && cleaned[from] === '-') from++;
  while (to > from && cleaned[to - 1] === '-') to--;
  cleaned = cleaned.slice(from, to).slice(0, 56);
  return cleaned !== '' ? cleaned : `sso-${createHash('sha256').update(subject).digest('hex').slice(0, 12)}`;
}

/** Only a path on this site: no scheme, no `//host`, no backslashes (no open redirect). */
export function safeReturnPath(p: unknown): string {
  return typeof p === 'string' && p.length <= 500 && /^\/(?![/\\])[^\\\s]*$/.test(p) ? p : '/#/';
}

/** Is this error (or its cause) the provider not answering: refused, reset, unknown host, timed out? */
function unreachable(err: unknown): boolean {
  for (let e = err, i = 0; e instanceof Error && i < 5; e = e.cause, i++) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.message === 'fetch failed') return true;
    const code = (e as { code?: unknown }).code;
    if (code === 'OAUTH_TIMEOUT' || code === 'OAUTH_ABORT' || (typeof code === 'string' && /^(ECONN|ENOTFOUND|EAI_|ETIMEDOUT|EHOSTUNREACH|UND_ERR)/.test(code))) return true;
  }
  return false;
}

const reasonCode = (s: unknown) => String(s ?? 'unknown').toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 60);

/** Turns what openid-client throws into an SsoError the person understands. */
function classify(err: unknown, stage: 'discovery' | 'callback'): SsoError {
  if (err instanceof SsoError) return err;
  if (unreachable(err)) return new SsoError('sso_unavailable', MSG.unavailable, 503, 'provider_unreachable');
  if (stage === 'discovery') return new SsoError('sso_unavailable', MSG.unavailable, 503, 'discovery_failed');
  if (err instanceof oidc.AuthorizationResponseError) return new SsoError('sso_failed', MSG.failed, 401, `provider_${reasonCode(err.error)}`);
  if (err instanceof oidc.ResponseBodyError) {
    return err.status >= 500
      ? new SsoError('sso_provider_error', MSG.provider, 502, `provider_status_${err.status}`)
      : new SsoError('sso_failed', MSG.failed, 401, `token_${reasonCode(err.error)}`);
  }
  const code = (err as { code?: unknown }).code;
  if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
    return new SsoError('sso_provider_error', MSG.provider, 502, 'provider_response');
  }
  // Signature, issuer, audience, nonce, expiry: whatever did not validate is refused.
  return new SsoError('sso_failed', MSG.failed, 401, typeof code === 'string' ? reasonCode(code) : 'invalid_response');
}

/** The OpenID Connect client of one configured provider. */
export class OidcClient {
  /** Path of the login-state cookie: the callback's folder, e.g. `/api/auth/oidc`. */
  readonly cookiePath: string;
  /** Where the UI lives on the public address (`''`, or a reverse proxy's prefix such as `/kwerenda`). */
  readonly basePath: string;
  private key?: Buffer;
  private metadata?: { config: oidc.Configuration; at: number };
  private discovering?: Promise<oidc.Configuration>;
  /** States already used here (replays within their lifetime); the provider's one-time codes back this up. */
  private readonly usedStates = new Map<string, number>();

  constructor(
    private readonly settings: OidcConfig,
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    const p = new URL(settings.redirectUri).pathname;
    this.cookiePath = p.slice(0, p.lastIndexOf('/')) || '/';
    this.basePath = p.slice(0, p.length - '/api/auth/oidc/callback'.length).replace(/\/+$/, '');
  }

  /** Starts a login: the provider's authorization URL and the signed login-state cookie value. */
  async begin(returnTo?: unknown): Promise<{ url: string; cookie: string }> {
    const config = await this.configuration();
    const st: LoginState = {
      v: oidc.randomPKCECodeVerifier(),
      s: oidc.randomState(),
      n: oidc.randomNonce(),
      r: safeReturnPath(returnTo),
      e: this.now() + STATE_TTL_MS,
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(st.v),
      code_challenge_method: 'S256',
      state: st.s,
      nonce: st.n,
    });
    return { url: url.href, cookie: this.seal(st) };
  }

  /**
   * Finishes a login from the callback's query string and the login-state cookie: checks the
   * state, exchanges the code, validates the id_token and maps the groups to a role.
   */
  async finish(query: string, cookie: string | undefined): Promise<SsoIdentity> {
    const st = this.open(cookie);
    const params = new URLSearchParams(query);
    if (params.get('state') !== st.s) throw new SsoError('sso_state_invalid', MSG.state, 400, 'state_mismatch');
    if (!this.consume(st)) throw new SsoError('sso_state_invalid', MSG.state, 400, 'state_reused');
    const config = await this.configuration();
    const current = new URL(this.settings.redirectUri);
    current.search = params.toString();
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: st.v,
        expectedState: st.s,
        expectedNonce: st.n,
        idTokenExpected: true,
      });
      claims = { ...tokens.claims()! };
      const { usernameClaim, groupsClaim } = this.settings;
      // Providers that keep profile claims out of the id_token serve them from userinfo (same subject enforced).
      if ((claims[usernameClaim] === undefined || claims[groupsClaim] === undefined) && tokens.access_token) {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub as string);
        claims = { ...info, ...claims };
      }
    } catch (err) {
      throw classify(err, 'callback');
    }
    const subject = `${this.settings.issuer}#${String(claims.sub)}`;
    const username = ssoUserName(claims[this.settings.usernameClaim], subject);
    const mapped = roleFor(groupsOf(claims[this.settings.groupsClaim]), this.settings.roleMap);
    if (!mapped) throw new SsoError('sso_no_role', MSG.noRole, 403, 'no_mapped_group', username);
    return { subject, username, role: mapped.role, group: mapped.group, returnTo: st.r };
  }

  /** Provider metadata, discovered on first use with a timeout; never cached when discovery fails. */
  private async configuration(): Promise<oidc.Configuration> {
    const m = this.metadata;
    if (m && this.now() - m.at < METADATA_TTL_MS) return m.config;
    const insecure = new URL(this.settings.issuer).protocol === 'http:'; // allowed by config for loopback only
    this.discovering ??= oidc
      .discovery(new URL(this.settings.issuer), this.settings.clientId, undefined, oidc.ClientSecretBasic(this.settings.clientSecret), {
        timeout: REQUEST_TIMEOUT_S,
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .then((config) => {
        this.metadata = { config, at: this.now() };
        return config;
      })
      .finally(() => {
        this.discovering = undefined;
      });
    try {
      return await this.discovering;
    } catch (err) {
      if (m) return m.config;
      throw classify(err, 'discovery');
    }
  }

  private hmacKey(): Buffer {
    this.key ??= write(this.db, () => {
      let k = getSetting(this.db, KEY_SETTING);
      if (!k) {
        k = randomBytes(32).toString('base64url');
        setSetting(this.db, KEY_SETTING, k);
      }
      return Buffer.from(k, 'base64url');
    });
    return this.key;
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.hmacKey()).update(`kw_oidc.v1.${body}`).digest();
  }

  private seal(st: LoginState): string {
    const body = Buffer.from(JSON.stringify(st)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  private open(cookie: string | undefined): LoginState {
    const bad = (reason: string) => new SsoError('sso_state_invalid', MSG.state, 400, reason);
    if (!cookie) throw bad('state_missing');
    const [body, sig, extra] = cookie.length <= 2000 ? cookie.split('.') : [];
    if (!body || !sig || extra !== undefined) throw bad('state_forged');
    const given = Buffer.from(sig, 'base64url');
    const wanted = this.mac(body);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw bad('state_forged');
    const st = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LoginState;
    if (!(typeof st.e === 'number' && st.e > this.now())) throw bad('state_expired');
    return st;
  }

  /** Marks the state used; false if it already was. */
  private consume(st: LoginState): boolean {
    const now = this.now();
    for (const [s, until] of this.usedStates) {
      if (until > now && this.usedStates.size < MAX_PENDING_STATES) break;
      this.usedStates.delete(s); // oldest first: expired ones, or the oldest when full
    }
    if (this.usedStates.has(st.s)) return false;
    this.usedStates.set(st.s, st.e);
    return true;
  }
}
