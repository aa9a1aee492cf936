/**
 * A real OpenID Connect provider for tests: panva's certified `oidc-provider` on 127.0.0.1 with one
 * confidential client. Its login page is replaced by a test hook: whoever the test put in
 * `signIn(...)` is signed in when the browser reaches the interaction, and consent is granted for
 * the first-party client, so a test drives the whole flow with fetch and hand-carried cookies
 * (`Browser` below: one cookie jar per site, redirects followed by hand).
 *
 * `idTokenClaims: true` puts the profile claims (user name, groups) in the id_token, as Keycloak and
 * Entra ID do; false keeps them in userinfo only, as a strictly conformant provider does.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A person at the provider. */
export interface IdpUser {
  sub: string;
  username: string;
  groups: string[];
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The person who signs in at the next interaction (null: the person cancels). */
  signIn(user: IdpUser | null): void;
  /** Change what the provider says about a person (e.g. new groups). */
  update(user: IdpUser): void;
  close(): Promise<void>;
}

// Minimal shapes of the parts of oidc-provider used here (the package ships no types).
interface Grant {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}
interface Ctx {
  oidc: { client: { clientId: string }; session: { accountId?: string; grantIdFor(id: string): string | undefined }; result?: { consent?: { grantId?: string } }; provider: ProviderInstance };
}
interface ProviderInstance {
  Grant: { new (o: { clientId: string; accountId: string }): Grant; find(id: string): Promise<Grant | undefined> };
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
  interactionDetails(req: http.IncomingMessage, res: http.ServerResponse): Promise<{ uid: string }>;
  interactionFinished(req: http.IncomingMessage, res: http.ServerResponse, result: unknown, opts: { mergeWithLastSubmission: boolean }): Promise<void>;
}
type ProviderClass = new (issuer: string, config: Record<string, unknown>) => ProviderInstance;

export async function startOidcProvider(opts: { redirectUri: string; idTokenClaims?: boolean }): Promise<TestIdp> {
  // A specifier in a variable: the package has no type declarations, and this keeps tsc from asking for them.
  const pkg: string = 'oidc-provider';
  const Provider = ((await import(pkg)) as { default: ProviderClass }).default;
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'kwerenda';
  const clientSecret = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
  const people = new Map<string, IdpUser>();
  let next: IdpUser | null = null;

  // A signing key of its own (the package's built-in development key is the same for every instance).
  const jwk = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  const provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [opts.redirectUri], token_endpoint_auth_method: 'client_secret_basic' }],
    claims: { openid: ['sub'], profile: ['preferred_username', 'groups'] },
    conformIdTokenClaims: !(opts.idTokenClaims ?? true),
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // First-party client: consent is implied.
    loadExistingGrant: async (ctx: Ctx) => {
      const { oidc } = ctx;
      const id = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      if (id) return oidc.provider.Grant.find(id);
      if (!oidc.session.accountId) return undefined;
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
    findAccount: (_ctx: unknown, sub: string) => {
      const who = people.get(sub);
      return who ? { accountId: sub, claims: () => ({ sub, preferred_username: who.username, groups: who.groups }) } : undefined;
    },
  });
  const handle = provider.callback();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!req.url?.startsWith('/interaction/')) {
      handle(req, res);
      return;
    }
    void (async () => {
      await provider.interactionDetails(req, res);
      const who = next;
      const result = who ? { login: { accountId: who.sub } } : { error: 'access_denied', error_description: 'cancelled' };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    })().catch((e: unknown) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });

  return {
    issuer,
    clientId,
    clientSecret,
    signIn(user) {
      if (user) people.set(user.sub, { ...user });
      next = user;
    },
    update(user) {
      people.set(user.sub, { ...user });
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A browser: one cookie jar per site, redirects by hand. */
export class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  jar(origin: string): Map<string, string> {
    let j = this.jars.get(origin);
    if (!j) this.jars.set(origin, (j = new Map()));
    return j;
  }

  async get(url: string, accept = 'application/json'): Promise<Response> {
    const u = new URL(url);
    const cookie = [...this.jar(u.origin)].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(u, { redirect: 'manual', headers: { accept, ...(cookie ? { cookie } : {}) } });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const name = pair!.slice(0, pair!.indexOf('='));
      const value = pair!.slice(pair!.indexOf('=') + 1);
      const gone = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (gone) this.jar(u.origin).delete(name);
      else this.jar(u.origin).set(name, value);
    }
    return res;
  }
}

/** Where a redirect points, made absolute. */
export const location = (res: Response, from: string) => new URL(res.headers.get('location')!, from).href;
/** The Set-Cookie line that sets (not clears) `name`. */
export const setCookie = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`) && !c.startsWith(`${name}=;`));
