import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Configuration } from 'oidc-provider';
import { providers } from '../providers/registry.js';
import type { OAuthServerStore } from './oauth-server-store.js';
import type { OAuthServerFlavor, OAuthServerOptions } from './oauth-server-types.js';

export const PATHS = {
  atlassian: { authorization: '/authorize', token: '/oauth/token' },
  bitbucket: { authorization: '/site/oauth2/authorize', token: '/site/oauth2/access_token' },
  'data-center': { authorization: '/rest/oauth2/latest/authorize', token: '/rest/oauth2/latest/token' },
} as const;

/** Every scope a provider definition asks for by default, and any extra ones. */
function knownScopes(extra: string[] = []): string[] {
  const all = Object.values(providers).flatMap((p) => [
    ...(p.oauth?.defaultScopes ?? []),
    ...(p.oauth?.requiredScopes ?? []),
  ]);
  return [...new Set(['offline_access', ...all, ...extra])];
}

/** One signing key per test process (oidc-provider needs one even though no ID token is issued here). */
let signingKey: Record<string, unknown> | undefined;
function jwks(): { keys: Record<string, unknown>[] } {
  signingKey ??= {
    ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
    use: 'sig',
  };
  return { keys: [signingKey] };
}

function ttls(o: OAuthServerOptions): Record<string, number> {
  const refresh = o.refreshTokenTtlSeconds ?? 90 * 86400;
  return {
    AccessToken: o.accessTokenTtlSeconds ?? 3600,
    AuthorizationCode: 60,
    RefreshToken: refresh,
    Grant: refresh,
    Session: 3600,
    Interaction: 600,
    IdToken: 3600,
    ClientCredentials: 600,
    DeviceCode: 600,
    BackchannelAuthenticationRequest: 600,
  };
}

/**
 * oidc-provider configured as a plain OAuth 2.0 server in the vendor's shape: code flow only, rotating
 * refresh tokens issued whether or not offline_access was asked for (Bitbucket never asks), refresh tokens
 * that outlive the login session, the vendor's client authentication and PKCE rule.
 */
export function providerConfiguration(
  flavor: OAuthServerFlavor,
  options: OAuthServerOptions,
  store: OAuthServerStore,
): Configuration {
  return {
    adapter: (model) => store.adapter(model),
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: flavor === 'bitbucket' ? 'client_secret_basic' : 'client_secret_post',
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    jwks: jwks(),
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    pkce: { required: () => flavor !== 'atlassian' },
    responseTypes: ['code'],
    rotateRefreshToken: true,
    routes: { ...PATHS[flavor] },
    scopes: knownScopes(options.scopes),
    ttl: ttls(options),
    expiresWithSession: async () => false,
    renderError: async (ctx, out) => {
      ctx.body = out;
    },
  };
}

export interface Listener {
  url: string;
  setHandler(h: (q: IncomingMessage, s: ServerResponse) => void): void;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1:<free port>; the handler is set once the issuer URL (which needs the port) is known. */
export async function listen(): Promise<Listener> {
  let handler: ((q: IncomingMessage, s: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setHandler: (h) => {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
