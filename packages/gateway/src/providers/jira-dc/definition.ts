import { dataCenterBase, dataCenterOAuth, dataCenterTokenMethods } from '../data-center.js';
import type { ProviderDefinition } from '../types.js';

export const jiraDc = {
  id: 'jira-dc',
  name: 'Jira Data Center',
  deployment: 'data-center',
  products: ['jira'],
  authMethods: dataCenterTokenMethods('Jira Data Center'),
  oauth: dataCenterOAuth(['WRITE']),
  apiBase: dataCenterBase,
  defaultHeaders: {},
  docs: 'https://confluence.atlassian.com/adminjiraserver/jira-oauth-2-0-provider-api-1115659070.html',
} as const satisfies ProviderDefinition;
