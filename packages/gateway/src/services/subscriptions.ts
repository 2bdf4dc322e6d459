import type {
  CreatedSubscription,
  CreateSubscriptionBody,
  Page,
  Subscription,
  UpdateSubscriptionBody,
} from '@switchyard/sdk';
import type { Updateable } from 'kysely';
import { AppError, notFound } from '../errors/app-error.js';
import { guardUrl, type HostPolicy, type Resolver, systemResolver } from '../http/host-guard.js';
import type { SubscriptionRow } from '../store/event-store.js';
import { newId, nowIso } from '../store/ids.js';
import type { SubscriptionsTable } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { newSigningSecret } from '../webhooks/outbox/signing.js';
import type { SubscriptionSecrets } from '../webhooks/outbox/subscription-secrets.js';
import { toSubscription } from './event-views.js';
import { pageRequest, toPage } from './pagination.js';

export interface SubscriptionDeps {
  store: Store;
  subscriptionSecrets: SubscriptionSecrets;
  policy: HostPolicy;
  resolve?: Resolver;
}

/** A subscriber URL passes the same checks as a Data Center host: https, no loopback/link-local/metadata. */
function checkUrl(deps: SubscriptionDeps, url: string): Promise<string> {
  return guardUrl(deps.policy, url, 'url', deps.resolve ?? systemResolver).then(() => url);
}

async function checkConnection(store: Store, tenantId: string, connectionId: string | null | undefined) {
  if (connectionId === undefined || connectionId === null) return;
  if ((await store.connections.getConnection(tenantId, connectionId)) === undefined) {
    throw new AppError('VALIDATION', `connection_id: connection "${connectionId}" was not found in this tenant.`);
  }
}

const typesJson = (events: readonly string[]) => JSON.stringify([...new Set(events)].sort());

export async function createSubscription(
  deps: SubscriptionDeps,
  tenantId: string,
  body: CreateSubscriptionBody,
): Promise<CreatedSubscription> {
  const url = await checkUrl(deps, body.url);
  await checkConnection(deps.store, tenantId, body.connection_id);
  const at = nowIso();
  const row: SubscriptionRow = {
    id: newId('sub'),
    tenant_id: tenantId,
    url,
    event_types: typesJson(body.events),
    connection_id: body.connection_id ?? null,
    status: 'active',
    disabled_reason: null,
    created_at: at,
    updated_at: at,
  };
  const secret = newSigningSecret();
  await deps.store.events.insertSubscription(row);
  await deps.subscriptionSecrets.put(tenantId, row.id, secret);
  return { ...toSubscription(row), secret };
}

export async function loadSubscription(store: Store, tenantId: string, id: string): Promise<SubscriptionRow> {
  const row = await store.events.getSubscription(tenantId, id);
  if (row === undefined) throw notFound(`Subscription "${id}"`);
  return row;
}

export async function getSubscription(deps: SubscriptionDeps, tenantId: string, id: string): Promise<Subscription> {
  return toSubscription(await loadSubscription(deps.store, tenantId, id));
}

export async function listSubscriptions(
  deps: SubscriptionDeps,
  tenantId: string,
  limit: number,
  cursor?: string,
): Promise<Page<Subscription>> {
  const rows = await deps.store.events.listSubscriptions(tenantId, pageRequest(limit, cursor));
  return toPage(rows, limit, toSubscription);
}

export async function updateSubscription(
  deps: SubscriptionDeps,
  tenantId: string,
  id: string,
  body: UpdateSubscriptionBody,
): Promise<Subscription> {
  const row = await loadSubscription(deps.store, tenantId, id);
  const patch: Updateable<SubscriptionsTable> = { updated_at: nowIso() };
  if (body.url !== undefined) patch.url = await checkUrl(deps, body.url);
  if (body.events !== undefined) patch.event_types = typesJson(body.events);
  if (body.connection_id !== undefined) {
    await checkConnection(deps.store, tenantId, body.connection_id);
    patch.connection_id = body.connection_id;
  }
  if (body.status !== undefined) {
    patch.status = body.status;
    patch.disabled_reason = body.status === 'disabled' ? 'disabled through the API' : null;
  }
  await deps.store.events.updateSubscription(tenantId, id, patch);
  return toSubscription({ ...row, ...patch } as SubscriptionRow);
}

/** Delete a subscription, its secret and its delivery log. Idempotent. */
export async function deleteSubscription(deps: SubscriptionDeps, tenantId: string, id: string): Promise<boolean> {
  const deleted = await deps.store.events.deleteSubscription(tenantId, id);
  if (deleted) await deps.subscriptionSecrets.delete(id);
  return deleted;
}
