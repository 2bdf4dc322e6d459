import type { Config } from '../config/load.js';
import type { GrantRow } from '../store/connection-store.js';

/** The time limits of a refresh; all derived from the lease so a retrying refresher never outlives it. */
export interface RefreshTiming {
  /** How long a refresher holds the grant's lease (SWITCHYARD_REFRESH_LEASE_SECONDS). */
  leaseMs: number;
  /** The token requests and their retries must end this long before the lease does. */
  leaseSafetyMs: number;
  /** One token request; shortened when less of the lease is left. */
  attemptTimeoutMs: number;
  /** Token requests per refresh (the first one and its retries) on transient failures. */
  attempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** How often a caller that did not get the lease looks at the grant again (doubling from min to max). */
  pollMinMs: number;
  pollMaxMs: number;
}

export function refreshTiming(config: Pick<Config, 'refreshLeaseSeconds'>, overrides: Partial<RefreshTiming> = {}) {
  const leaseMs = config.refreshLeaseSeconds * 1000;
  return {
    leaseMs,
    leaseSafetyMs: Math.min(5000, leaseMs / 5),
    attemptTimeoutMs: 10_000,
    attempts: 4,
    backoffBaseMs: 250,
    backoffCapMs: 4000,
    pollMinMs: 20,
    pollMaxMs: 400,
    ...overrides,
  } satisfies RefreshTiming;
}

/**
 * Whether the access token should be refreshed before use: it expires within the margin. For tokens that
 * live shorter than twice the margin, within half their lifetime, so a short-lived token is not refreshed
 * on every call.
 */
export function needsRefresh(grant: GrantRow, nowMs: number, marginMs: number): boolean {
  if (grant.expires_at === null) return false;
  const expires = Date.parse(grant.expires_at);
  const issued = grant.refreshed_at === null ? Number.NaN : Date.parse(grant.refreshed_at);
  const margin = Number.isNaN(issued) ? marginMs : Math.min(marginMs, Math.max(0, (expires - issued) / 2));
  return expires - nowMs <= margin;
}
