import { dataCenterBase, dataCenterOAuth, dataCenterTokenMethods } from '../data-center.js';
import type { ProviderDefinition } from '../types.js';

export const confluenceDc = {
  id: 'confluence-dc',
  name: 'Confluence Data Center',
  deployment: 'data-center',
  products: ['confluence'],
  authMethods: dataCenterTokenMethods('Confluence Data Center'),
  oauth: dataCenterOAuth(['WRITE']),
  apiBase: dataCenterBase,
  defaultHeaders: {},
  docs: 'https://confluence.atlassian.com/doc/confluence-oauth-2-0-provider-api-1115674732.html',
} as const satisfies ProviderDefinition;
