import { dataCenterBase, dataCenterOAuth, dataCenterTokenMethods } from '../data-center.js';
import type { ProviderDefinition } from '../types.js';

export const bitbucketDc = {
  id: 'bitbucket-dc',
  name: 'Bitbucket Data Center',
  deployment: 'data-center',
  products: ['bitbucket'],
  authMethods: dataCenterTokenMethods('Bitbucket Data Center'),
  oauth: dataCenterOAuth(['REPO_WRITE']),
  apiBase: dataCenterBase,
  // Renovate and Atlassian's own clients send it on every request to skip the XSRF check (FACTS §1.5).
  defaultHeaders: { 'x-atlassian-token': 'no-check' },
  docs: 'https://confluence.atlassian.com/bitbucketserver/bitbucket-oauth-2-0-provider-api-1108483661.html',
} as const satisfies ProviderDefinition;
