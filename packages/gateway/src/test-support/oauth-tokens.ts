import { randomBytes } from 'node:crypto';
import { buildAuthorizationUrl, createPkce, exchangeCode, type TokenSet } from '../auth/oauth-client.js';
import { providers } from '../providers/registry.js';
import type { OAuthDefinition, ProviderId, UrlContext } from '../providers/types.js';
import { followRedirects } from './oauth-browser.js';
import type { TestOAuthServer } from './oauth-server.js';

/** The provider definition and URL context that talk to a test OAuth server. */
export function testOAuthTarget(server: TestOAuthServer): { def: OAuthDefinition; ctx: UrlContext } {
  const def = providers[testProviderOf(server)].oauth;
  if (def === undefined) throw new Error('the provider has no OAuth definition');
  const ctx: UrlContext = {
    endpoints: {
      atlassianAuthUrl: server.url,
      atlassianApiUrl: server.url,
      bitbucketAuthUrl: server.url,
      bitbucketApiUrl: server.url,
    },
  };
  if (server.flavor === 'data-center') ctx.baseUrl = server.url;
  return { def, ctx };
}

/** The provider a test server stands in for (Data Center: Jira DC, whose instance is the server). */
export function testProviderOf(server: TestOAuthServer): ProviderId {
  if (server.flavor === 'bitbucket') return 'bitbucket-cloud';
  return server.flavor === 'data-center' ? 'jira-dc' : 'atlassian-cloud';
}

export interface TestClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** Register a fresh client at the server (redirect URI on a port nobody listens on; the flow stops before it). */
export async function registerTestClient(server: TestOAuthServer, redirectUri?: string): Promise<TestClient> {
  const client = {
    clientId: `client-${randomBytes(4).toString('hex')}`,
    clientSecret: randomBytes(24).toString('base64url'),
    redirectUri: redirectUri ?? 'http://127.0.0.1:9/oauth/callback',
  };
  await server.clients.register(client.clientId, client.clientSecret, [client.redirectUri]);
  return client;
}

/**
 * Run the authorization code flow as a browser and the gateway would, without the gateway: consent at
 * the server, take the code off the redirect, exchange it. Answers a first access and refresh token.
 */
export async function obtainTokens(server: TestOAuthServer, client: TestClient, scopes?: string[]): Promise<TokenSet> {
  const { def, ctx } = testOAuthTarget(server);
  const pkce = def.pkce ? await createPkce() : undefined;
  const state = randomBytes(16).toString('base64url');
  const url = buildAuthorizationUrl(def, ctx, {
    clientId: client.clientId,
    redirectUri: client.redirectUri,
    scopes: [...(scopes ?? def.defaultScopes), ...def.requiredScopes],
    state,
    ...(pkce === undefined ? {} : { codeChallenge: pkce.challenge }),
  });
  const end = await followRedirects(url, { stopAt: client.redirectUri });
  const code = end.url.searchParams.get('code');
  if (code === null || end.url.searchParams.get('state') !== state) {
    throw new Error(`no code in the redirect: ${end.url.search || `${end.status} ${end.body.slice(0, 300)}`}`);
  }
  return exchangeCode(def, ctx, client, {
    code,
    redirectUri: client.redirectUri,
    ...(pkce === undefined ? {} : { codeVerifier: pkce.verifier }),
  });
}
