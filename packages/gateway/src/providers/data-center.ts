import type { AuthMethodDefinition, OAuthDefinition, UrlContext } from './types.js';

/** Shared by the three Data Center products (FACTS.md §1.3, §1.5): their OAuth 2.0 provider lives on the instance. */
export function dataCenterBase(ctx: UrlContext): string {
  if (ctx.baseUrl === undefined) throw new Error('a Data Center base URL is required');
  return ctx.baseUrl;
}

export const baseUrlField = {
  name: 'base_url',
  secret: false,
  description: 'https://… base URL of the instance, including any context path',
} as const;

export function dataCenterOAuth(defaultScopes: string[]): OAuthDefinition {
  return {
    authorizeUrl: (ctx) => `${dataCenterBase(ctx)}/rest/oauth2/latest/authorize`,
    tokenUrl: (ctx) => `${dataCenterBase(ctx)}/rest/oauth2/latest/token`,
    clientAuth: 'client_secret_post',
    pkce: true,
    defaultScopes,
    requiredScopes: [],
    scopeSeparator: ' ',
    authorizeParams: {},
    rotatingRefreshTokens: true,
    reuseLeewaySeconds: 0,
    inactivityExpiryDays: null,
    absoluteExpiryDays: null,
    needsBaseUrl: true,
  };
}

export function dataCenterTokenMethods(product: string): AuthMethodDefinition[] {
  return [
    {
      id: 'personal_access_token',
      authType: 'bearer',
      description: `${product} personal or HTTP access token (Bearer).`,
      fields: [baseUrlField, { name: 'token', secret: true, description: 'Personal / HTTP access token' }],
    },
    {
      id: 'basic',
      authType: 'basic',
      description: `Username and password (or username and personal token) against ${product}.`,
      fields: [
        baseUrlField,
        { name: 'username', secret: false, description: 'Username' },
        { name: 'password', secret: true, description: 'Password or personal token' },
      ],
    },
    {
      id: 'oauth2',
      authType: 'oauth2',
      description: `OAuth 2.0 through an incoming application link on ${product} (client id and secret per tenant).`,
      fields: [baseUrlField],
    },
  ];
}
