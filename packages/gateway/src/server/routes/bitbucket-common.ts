import type { Runtime } from '../../runtime/runtime.js';
import { connectionBitbucketRaw } from '../../services/bitbucket/pull-raw.js';
import { type BitbucketTransportDeps, connectionBitbucket } from '../../services/bitbucket/transport.js';
import { principalOf } from '../plugins/authenticate.js';

/** An authenticated request on `/v1/connections/{connection_id}/bitbucket/…`. */
export type ConnectionRequest = Parameters<typeof principalOf>[0] & { params: { connection_id: string } };

/** The OpenAPI tag of every normalized Bitbucket route. */
export const tags = ['bitbucket'];

/** The repository services take, from a route's params (which carry more than the repository). */
export const repoOf = (p: { workspace: string; repo: string }) => ({ workspace: p.workspace, repo: p.repo });

/**
 * The connection's Bitbucket for a request, looked up in the caller's tenant: the JSON transport (`bbOf`)
 * and the raw one for diffs (`rawOf`).
 */
export function bitbucketAccess(runtime: Runtime) {
  const deps: BitbucketTransportDeps = {
    config: runtime.config,
    outbound: runtime.outbound,
    targets: runtime.targets,
  };
  return {
    deps,
    bbOf: (req: ConnectionRequest) => connectionBitbucket(deps, principalOf(req).tenant.id, req.params.connection_id),
    rawOf: (req: ConnectionRequest) =>
      connectionBitbucketRaw(deps, principalOf(req).tenant.id, req.params.connection_id),
  };
}
