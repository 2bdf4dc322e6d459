import { AppError } from '../../errors/app-error.js';
import { expectOk } from '../../http/upstream-errors.js';
import type { UpstreamResponse } from '../../http/upstream-types.js';
import { apiRootOf } from '../connection-target.js';
import { type Query, withQuery } from '../vendor-json.js';
import type { BitbucketTransportDeps } from './transport.js';

/**
 * GETs whose answer is not (only) JSON the way transport.ts reads it: a diff streamed as text, and Cloud's
 * diff and diffstat, which answer a 302 to `…/diff/{spec}` that has to be followed. The same target, REST
 * root, credential, budget and retries as connectionBitbucket; redirects are followed only to the same origin
 * (http/agent.ts sameOriginRedirect), so the credential never leaves the connection's host.
 */
export interface BitbucketRaw {
  /**
   * `path` relative to the REST root; the body is left unread (stream it, or read it). A non-2xx answer is
   * thrown as the envelope's error, a redirect Switchyard would not follow as VENDOR_ERROR.
   */
  get(path: string, options: { accept: string; query?: Query; followRedirects?: boolean }): Promise<UpstreamResponse>;
}

export async function connectionBitbucketRaw(
  deps: BitbucketTransportDeps,
  tenantId: string,
  connectionId: string,
): Promise<BitbucketRaw> {
  const target = await deps.targets.get(tenantId, connectionId);
  const provider = target.place.provider;
  if (provider !== 'bitbucket-cloud' && provider !== 'bitbucket-dc') {
    throw new AppError(
      'VALIDATION',
      `The Bitbucket API needs a Bitbucket connection (bitbucket-cloud or bitbucket-dc), not ${provider}.`,
    );
  }
  const root = target.upstreamOf(apiRootOf(deps.config, target.place, 'bitbucket'));
  const base = root.url.href.replace(/\/+$/, '');
  const prefix = provider === 'bitbucket-cloud' ? base : `${base}/rest/api/latest`;
  return {
    get: async (path, options) => {
      const res = await deps.outbound.request({
        method: 'GET',
        url: withQuery(new URL(`${prefix}${path}`), options.query),
        headers: { ...target.defaultHeaders, accept: options.accept },
        credential: target.credential,
        ...(target.budget === undefined ? {} : { budget: target.budget }),
        dispatcher: root.dispatcher,
        followRedirects: options.followRedirects === true,
      });
      if (res.status >= 300 && res.status < 400) {
        await res.body.dump();
        throw new AppError('VENDOR_ERROR', 'Bitbucket redirected to another host; Switchyard did not follow.', {
          status: 502,
        });
      }
      return expectOk(res);
    },
  };
}
