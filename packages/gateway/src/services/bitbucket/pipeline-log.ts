import type { Readable } from 'node:stream';
import { AppError } from '../../errors/app-error.js';
import type { UpstreamDispatchers } from '../../http/safe-dispatcher.js';
import { expectOk } from '../../http/upstream-errors.js';
import type { UpstreamResponse } from '../../http/upstream-types.js';
import { apiRootOf } from '../connection-target.js';
import { braced, pipelinePath, type RepoRef, requireCloud } from './pipelines.js';
import { seg } from './repos.js';
import { type BitbucketTransportDeps, connectionBitbucket } from './transport.js';

/**
 * The log of one pipeline step, streamed as text (`GET …/steps/{step}/log`, FACTS.md §6.3).
 *
 * Where the credential may go: Cloud answers a finished step's log with a 307 to long-term storage. A redirect
 * that stays on the API's origin is followed with the credential (the upstream client's same-origin rule); one
 * that leaves it is fetched WITHOUT the credential or any of the connection's headers, through the host-guarded
 * dispatcher (the storage URL comes from the vendor, so it gets the same SSRF checks as a Data Center URL) —
 * a pre-signed storage URL needs no credential, and the connection's token never reaches another host.
 */

export interface StepLogDeps extends BitbucketTransportDeps {
  upstream: UpstreamDispatchers;
}

export interface StepLog {
  /** 200, or 206 for a satisfied `Range`. */
  status: number;
  headers: Record<string, string>;
  body: Readable;
}

/** One byte range (`bytes=0-99`, `bytes=100-`, `bytes=-500`) is passed on; anything else is dropped (RFC 9110 lets a server ignore Range). */
export function passableRange(range: string | undefined): string | undefined {
  if (range === undefined) return undefined;
  const r = range.trim();
  return /^bytes=(\d{1,15}-\d{0,15}|-\d{1,15})$/.test(r) ? r : undefined;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);

const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export async function openStepLog(
  deps: StepLogDeps,
  who: { tenantId: string; connectionId: string },
  r: RepoRef,
  pipeline: string,
  step: string,
  range?: string,
): Promise<StepLog> {
  const bb = await connectionBitbucket(deps, who.tenantId, who.connectionId);
  requireCloud(bb, 'pipelines');
  const target = await deps.targets.get(who.tenantId, who.connectionId);
  const root = target.upstreamOf(apiRootOf(deps.config, target.place, 'bitbucket'));
  const path = `${pipelinePath(bb, r, pipeline)}/steps/${seg(braced(step))}/log`;
  const url = new URL(`${root.url.href.replace(/\/+$/, '')}${path}`);
  const asked = passableRange(range);
  const accept = { accept: 'text/plain, application/octet-stream;q=0.9, */*;q=0.1' };
  const rangeHeader: Record<string, string> = asked === undefined ? {} : { range: asked };
  let res: UpstreamResponse = await deps.outbound.request({
    method: 'GET',
    url,
    headers: { ...target.defaultHeaders, ...accept, ...rangeHeader },
    credential: target.credential,
    ...(target.budget === undefined ? {} : { budget: target.budget }),
    dispatcher: root.dispatcher,
    followRedirects: true,
  });
  const location = single(res.headers.location);
  if (REDIRECT.has(res.status) && location !== undefined) {
    // Same-origin redirects were followed above, so this one leaves the API's origin: no credential.
    const away = new URL(location, res.url);
    await res.body.dump();
    if (away.protocol !== 'https:' && away.protocol !== 'http:')
      throw new AppError('VENDOR_ERROR', 'Bitbucket redirected the step log to a URL that is not HTTP.', {
        status: 502,
      });
    res = await deps.outbound.request({
      method: 'GET',
      url: away,
      headers: { ...accept, ...rangeHeader },
      dispatcher: deps.upstream.forUrl(away.href, null),
      followRedirects: true,
    });
  }
  await expectOk(res);
  const headers: Record<string, string> = {
    // Always text: a vendor or storage content type (HTML…) is never served from the gateway's origin.
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
  };
  for (const name of ['content-length', 'content-range', 'content-encoding', 'accept-ranges', 'etag']) {
    const v = single(res.headers[name]);
    if (v !== undefined) headers[name] = v;
  }
  return { status: res.status === 206 ? 206 : 200, headers, body: res.body };
}
