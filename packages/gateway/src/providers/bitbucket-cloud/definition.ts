import type { ProviderDefinition } from '../types.js';

/** Bitbucket Cloud (FACTS.md §1.4): its own OAuth consumer, not Atlassian 3LO; API at api.bitbucket.org/2.0. */
export const bitbucketCloud = {
  id: 'bitbucket-cloud',
  name: 'Bitbucket Cloud',
  deployment: 'cloud',
  products: ['bitbucket'],
  authMethods: [
    {
      id: 'oauth2',
      authType: 'oauth2',
      description: 'OAuth 2.0 consumer (authorization code). Refresh tokens rotate since May 2026.',
      fields: [],
    },
    {
      id: 'api_token',
      authType: 'api_token',
      description: 'Atlassian API token with Bitbucket scopes: HTTP Basic with the account email.',
      fields: [
        { name: 'email', secret: false, description: 'Atlassian account email' },
        { name: 'token', secret: true, description: 'API token with Bitbucket scopes' },
      ],
    },
    {
      id: 'access_token',
      authType: 'bearer',
      description: 'Repository, project or workspace access token (Bearer).',
      fields: [{ name: 'token', secret: true, description: 'Access token' }],
    },
    {
      id: 'app_password',
      authType: 'app_password',
      description: 'Legacy app password: HTTP Basic with the Bitbucket username.',
      fields: [
        { name: 'username', secret: false, description: 'Bitbucket username (not the email)' },
        { name: 'password', secret: true, description: 'App password' },
      ],
      warning:
        'Bitbucket Cloud app passwords were removed on 28 July 2026 (creation stopped 9 September 2025). Use an API token or an access token instead.',
    },
  ],
  oauth: {
    authorizeUrl: ({ endpoints }) => `${endpoints.bitbucketAuthUrl}/site/oauth2/authorize`,
    tokenUrl: ({ endpoints }) => `${endpoints.bitbucketAuthUrl}/site/oauth2/access_token`,
    clientAuth: 'client_secret_basic',
    pkce: true,
    defaultScopes: ['account', 'repository', 'pullrequest', 'pipeline', 'issue', 'webhook'],
    requiredScopes: [],
    scopeSeparator: ' ',
    authorizeParams: {},
    rotatingRefreshTokens: true,
    reuseLeewaySeconds: 0,
    inactivityExpiryDays: 90,
    absoluteExpiryDays: null,
    envClient: 'bitbucket',
    needsBaseUrl: false,
  },
  apiBase: ({ endpoints }) => `${endpoints.bitbucketApiUrl}/2.0`,
  defaultHeaders: {},
  docs: 'https://developer.atlassian.com/cloud/bitbucket/oauth-2/',
} as const satisfies ProviderDefinition;
