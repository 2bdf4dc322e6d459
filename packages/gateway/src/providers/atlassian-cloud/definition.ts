import type { ProviderDefinition } from '../types.js';

/**
 * Jira and Confluence Cloud through one Atlassian account grant (FACTS.md §1.1, §1.2).
 * 3LO tokens work only through api.atlassian.com/ex/{product}/{cloudId}; classic API tokens against the
 * site URL; scoped API tokens through the same /ex route as 3LO, with the cloud id from /_edge/tenant_info.
 */
export const atlassianCloud = {
  id: 'atlassian-cloud',
  name: 'Jira and Confluence Cloud',
  deployment: 'cloud',
  products: ['jira', 'confluence'],
  authMethods: [
    {
      id: 'oauth2',
      authType: 'oauth2',
      description: 'OAuth 2.0 (3LO): one grant reaches every site the user consents to; a connection per site.',
      fields: [],
    },
    {
      id: 'api_token',
      authType: 'api_token',
      description: 'Classic (unscoped) Atlassian API token: HTTP Basic email:token against the site URL.',
      fields: [
        { name: 'site_url', secret: false, description: 'https://<your-site>.atlassian.net' },
        { name: 'email', secret: false, description: 'Atlassian account email' },
        { name: 'token', secret: true, description: 'API token from id.atlassian.com' },
      ],
    },
    {
      id: 'scoped_api_token',
      authType: 'api_token',
      description: 'Scoped API token (or service account token): Basic email:token through api.atlassian.com/ex.',
      fields: [
        {
          name: 'site_url',
          secret: false,
          description: 'https://<your-site>.atlassian.net (its cloud id is looked up)',
        },
        { name: 'email', secret: false, description: 'Atlassian account email' },
        { name: 'token', secret: true, description: 'Scoped API token' },
      ],
    },
  ],
  oauth: {
    authorizeUrl: ({ endpoints }) => `${endpoints.atlassianAuthUrl}/authorize`,
    tokenUrl: ({ endpoints }) => `${endpoints.atlassianAuthUrl}/oauth/token`,
    clientAuth: 'client_secret_post',
    pkce: false, // 3LO documents no PKCE and always requires the client secret (FACTS §1.1)
    defaultScopes: [
      'read:jira-work',
      'write:jira-work',
      'read:jira-user',
      'manage:jira-webhook',
      'read:confluence-content.all',
      'write:confluence-content',
      'read:confluence-space.summary',
      'search:confluence',
      'read:me',
    ],
    requiredScopes: ['offline_access'],
    scopeSeparator: ' ',
    authorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    rotatingRefreshTokens: true,
    reuseLeewaySeconds: 600,
    inactivityExpiryDays: 90,
    absoluteExpiryDays: 365,
    envClient: 'atlassian',
    needsBaseUrl: false,
  },
  apiBase: ({ endpoints }) => endpoints.atlassianApiUrl,
  defaultHeaders: {},
  docs: 'https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/',
} as const satisfies ProviderDefinition;
