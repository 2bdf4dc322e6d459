import { AppError } from '../errors/app-error.js';
import type { GrantRow } from '../store/connection-store.js';
import { grantGone, reauthRequired } from './grant-status.js';
import { type RefreshDeps, refreshHeldGrant } from './oauth-refresh.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One refresh of a grant across every replica sharing the database. The grant row's lease columns are
 * the lock: whoever takes the lease re-reads the grant (another replica may have refreshed it already)
 * and refreshes only when `isFresh` still says no; everyone else polls the row until it is fresh, the
 * grant needs a reconnect, or the lease is free again (its holder failed or died: then they try to take
 * it). A lease left by a crashed replica expires after `timing.leaseMs`.
 *
 * Answers a grant row that satisfies `isFresh`.
 */
export async function refreshUnderLease(
  deps: RefreshDeps,
  owner: string,
  grantId: string,
  isFresh: (grant: GrantRow) => boolean,
): Promise<GrantRow> {
  const { store, clock, timing } = deps;
  const giveUpAt = clock.now() + timing.leaseMs + timing.leaseSafetyMs;
  let poll = timing.pollMinMs;
  for (;;) {
    const now = clock.now();
    const held = await store.connections.acquireGrantLease(grantId, owner, iso(now), iso(now + timing.leaseMs));
    const grant = await store.connections.getGrant(grantId);
    if (grant === undefined) throw grantGone(grantId);
    if (grant.status === 'reauth_required' || isFresh(grant)) {
      if (held) await store.connections.releaseGrantLease(grantId, owner);
      if (grant.status === 'reauth_required') throw reauthRequired(grant);
      return grant;
    }
    if (held) {
      try {
        const committed = await refreshHeldGrant(deps, grant, now + timing.leaseMs - timing.leaseSafetyMs);
        if (committed !== undefined) return committed;
      } finally {
        await store.connections.releaseGrantLease(grantId, owner);
      }
      // The CAS lost: look at the grant again after the pause below.
    }
    if (clock.now() >= giveUpAt) {
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        'Another gateway instance is refreshing this connection and has not finished. Retry in a few seconds.',
        { retryAfter: 2 },
      );
    }
    await clock.sleep(poll / 2 + Math.random() * (poll / 2));
    poll = Math.min(poll * 2, timing.pollMaxMs);
  }
}
