import type { DeliveryRow, EventRow, NewEvent, SubscriptionRow } from '../../store/event-store.js';
import { newId } from '../../store/ids.js';
import type { Store } from '../../store/store.js';

/** A subscription with its event types parsed. */
export interface Matcher {
  sub: SubscriptionRow;
  types: ReadonlySet<string>;
}

export const matcher = (sub: SubscriptionRow): Matcher => ({
  sub,
  types: new Set(JSON.parse(sub.event_types) as string[]),
});

/** Whether a subscription takes an event of this type from this connection. */
export function matches(m: Matcher, type: string, connectionId: string): boolean {
  if (m.sub.status !== 'active') return false;
  if (m.sub.connection_id !== null && m.sub.connection_id !== connectionId) return false;
  return m.types.has('*') || m.types.has(type);
}

export function deliveryRow(tenantId: string, subscriptionId: string, eventId: string, at: string): DeliveryRow {
  return {
    id: newId('dlv'),
    tenant_id: tenantId,
    subscription_id: subscriptionId,
    event_id: eventId,
    status: 'pending',
    attempts: 0,
    next_attempt_at: at,
    claimed_by: null,
    claimed_until: null,
    last_status: null,
    last_error: null,
    created_at: at,
    updated_at: at,
  };
}

/**
 * The outbox rows for newly stored events: one per matching active subscription, read in the same transaction as
 * the events are written, so an event and its deliveries commit (or fail) together.
 */
export async function planDeliveries(
  tx: Store,
  events: ReadonlyArray<Pick<EventRow, 'id' | 'tenant_id' | 'type' | 'connection_id'>>,
  at: string,
): Promise<DeliveryRow[]> {
  const byTenant = new Map<string, Matcher[]>();
  const rows: DeliveryRow[] = [];
  for (const event of events) {
    let subs = byTenant.get(event.tenant_id);
    if (subs === undefined) {
      subs = (await tx.events.activeSubscriptions(event.tenant_id)).map(matcher);
      byTenant.set(event.tenant_id, subs);
    }
    for (const m of subs) {
      if (matches(m, event.type, event.connection_id)) rows.push(deliveryRow(event.tenant_id, m.sub.id, event.id, at));
    }
  }
  return rows;
}

export interface StoredEvents {
  /** The ids stored; duplicates are skipped. */
  inserted: string[];
  /** Outbox rows written for them. */
  deliveries: number;
}

/**
 * Store events and their deliveries in one transaction. Raw bodies kept in files are written first, before the
 * transaction (and the write lock) begins: a committed row never points at bytes not yet written.
 */
export async function storeEvents(store: Store, events: NewEvent[], at: string): Promise<StoredEvents> {
  const placed = store.events.placeBodies(events);
  return store.transaction(async (tx) => {
    const inserted = await tx.events.insertEvents(placed);
    if (inserted.length === 0) return { inserted, deliveries: 0 };
    const ids = new Set(inserted);
    const fresh = inserted.length === placed.length ? placed : placed.filter((e) => ids.has(e.id));
    const deliveries = await planDeliveries(tx, fresh, at);
    if (deliveries.length > 0) await tx.events.insertDeliveries(deliveries);
    return { inserted, deliveries: deliveries.length };
  });
}
