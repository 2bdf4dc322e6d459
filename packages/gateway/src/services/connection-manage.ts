import type { Connection, ConnectionStatus, Page } from '@switchyard/sdk';
import { AppError, notFound } from '../errors/app-error.js';
import type { ConnectionRow, GrantRow } from '../store/connection-store.js';
import type { Store } from '../store/store.js';
import { deleteConnectionHooks, emitConnectionEvent } from './connection-events.js';
import { toConnection } from './connection-view.js';
import { pageRequest, toPage } from './pagination.js';

export interface StoredConnection {
  row: ConnectionRow;
  grant: GrantRow;
}

/** A connection of this tenant and its grant; another tenant's id is NOT_FOUND like one that never existed. */
export async function loadConnection(store: Store, tenantId: string, id: string): Promise<StoredConnection> {
  const row = await store.connections.getConnection(tenantId, id);
  const grant = row === undefined ? undefined : await store.connections.getGrant(row.grant_id);
  if (row === undefined || grant === undefined || grant.tenant_id !== tenantId) throw notFound(`Connection "${id}"`);
  return { row, grant };
}

export async function getConnection(store: Store, tenantId: string, id: string): Promise<Connection> {
  const { row, grant } = await loadConnection(store, tenantId, id);
  return toConnection(row, grant);
}

export interface ConnectionListFilter {
  provider?: string | undefined;
  status?: ConnectionStatus | undefined;
}

export async function listConnections(
  store: Store,
  tenantId: string,
  filter: ConnectionListFilter,
  limit: number,
  cursor?: string,
): Promise<Page<Connection>> {
  const where = {
    ...(filter.provider === undefined ? {} : { provider: filter.provider }),
    ...(filter.status === undefined ? {} : { status: filter.status }),
  };
  const rows = await store.connections.listConnections(tenantId, where, pageRequest(limit, cursor));
  const grants = new Map(
    (await store.connections.getGrants([...new Set(rows.map((r) => r.grant_id))])).map((g) => [g.id, g]),
  );
  return toPage(rows, limit, (row) => {
    const grant = grants.get(row.grant_id);
    if (grant === undefined) throw new AppError('INTERNAL_ERROR', `Connection ${row.id} has lost its grant.`);
    return toConnection(row, grant);
  });
}

export interface DeleteOutcome {
  /** False when the connection was already gone (the delete is idempotent). */
  deleted: boolean;
  /** The grant went too: no other connection used it. Its secrets are deleted with it. */
  grantDeleted: boolean;
}

/**
 * Delete a connection, and its grant with the grant's secrets when no other connection uses it (one Atlassian
 * 3LO grant can back several sites). Nothing is revoked at the vendor: see docs/connections.md. `note` is added
 * to the `connection.deleted` event's reason (webhooks that could not be unregistered: webhook-sync/unregister.ts).
 */
export function deleteConnection(store: Store, tenantId: string, id: string, note?: string): Promise<DeleteOutcome> {
  return store.transaction(async (tx) => {
    const row = await tx.connections.getConnection(tenantId, id);
    if (row === undefined) return { deleted: false, grantDeleted: false };
    await deleteConnectionHooks(tx, tenantId, id);
    await tx.connections.deleteConnection(tenantId, id);
    await emitConnectionEvent(tx, tenantId, id, 'connection.deleted', {
      reason: note === undefined ? 'the connection was deleted' : `the connection was deleted; ${note}`,
      provider: row.provider,
    });
    if ((await tx.connections.countConnectionsOfGrant(row.grant_id)) > 0) return { deleted: true, grantDeleted: false };
    await tx.deleteSecrets('grants', row.grant_id);
    await tx.connections.deleteGrant(row.grant_id);
    return { deleted: true, grantDeleted: true };
  });
}
