import type {
  Delivery,
  DeliveryAttempt,
  Hook,
  HookScheme,
  SubscribedEventType,
  Subscription,
  SwitchyardEvent,
  WebhookSource,
} from '@switchyard/sdk';
import type {
  DeliveryAttemptRow,
  HookRow,
  ListedDelivery,
  StoredEvent,
  SubscriptionRow,
} from '../store/event-store.js';

/** Rows of migration 0003 as the API shows them. */

export function toHook(row: HookRow, baseUrl: string): Hook {
  return {
    id: row.id,
    connection_id: row.connection_id,
    source: row.source as WebhookSource,
    scheme: row.scheme as HookScheme,
    url: `${baseUrl}/hooks/${row.public_id}`,
    previous_secret_expires_at: row.previous_expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.event_types) as SubscribedEventType[],
    connection_id: row.connection_id,
    status: row.status,
    disabled_reason: row.disabled_reason,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toEvent(row: StoredEvent): SwitchyardEvent {
  const event = JSON.parse(row.payload) as SwitchyardEvent;
  if (row.raw === undefined) return event;
  return { ...event, raw: row.raw === null ? null : parseRaw(row.raw) };
}

function parseRaw(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function toDelivery(row: ListedDelivery, attempts?: DeliveryAttemptRow[]): Delivery {
  const delivery: Delivery = {
    id: row.id,
    subscription_id: row.subscription_id,
    event_id: row.event_id,
    event_type: row.event_type,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' ? row.next_attempt_at : null,
    last_status_code: row.last_status,
    last_error: row.last_error,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
  if (attempts !== undefined) delivery.attempt_log = attempts.map(toAttempt);
  return delivery;
}

function toAttempt(row: DeliveryAttemptRow): DeliveryAttempt {
  return {
    attempt: row.attempt,
    started_at: row.started_at,
    duration_ms: row.duration_ms,
    status_code: row.status_code,
    error: row.error,
    outcome: row.outcome,
  };
}
