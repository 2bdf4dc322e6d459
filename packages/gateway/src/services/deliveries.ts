import type { Delivery, DeliveryStatus, Page } from '@switchyard/sdk';
import { notFound } from '../errors/app-error.js';
import type { Store } from '../store/store.js';
import { toDelivery } from './event-views.js';
import { pageRequest, toPage } from './pagination.js';

export interface DeliveryListFilter {
  subscriptionId?: string | undefined;
  status?: DeliveryStatus | undefined;
  eventId?: string | undefined;
}

/** The delivery log, oldest first. */
export async function listDeliveries(
  store: Store,
  tenantId: string,
  filter: DeliveryListFilter,
  limit: number,
  cursor?: string,
): Promise<Page<Delivery>> {
  const where = {
    ...(filter.subscriptionId === undefined ? {} : { subscriptionId: filter.subscriptionId }),
    ...(filter.status === undefined ? {} : { status: filter.status }),
    ...(filter.eventId === undefined ? {} : { eventId: filter.eventId }),
  };
  const rows = await store.events.listDeliveries(tenantId, where, pageRequest(limit, cursor));
  return toPage(rows, limit, (r) => toDelivery(r));
}

/** One delivery with every attempt made. */
export async function getDelivery(store: Store, tenantId: string, id: string): Promise<Delivery> {
  const row = await store.events.getDelivery(tenantId, id);
  if (row === undefined) throw notFound(`Delivery "${id}"`);
  return toDelivery(row, await store.events.listAttempts(row.id));
}
