import type { EventProvider } from '@switchyard/sdk';
import type { EventRow } from '../store/event-store.js';
import { newId, nowIso } from '../store/ids.js';
import type { Store } from '../store/store.js';
import { connectionEventDraft, toEnvelope } from '../webhooks/envelope.js';
import { CURRENT, PREVIOUS } from '../webhooks/ingest/hook-secrets.js';
import { storeEvents } from '../webhooks/ingest/plan-deliveries.js';

export interface ConnectionEventSubject {
  /** Why, in words for an operator (e.g. "the refresh token was revoked"). */
  reason: string | null;
  /** The connection's provider; read from the connection when omitted (pass it once the row is deleted). */
  provider?: string;
}

/**
 * Record one of the gateway's own events about a connection (`connection.reauth_required`, `connection.deleted`)
 * in the event log, with a delivery to every matching subscription, in the caller's transaction when `store` is
 * one. Answers the event's id. The delivery worker picks it up at its next poll.
 */
export async function emitConnectionEvent(
  store: Store,
  tenantId: string,
  connectionId: string,
  type: 'connection.reauth_required' | 'connection.deleted',
  subject: ConnectionEventSubject,
): Promise<string> {
  const provider = subject.provider ?? (await store.connections.getConnection(tenantId, connectionId))?.provider;
  if (provider === undefined) {
    throw new Error(`emitConnectionEvent: connection ${connectionId} is gone; pass its provider in the subject`);
  }
  const at = nowIso();
  const id = newId('evt');
  const event = toEnvelope(connectionEventDraft(type, connectionId, subject.reason, at), {
    id,
    connectionId,
    provider: provider as EventProvider,
    receivedAt: at,
  });
  const row: EventRow = {
    id,
    tenant_id: tenantId,
    connection_id: connectionId,
    hook_id: null,
    type,
    provider,
    dedupe_key: null,
    occurred_at: at,
    received_at: at,
    payload: JSON.stringify(event),
    raw: null,
    raw_ref: null,
    vendor_event_key: type,
  };
  await storeEvents(store, [row], at);
  return id;
}

/**
 * Delete the secrets of a connection's hooks; call it in the connection's delete transaction, before the
 * connection row goes (its hooks are deleted with it by the foreign key, their secrets are not).
 */
export async function deleteConnectionHooks(store: Store, tenantId: string, connectionId: string): Promise<number> {
  const hooks = await store.events.listHooks(tenantId, connectionId);
  for (const hook of hooks) {
    await store.deleteSecrets(CURRENT.table, hook.id);
    await store.deleteSecrets(PREVIOUS.table, hook.id);
  }
  return hooks.length;
}
