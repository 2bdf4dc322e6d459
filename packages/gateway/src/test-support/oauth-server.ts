/**
 * A real OAuth 2.0 authorization server for tests: oidc-provider on 127.0.0.1:<free port>, shaped like
 * Atlassian's (flavor 'atlassian': /authorize and /oauth/token, client_secret_post, no PKCE required) or
 * Bitbucket's (flavor 'bitbucket': /site/oauth2/authorize and /site/oauth2/access_token,
 * client_secret_basic, PKCE S256 required and checked) or a Data Center instance's (flavor 'data-center':
 * /rest/oauth2/latest/authorize and /rest/oauth2/latest/token, client_secret_post, PKCE required). Refresh tokens rotate; presenting a consumed one
 * revokes the whole grant (oidc-provider's own reuse detection), except within `reuseLeewaySeconds`
 * (Atlassian: 600) where it still refreshes (see oauth-server-store.ts). The same origin serves a small
 * resource API (accessible-resources, Jira Cloud and DC /myself, Confluence user/current, /me, Bitbucket /2.0/user)
 * that answers 401 to unknown, expired or revoked tokens.
 *
 *   const as = await startOAuthServer({ flavor: 'atlassian', accessTokenTtlSeconds: 60 });
 *   await as.clients.register('client-1', 'secret-1', ['http://127.0.0.1:3001/oauth/callback']);
 *   startTestApp('sqlite', { ATLASSIAN_AUTH_URL: as.url, ATLASSIAN_API_URL: as.url, … });
 *   … as.stats.tokenRequests.refresh_token …
 *   await as.close();
 *
 * Consent is given automatically for a fixed user, through oidc-provider's real interaction redirects
 * and cookies (followRedirects in oauth-browser.ts completes it); setConsent('deny') makes the user
 * decline (redirect with error=access_denied).
 */
import Provider, { type KoaContext } from 'oidc-provider';
import { type ConsentDecision, interactionHandler } from './oauth-server-interactions.js';
import { resourceApi, type TestSite, type TestUser } from './oauth-server-resources.js';
import { listen, PATHS, providerConfiguration } from './oauth-server-setup.js';
import { OAuthServerStore } from './oauth-server-store.js';
import type { OAuthServerOptions, OAuthServerStats, TestOAuthServer, TokenResponseInfo } from './oauth-server-types.js';

export type { TestSite, TestUser } from './oauth-server-resources.js';
export type {
  OAuthServerFlavor,
  OAuthServerOptions,
  OAuthServerStats,
  TestOAuthServer,
  TokenResponseInfo,
} from './oauth-server-types.js';

const emptyStats = (): OAuthServerStats => ({
  tokenRequests: {},
  tokenErrors: {},
  injectedFailures: 0,
  apiRequests: 0,
  apiRejected: 0,
  interactions: {},
});

const bump = (m: Record<string, number>, k: string) => {
  m[k] = (m[k] ?? 0) + 1;
};

export async function startOAuthServer(options: OAuthServerOptions = {}): Promise<TestOAuthServer> {
  const flavor = options.flavor ?? 'atlassian';
  const paths = PATHS[flavor];
  const http = await listen();
  const store = new OAuthServerStore(options.reuseLeewaySeconds ?? 0);
  const user: TestUser = {
    accountId: '5b10ac8d82e05b22cc7d4ef5',
    displayName: 'Test User',
    email: 'test.user@example.com',
    username: 'test-user',
    uuid: '{c0ffee00-0000-4000-8000-000000000001}',
    ...options.user,
  };
  let sites: TestSite[] = options.sites ?? [
    { id: '11111111-2222-4333-8444-555555555555', name: 'acme', url: 'https://acme.atlassian.net' },
  ];
  let decision: ConsentDecision = 'grant';
  let apiDelayMs = 0;
  let failures: { count: number; status: number } = { count: 0, status: 503 };

  const provider = new Provider(http.url, providerConfiguration(flavor, options, store));

  const server: TestOAuthServer = {
    url: http.url,
    flavor,
    authorizePath: paths.authorization,
    tokenPath: paths.token,
    user,
    clients: {
      register: (clientId, secret, redirectUris) =>
        store
          .adapter('Client')
          .upsert(clientId, { client_id: clientId, client_secret: secret, redirect_uris: redirectUris }),
    },
    stats: emptyStats(),
    resetStats: () => {
      server.stats = emptyStats();
    },
    setConsent: (d) => {
      decision = d;
    },
    setSites: (s) => {
      sites = s;
    },
    setApiDelay: (ms) => {
      apiDelayMs = ms;
    },
    failTokenRequests: (count, status = 503) => {
      failures = { count, status };
    },
    onTokenResponse: options.onTokenResponse,
    revokeAll: () => store.revokeAll(),
    close: () => http.close(),
  };

  provider.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== paths.token) return next();
    if (failures.count > 0) {
      failures.count -= 1;
      server.stats.injectedFailures += 1;
      ctx.status = failures.status;
      ctx.body = { error: 'temporarily_unavailable', error_description: 'injected failure' };
      return;
    }
    await next();
    await afterToken(server, ctx);
  });
  provider.use(
    interactionHandler({
      provider,
      accountId: user.accountId,
      decision: () => decision,
      onInteraction: (prompt) => bump(server.stats.interactions, prompt),
    }),
  );
  provider.use(
    resourceApi({
      provider,
      sites: () => sites,
      user,
      delayMs: () => apiDelayMs,
      onRequest: (_path, ok) => {
        if (ok) server.stats.apiRequests += 1;
        else server.stats.apiRejected += 1;
      },
    }),
  );
  http.setHandler(provider.callback());
  return server;
}

async function afterToken(server: TestOAuthServer, ctx: KoaContext): Promise<void> {
  const grantType = String(ctx.oidc?.params?.grant_type ?? 'unknown');
  bump(server.stats.tokenRequests, grantType);
  const body = (typeof ctx.body === 'object' && ctx.body !== null ? ctx.body : {}) as Record<string, unknown>;
  const info: TokenResponseInfo = {
    grantType,
    status: ctx.status,
    issuedRefreshToken: typeof body.refresh_token === 'string',
  };
  if (typeof body.error === 'string') {
    info.error = body.error;
    bump(server.stats.tokenErrors, body.error);
  }
  await server.onTokenResponse?.(info);
}
