import { AppError } from '../errors/app-error.js';
import type { GrantRow } from '../store/connection-store.js';
import type { Store } from '../store/store.js';

/** The answer for a grant that only a new consent can fix (HTTP 424). */
export function reauthRequired(grant: Pick<GrantRow, 'provider' | 'last_error'>, reason?: string): AppError {
  const why = reason ?? grant.last_error ?? 'the authorization was revoked or expired';
  return new AppError(
    'REAUTH_REQUIRED',
    `Reconnect this connection: ${why}. Start a new authorization with POST /v1/connect/${grant.provider}; the connection keeps failing until then.`,
  );
}

export const grantGone = (grantId: string) =>
  new AppError(
    'NOT_CONNECTED',
    `The credential of this connection (grant ${grantId}) no longer exists. Delete the connection and connect again.`,
  );

/** A connection whose grant now needs a new consent. */
export interface ReauthConnection {
  tenantId: string;
  id: string;
  provider: string;
}

/**
 * Told, inside the transaction that marks a grant reauth_required, of each connection the grant backs: what it
 * writes commits (or rolls back) with the status change. The runtime records a `connection.reauth_required` event
 * here (services/connection-events.ts), which keeps this layer free of the event log.
 */
export type ReauthListener = (tx: Store, connection: ReauthConnection, reason: string) => Promise<void>;

/**
 * Put a grant and every connection it backs into reauth_required, with the reason as last_error.
 * Clears this grant's refresh lease: nothing will refresh it any more.
 */
export async function markReauthRequired(
  store: Store,
  grant: GrantRow,
  reason: string,
  at: string,
  onReauth?: ReauthListener,
): Promise<void> {
  await store.transaction(async (tx) => {
    // Subscribers hear about it once, when the grant goes from usable to needing a new consent.
    if (grant.status !== 'reauth_required' && onReauth !== undefined) {
      const connections = await tx.connections.listConnections(grant.tenant_id, { grantId: grant.id }, { limit: 1000 });
      for (const c of connections) {
        await onReauth(tx, { tenantId: grant.tenant_id, id: c.id, provider: c.provider }, reason);
      }
    }
    await tx.connections.updateGrant(grant.id, {
      status: 'reauth_required',
      last_error: reason,
      lease_owner: null,
      lease_until: null,
      updated_at: at,
    });
    await tx.connections.setGrantConnectionsStatus(grant.id, 'reauth_required', reason, at);
  });
}

/** A token credential the vendor refused: the grant and its connections go to `error` until the token is rotated. */
export async function markTokenRejected(store: Store, grant: GrantRow, reason: string, at: string): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.connections.updateGrant(grant.id, { status: 'error', last_error: reason, updated_at: at });
    await tx.connections.setGrantConnectionsStatus(grant.id, 'error', reason, at);
  });
}

export function tokenRejected(): AppError {
  return new AppError(
    'TOKEN_EXPIRED',
    'The vendor rejected the token: it expired or was revoked. Rotate it with PATCH /v1/connections/{id}.',
  );
}
