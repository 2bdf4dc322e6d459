import { AppError } from '../errors/app-error.js';
import type { UpstreamDispatchers } from '../http/safe-dispatcher.js';
import { parseJson, vendorMessage } from '../http/upstream-errors.js';
import { upstreamGet } from '../http/upstream-get.js';
import { requireProvider } from '../providers/registry.js';
import type { AuthMethodDefinition, Endpoints, Product, ProviderDefinition, ProviderId } from '../providers/types.js';
import type { AuthType } from '../store/schema.js';
import type { LookupTarget } from './account-lookup.js';

/**
 * The auth method of a stored credential. Auth types map one to one onto a provider's methods, except
 * Atlassian's two API tokens: a scoped token is routed through api.atlassian.com/ex and therefore has a
 * cloud id, a classic token talks to the site URL and has none.
 */
export function methodOf(def: ProviderDefinition, authType: AuthType, cloudId: string | null): AuthMethodDefinition {
  const id = def.id === 'atlassian-cloud' && authType === 'api_token' && cloudId !== null ? 'scoped_api_token' : null;
  const method = def.authMethods.find((m) => (id === null ? m.authType === authType : m.id === id));
  if (method === undefined) throw new Error(`provider ${def.id} has no auth method for ${authType}`);
  return method;
}

/** Where a connection's REST calls go. */
export interface ConnectionPlace {
  provider: ProviderId;
  method: AuthMethodDefinition['id'];
  /** Atlassian site URL or Data Center base URL (normalised, no trailing slash). */
  siteUrl: string | null;
  cloudId: string | null;
}

/** The API root of one product of a connection: what lookupAccount and the proxy build paths on. */
export function apiRootOf(endpoints: Endpoints, place: ConnectionPlace, product: Product): string {
  const def = requireProvider(place.provider);
  if (def.id === 'bitbucket-cloud') return def.apiBase({ endpoints });
  if (def.id === 'atlassian-cloud' && place.method !== 'api_token') {
    if (place.cloudId === null)
      throw new AppError('NOT_CONNECTED', 'This connection has no Atlassian cloud id. Reconnect it.');
    return `${endpoints.atlassianApiUrl.replace(/\/+$/, '')}/ex/${product}/${place.cloudId}`;
  }
  if (place.siteUrl === null)
    throw new AppError('NOT_CONNECTED', 'This connection has no site or base URL. Reconnect it.');
  return place.siteUrl;
}

/** The lookup target of a connection: Jira's API when the site has Jira, else Confluence's. */
export function lookupTargetOf(endpoints: Endpoints, place: ConnectionPlace, products: Product[]): LookupTarget {
  const product: Product =
    place.provider === 'atlassian-cloud'
      ? products.includes('jira')
        ? 'jira'
        : 'confluence'
      : (products[0] ?? 'jira');
  return { provider: place.provider, apiUrl: apiRootOf(endpoints, place, product), products };
}

/**
 * An Atlassian site's cloud id, from the unauthenticated `/_edge/tenant_info` every Cloud site serves. The
 * site URL was supplied by the caller, so the request goes through the guarded dispatcher.
 */
export async function cloudIdOf(upstream: UpstreamDispatchers, siteUrl: string, caPem: string | null): Promise<string> {
  const url = `${siteUrl}/_edge/tenant_info`;
  const res = await upstreamGet(url, { dispatcher: upstream.forUrl(url, caPem) });
  const body = parseJson(res.text) as { cloudId?: unknown } | undefined;
  if (res.status === 200 && typeof body?.cloudId === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(body.cloudId)) {
    return body.cloudId;
  }
  const said = vendorMessage(res.text);
  throw new AppError(
    'VALIDATION',
    `${siteUrl} did not answer with its Atlassian cloud id (HTTP ${res.status}${said === undefined ? '' : `: "${said}"`}). Check that site_url is your https://<site>.atlassian.net address.`,
  );
}
