import { AppError } from '../errors/app-error.js';
import { providers } from '../providers/registry.js';
import type { Endpoints, Product } from '../providers/types.js';
import { apiRootOf, type ConnectionPlace } from './connection-target.js';

/**
 * Which API root a proxied path goes to. Paths are always written as the vendor documents them relative to
 * what `apiRootOf` answers:
 * - Atlassian Cloud: `/rest/…` is Jira, `/wiki/…` is Confluence. Through OAuth (3LO) and scoped API tokens
 *   they go to `{ATLASSIAN_API_URL}/ex/jira/{cloudId}/rest/…` and `/ex/confluence/{cloudId}/wiki/…`; with a
 *   classic API token to the site URL (`https://{site}.atlassian.net/rest/…`, `/wiki/…`).
 * - Bitbucket Cloud: relative to the API root `https://api.bitbucket.org/2.0`, so `/repositories/{ws}`, not
 *   `/2.0/repositories/{ws}` (refused, with a hint).
 * - Data Center: relative to the base URL, context path included: `/rest/api/2/…`, `/rest/api/latest/…`.
 */
export function productOfPath(path: string): Product | undefined {
  if (path === '/wiki' || path.startsWith('/wiki/')) return 'confluence';
  if (path.startsWith('/rest/')) return 'jira';
  return undefined;
}

const refuse = (message: string) => new AppError('VALIDATION', message, { details: [{ path: 'path', message }] });

export function proxyRootOf(endpoints: Endpoints, place: ConnectionPlace, path: string): string {
  switch (place.provider) {
    case 'atlassian-cloud': {
      const product = productOfPath(path);
      if (product === undefined) {
        throw refuse('Atlassian Cloud proxy paths start with /rest/ (Jira) or /wiki/ (Confluence).');
      }
      return apiRootOf(endpoints, place, product);
    }
    case 'bitbucket-cloud':
      if (path === '/2.0' || path.startsWith('/2.0/')) {
        throw refuse(
          'Bitbucket Cloud proxy paths are relative to the API root https://api.bitbucket.org/2.0: send /repositories/…, not /2.0/repositories/….',
        );
      }
      return apiRootOf(endpoints, place, 'bitbucket');
    default:
      return apiRootOf(endpoints, place, providers[place.provider].products[0] ?? 'jira');
  }
}
