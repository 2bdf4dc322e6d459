import type { Dispatcher } from 'undici';
import { AppError } from '../../errors/app-error.js';
import { apiRootOf } from '../connection-target.js';
import { callVendorJson, type Query, type VendorTransportDeps, withQuery } from '../vendor-json.js';

/** Confluence Cloud speaks REST v2 (`/api/v2`, CQL still on v1); Confluence Data Center REST v1 (`/rest/api`). */
export type ConfluenceFlavor = 'cloud' | 'dc';

export type { Query } from '../vendor-json.js';

/**
 * One connection's Confluence, as the normalized API sees it: JSON in, JSON out, any non-2xx answer already turned
 * into the envelope's error (http/upstream-errors.ts). Tests script it; `connectionConfluence` builds the real one.
 */
export interface ConfluenceTransport {
  flavor: ConfluenceFlavor;
  /**
   * `path` is relative to Confluence's root, API version included: `/api/v2/pages/1` (→ `<site>/wiki/api/v2/…` on
   * Cloud), `/rest/api/content/1` (→ `<base>/rest/api/…` on Data Center). It may carry its own query string (a
   * followed `next` link); `query` is added to it.
   */
  send(method: Dispatcher.HttpMethod, path: string, options?: { query?: Query; body?: unknown }): Promise<unknown>;
}

export type ConfluenceTransportDeps = VendorTransportDeps;

/**
 * The Confluence of a connection (atlassian-cloud or confluence-dc), through the proxy's targets, budgets and
 * retries. Cloud lives under `/wiki` of its root: the site URL for a classic API token, api.atlassian.com's
 * `/ex/confluence/{cloudId}` for OAuth and scoped tokens (apiRootOf chooses).
 */
export async function connectionConfluence(
  deps: ConfluenceTransportDeps,
  tenantId: string,
  connectionId: string,
): Promise<ConfluenceTransport> {
  const target = await deps.targets.get(tenantId, connectionId);
  const provider = target.place.provider;
  if (provider !== 'atlassian-cloud' && provider !== 'confluence-dc') {
    throw new AppError(
      'VALIDATION',
      `The Confluence API needs a Confluence connection (atlassian-cloud or confluence-dc), not ${provider}.`,
    );
  }
  const flavor: ConfluenceFlavor = provider === 'atlassian-cloud' ? 'cloud' : 'dc';
  const root = target.upstreamOf(apiRootOf(deps.config, target.place, 'confluence'));
  const prefix = `${root.url.href.replace(/\/+$/, '')}${flavor === 'cloud' ? '/wiki' : ''}`;
  return {
    flavor,
    async send(method, path, options = {}) {
      const url = withQuery(new URL(`${prefix}${path}`), options.query);
      return (await callVendorJson(deps, target, root, method, url, options.body)).json;
    },
  };
}
