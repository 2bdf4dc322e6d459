import type { Dispatcher } from 'undici';
import type { Config } from '../config/load.js';
import { readJson } from '../http/body.js';
import type { UpstreamClient } from '../http/upstream-client.js';
import { expectOk } from '../http/upstream-errors.js';
import type { ProxyTarget, ProxyTargets, UpstreamRoot } from './proxy-targets.js';

/** What a normalized-API transport (Jira, Bitbucket, …) needs from the runtime. */
export interface VendorTransportDeps {
  config: Config;
  outbound: UpstreamClient;
  targets: ProxyTargets;
}

/** Query parameters; an array repeats the parameter (Bitbucket Cloud's `state=OPEN&state=MERGED`). */
export type Query = Record<string, string | number | readonly string[] | undefined>;

export function withQuery(url: URL, query: Query | undefined): URL {
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    if (typeof v === 'object') for (const each of v) url.searchParams.append(k, each);
    else url.searchParams.set(k, String(v));
  }
  return url;
}

export interface VendorAnswer {
  json: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One JSON call to a connection's vendor through the proxy's target (credential, budget, default headers)
 * and the outbound client (retries, refresh after a 401); a non-2xx answer is thrown as the envelope's error.
 */
export async function callVendorJson(
  deps: Pick<VendorTransportDeps, 'outbound'>,
  target: ProxyTarget,
  root: UpstreamRoot,
  method: Dispatcher.HttpMethod,
  url: URL,
  body: unknown,
): Promise<VendorAnswer> {
  const headers: Record<string, string> = { ...target.defaultHeaders, accept: 'application/json' };
  const hasBody = body !== undefined;
  if (hasBody) headers['content-type'] = 'application/json';
  const res = await deps.outbound.request({
    method,
    url,
    headers,
    body: hasBody ? JSON.stringify(body) : null,
    credential: target.credential,
    ...(target.budget === undefined ? {} : { budget: target.budget }),
    dispatcher: root.dispatcher,
  });
  await expectOk(res);
  return { json: await readJson(res.body), headers: res.headers };
}
