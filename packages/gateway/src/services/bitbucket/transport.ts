import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { AppError } from '../../errors/app-error.js';
import { expectOk } from '../../http/upstream-errors.js';
import { apiRootOf } from '../connection-target.js';
import { callVendorJson, type Query, type VendorAnswer, type VendorTransportDeps, withQuery } from '../vendor-json.js';

/** Bitbucket Cloud speaks the 2.0 API (`next` links); Data Center `/rest/api/latest` (start/nextPageStart). */
export type BitbucketFlavor = 'cloud' | 'dc';

export type { Query } from '../vendor-json.js';

export type BitbucketAnswer = VendorAnswer;

/**
 * The Data Center REST root a path is relative to: the core API, or one of the plugin APIs beside it (Code
 * Insights, the legacy build-status API). Bitbucket Cloud has one root (`/2.0`) and ignores this.
 */
export type BitbucketRoot = 'api' | 'insights' | 'build-status';

const DC_ROOTS: Record<BitbucketRoot, string> = {
  api: '/rest/api/latest',
  insights: '/rest/insights/latest',
  'build-status': '/rest/build-status/latest',
};

export interface BitbucketCallOptions {
  query?: Query;
  body?: unknown;
  /** Data Center only; default `api`. */
  root?: BitbucketRoot;
}

/** A 2xx answer whose body is still the vendor's stream (file contents): read it, pipe it, or drop it. */
export interface BitbucketStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/**
 * One connection's Bitbucket, as the normalized API sees it: JSON in, JSON out, any non-2xx answer already
 * turned into the envelope's error (http/upstream-errors.ts). `connectionBitbucket` builds the real one.
 */
export interface BitbucketTransport {
  flavor: BitbucketFlavor;
  /**
   * `path` is relative to the REST root (`/repositories/ws` → `<api>/2.0/repositories/ws` on Cloud,
   * `<base>/rest/api/latest/…` on DC, or another DC root by `root`), or an absolute URL under the API root
   * (a Cloud `next` link).
   */
  send(method: Dispatcher.HttpMethod, path: string, options?: BitbucketCallOptions): Promise<unknown>;
  answer(method: Dispatcher.HttpMethod, path: string, options?: BitbucketCallOptions): Promise<BitbucketAnswer>;
  /** A GET whose 2xx body is not read (raw file contents); same-origin redirects are followed. */
  stream?(path: string, options?: { query?: Query; signal?: AbortSignal }): Promise<BitbucketStream>;
  /** Whether an absolute URL lies under this connection's API root (a Cloud `next` link we may follow). */
  owns(url: string): boolean;
  /** Data Center: the base URL web pages live under (`https://git.example.com`), for web links. */
  webBase?: string;
}

export type BitbucketTransportDeps = VendorTransportDeps;

/** The same transport with relative paths resolved under another Data Center root (listPage uses it). */
export function rooted(bb: BitbucketTransport, which: BitbucketRoot): BitbucketTransport {
  return {
    ...bb,
    send: (method, path, options) => bb.send(method, path, { ...options, root: which }),
    answer: (method, path, options) => bb.answer(method, path, { ...options, root: which }),
  };
}

const under = (url: string, prefix: string) => {
  try {
    const u = new URL(url);
    const p = new URL(prefix);
    return u.origin === p.origin && u.pathname.startsWith(`${p.pathname.replace(/\/+$/, '')}/`);
  } catch {
    return false;
  }
};

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
  const prefixOf = (which: BitbucketRoot = 'api') => (flavor === 'cloud' ? base : `${base}${DC_ROOTS[which]}`);
  // Only the API root may be followed by absolute URL: every other root is reached by relative path, so a
  // cursor or a vendor link can never carry the credential to another origin or plugin.
  const owns = (url: string) => under(url, prefixOf('api'));
  const urlOf = (path: string, options: { query?: Query; root?: BitbucketRoot }) => {
    const absolute = /^https?:\/\//i.test(path);
    if (absolute && !owns(path)) throw new AppError('VALIDATION', 'The cursor points outside this connection.');
    return withQuery(new URL(absolute ? path : `${prefixOf(options.root)}${path}`), options.query);
  };
  const answer = async (
    method: Dispatcher.HttpMethod,
    path: string,
    options: BitbucketCallOptions = {},
  ): Promise<BitbucketAnswer> => callVendorJson(deps, target, root, method, urlOf(path, options), options.body);
  const stream = async (path: string, options: { query?: Query; signal?: AbortSignal } = {}) => {
    const res = await deps.outbound.request({
      method: 'GET',
      url: urlOf(path, options),
      headers: { ...target.defaultHeaders, accept: '*/*' },
      credential: target.credential,
      ...(target.budget === undefined ? {} : { budget: target.budget }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      dispatcher: root.dispatcher,
      followRedirects: true,
    });
    if (res.status >= 300 && res.status < 400) {
      // A redirect off the connection's origin (Cloud sends Git LFS files to its media service): following
      // it would mean sending the credential elsewhere or answering a URL the caller cannot use.
      await res.body.dump();
      throw new AppError('VENDOR_ERROR', 'Bitbucket redirected this file elsewhere (e.g. Git LFS); not served.', {
        status: 502,
      });
    }
    await expectOk(res);
    return { status: res.status, headers: res.headers, body: res.body };
  };
  return {
    flavor,
    owns,
    answer,
    stream,
    send: async (method, path, options) => (await answer(method, path, options)).json,
    ...(flavor === 'dc' ? { webBase: base } : {}),
  };
}
