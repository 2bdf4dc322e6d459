import type { Dispatcher } from 'undici';
import type { Config } from '../../config/load.js';
import { AppError } from '../../errors/app-error.js';
import { readJson } from '../../http/body.js';
import type { UpstreamClient } from '../../http/upstream-client.js';
import { expectOk } from '../../http/upstream-errors.js';
import { apiRootOf } from '../connection-target.js';
import type { ProxyTargets } from '../proxy-targets.js';

/** Bitbucket Cloud speaks the 2.0 API (`next` links); Data Center `/rest/api/latest` (start/nextPageStart). */
export type BitbucketFlavor = 'cloud' | 'dc';

/** Query parameters; an array repeats the parameter (Cloud's `state=OPEN&state=MERGED`). */
export type Query = Record<string, string | number | readonly string[] | undefined>;

function withQuery(url: URL, query: Query | undefined): URL {
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    if (typeof v === 'object') for (const each of v) url.searchParams.append(k, each);
    else url.searchParams.set(k, String(v));
  }
  return url;
}

export interface BitbucketAnswer {
  json: unknown;
  headers: Record<string, string | string[] | undefined>;
}

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

export interface BitbucketTransportDeps {
  config: Config;
  outbound: UpstreamClient;
  targets: ProxyTargets;
}

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
    const headers: Record<string, string> = { ...target.defaultHeaders, accept: 'application/json' };
    const hasBody = options.body !== undefined;
    if (hasBody) headers['content-type'] = 'application/json';
    const absolute = /^https?:\/\//i.test(path);
    if (absolute && !owns(path)) throw new AppError('VALIDATION', 'The cursor points outside this connection.');
    const res = await deps.outbound.request({
      method,
      url: withQuery(new URL(absolute ? path : `${prefix}${path}`), options.query),
      headers,
      body: hasBody ? JSON.stringify(options.body) : null,
      credential: target.credential,
      ...(target.budget === undefined ? {} : { budget: target.budget }),
      dispatcher: root.dispatcher,
    });
    await expectOk(res);
    return { json: await readJson(res.body), headers: res.headers };
  };
  return {
    flavor,
    owns,
    answer,
    send: async (method, path, options) => (await answer(method, path, options)).json,
  };
}
