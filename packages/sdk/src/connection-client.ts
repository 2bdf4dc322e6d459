import { paths } from './contract.js';

/** What a connection client needs of the SwitchyardClient: one request with its credentials, as is. */
export interface RawRequester {
  raw(path: string, init: RequestInit): Promise<Response>;
}

/**
 * The vendor's own API through one connection, as a pre-configured `fetch`: the gateway adds the
 * connection's credential (refreshing it when needed), applies its budget and retries, and streams the
 * vendor's answer back. `path` is the vendor's path as its documentation writes it (docs/proxy.md):
 * `/rest/api/3/issue/KEY-1` and `/wiki/api/v2/pages` on Atlassian Cloud, `/repositories/{workspace}` on
 * Bitbucket Cloud (under its 2.0 root), `/rest/api/latest/projects` on Bitbucket Data Center.
 */
export interface ConnectionClient {
  readonly id: string;
  /**
   * Like `fetch`: resolves with the vendor's Response whatever its status; rejects when nothing answered,
   * or with a TypeError for a path the gateway would refuse.
   */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|\?|#|$)/i;

export function connectionClient(c: RawRequester, connectionId: string): ConnectionClient {
  const prefix = paths.connectionProxy.replace(':connection_id', encodeURIComponent(connectionId));
  return {
    id: connectionId,
    fetch: async (path, init = {}) => {
      if (!path.startsWith('/') || path.startsWith('//')) {
        throw new TypeError(`path must be the vendor's path starting with one "/", e.g. /rest/api/3/myself: ${path}`);
      }
      // fetch would resolve "." and ".." before sending; the gateway refuses them, so say so here.
      if (DOT_SEGMENT.test(path)) throw new TypeError(`path must not contain "." or ".." segments: ${path}`);
      return c.raw(`${prefix}${path}`, init);
    },
  };
}
