import type { Delivery, EventType, Page, ReplayResult, SwitchyardEvent } from '@switchyard/sdk';
import { AppError, notFound } from '../errors/app-error.js';
import { nowIso } from '../store/ids.js';
import type { Store } from '../store/store.js';
import { deliveryRow, matcher, matches } from '../webhooks/ingest/plan-deliveries.js';
import type { EventNotifier } from '../webhooks/notifier.js';
import { toDelivery, toEvent } from './event-views.js';
import { pageRequest, toPage } from './pagination.js';
import { loadSubscription } from './subscriptions.js';

export interface EventListFilter {
  type?: EventType | undefined;
  connectionId?: string | undefined;
  since?: string | undefined;
  includeRaw?: boolean | undefined;
}

/** The tenant's event log, oldest first (ids are time-ordered). */
export async function listEvents(
  store: Store,
  tenantId: string,
  filter: EventListFilter,
  limit: number,
  cursor?: string,
): Promise<Page<SwitchyardEvent>> {
  const where = {
    ...(filter.type === undefined ? {} : { type: filter.type }),
    ...(filter.connectionId === undefined ? {} : { connectionId: filter.connectionId }),
    ...(filter.since === undefined ? {} : { since: new Date(filter.since).toISOString() }),
    includeRaw: filter.includeRaw === true,
  };
  const rows = await store.events.listEvents(tenantId, where, pageRequest(limit, cursor));
  return toPage(rows, limit, toEvent);
}

export async function getEvent(store: Store, tenantId: string, id: string, includeRaw: boolean) {
  const row = await store.events.getEvent(tenantId, id, includeRaw);
  if (row === undefined) throw notFound(`Event "${id}"`);
  return toEvent(row);
}

/**
 * New deliveries of a stored event: to one subscription (which must be active), or to every active subscription
 * that takes it. Earlier deliveries are left as they are; receivers see the same `webhook-id` again.
 */
export async function replayEvent(
  deps: { store: Store; notifier: EventNotifier },
  tenantId: string,
  eventId: string,
  subscriptionId: string | undefined,
): Promise<ReplayResult> {
  const event = await deps.store.events.getEvent(tenantId, eventId, false);
  if (event === undefined) throw notFound(`Event "${eventId}"`);
  let targets = await deps.store.events.activeSubscriptions(tenantId);
  if (subscriptionId !== undefined) {
    const sub = await loadSubscription(deps.store, tenantId, subscriptionId);
    if (sub.status !== 'active') {
      throw new AppError('CONFLICT', `Subscription "${subscriptionId}" is disabled. Enable it (PATCH status) first.`);
    }
    targets = [sub];
  } else {
    targets = targets.filter((s) => matches(matcher(s), event.type, event.connection_id));
  }
  const at = nowIso();
  const rows = targets.map((s) => deliveryRow(tenantId, s.id, event.id, at));
  if (rows.length > 0) await deps.store.events.insertDeliveries(rows);
  if (rows.length > 0) deps.notifier.notify({ events: 0, deliveries: rows.length });
  const deliveries: Delivery[] = rows.map((r) => toDelivery({ ...r, event_type: event.type }));
  return { deliveries };
}
