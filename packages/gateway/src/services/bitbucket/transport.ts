import type { Dispatcher } from 'undici';
import { AppError } from '../../errors/app-error.js';
import { apiRootOf } from '../connection-target.js';
import { callVendorJson, type Query, type VendorAnswer, type VendorTransportDeps, withQuery } from '../vendor-json.js';

/** Bitbucket Cloud speaks the 2.0 API (`next` links); Data Center `/rest/api/latest` (start/nextPageStart). */
export type BitbucketFlavor = 'cloud' | 'dc';

export type { Query } from '../vendor-json.js';

export type BitbucketAnswer = VendorAnswer;

/**
 * One connection's Bitbucket, as the normalized API sees it: JSON in, JSON out, any non-2xx answer already
 * turned into the envelope's error (http/upstream-errors.ts). `connectionBitbucket` builds the real one.
 */
export interface BitbucketTransport {
  flavor: BitbucketFlavor;
  /**
   * `path` is relative to the REST root (`/repositories/ws` → `<api>/2.0/repositories/ws` on Cloud,
   * `<base>/rest/api/latest/…` on DC), or an absolute URL under that root (a Cloud `next` link).
   */
  send(method: Dispatcher.HttpMethod, path: string, options?: { query?: Query; body?: unknown }): Promise<unknown>;
  answer(method: Dispatcher.HttpMethod, path: string, options?: { query?: Query }): Promise<BitbucketAnswer>;
  /** Whether an absolute URL lies under this connection's REST root (a Cloud `next` link we may follow). */
  owns(url: string): boolean;
}

export type BitbucketTransportDeps = VendorTransportDeps;

/** The Bitbucket of a connection (bitbucket-cloud or bitbucket-dc), through the proxy's targets and retries. */
export async function connectionBitbucket(
  deps: BitbucketTransportDeps,
  tenantId: string,
  connectionId: string,
): Promise<BitbucketTransport> {
  const target = await deps.targets.get(tenantId, connectionId);
  const provider = target.place.provider;
  if (provider !== 'bitbucket-cloud' && provider !== 'bitbucket-dc') {
    throw new AppError(
      'VALIDATION',
      `The Bitbucket API needs a Bitbucket connection (bitbucket-cloud or bitbucket-dc), not ${provider}.`,
    );
  }
  const flavor: BitbucketFlavor = provider === 'bitbucket-cloud' ? 'cloud' : 'dc';
  const root = target.upstreamOf(apiRootOf(deps.config, target.place, 'bitbucket'));
  const base = root.url.href.replace(/\/+$/, '');
  const prefix = flavor === 'cloud' ? base : `${base}/rest/api/latest`;
  const owns = (url: string) => {
    try {
      const u = new URL(url);
      const p = new URL(prefix);
      return u.origin === p.origin && u.pathname.startsWith(`${p.pathname.replace(/\/+$/, '')}/`);
    } catch {
      return false;
    }
  };
  const answer = async (
    method: Dispatcher.HttpMethod,
    path: string,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<BitbucketAnswer> => {
    const absolute = /^https?:\/\//i.test(path);
    if (absolute && !owns(path)) throw new AppError('VALIDATION', 'The cursor points outside this connection.');
    const url = withQuery(new URL(absolute ? path : `${prefix}${path}`), options.query);
    return callVendorJson(deps, target, root, method, url, options.body);
  };
  return {
    flavor,
    owns,
    answer,
    send: async (method, path, options) => (await answer(method, path, options)).json,
  };
}
