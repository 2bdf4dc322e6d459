import type { ListQuery } from './contract.js';
import type { EventType } from './events.js';

/**
 * The contract of webhook ingest hooks, the event log, subscriptions and deliveries (docs/events.md).
 * The event envelope itself is `SwitchyardEvent` (events.ts).
 */

/** Which product's webhook rules a hook applies (a Jira Cloud hook belongs to an `atlassian-cloud` connection). */
export type WebhookSource = 'bitbucket-cloud' | 'bitbucket-dc' | 'jira-cloud' | 'confluence-dc';

/** `hub-signature`: HMAC-SHA256 in `X-Hub-Signature`; `atlassian-jwt`: a JWT signed with the OAuth app's secret. */
export type HookScheme = 'hub-signature' | 'atlassian-jwt';

/** An ingest endpoint of a connection. Its secret is shown only when created or rotated. */
export interface Hook {
  id: string;
  connection_id: string;
  source: WebhookSource;
  scheme: HookScheme;
  /** Where the vendor sends its webhooks: `<public url>/hooks/<unguessable id>`. */
  url: string;
  /** During a secret rotation: until when the previous secret is still accepted. */
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A hook as created or rotated: `secret` is shown this once (null for `atlassian-jwt`, which uses the app's). */
export interface CreatedHook extends Hook {
  secret: string | null;
}

export interface CreateHookBody {
  /** Defaults from the connection's provider (atlassian-cloud → jira-cloud). */
  source?: WebhookSource | undefined;
  scheme?: HookScheme | undefined;
  /** Keep a secret already configured at the vendor (e.g. `BITBUCKET_WEBHOOK_SECRET`); else one is generated. */
  secret?: string | undefined;
}

export interface RotateHookBody {
  /** The new secret; generated when absent. */
  secret?: string | undefined;
}

/** An event type a subscription takes, or `*` for every type. */
export type SubscribedEventType = EventType | '*';
export type SubscriptionStatus = 'active' | 'disabled';

export interface Subscription {
  id: string;
  url: string;
  events: SubscribedEventType[];
  /** Only this connection's events, when set. */
  connection_id: string | null;
  status: SubscriptionStatus;
  /** Why it was disabled (e.g. the endpoint answered 410 Gone). */
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** `secret` (`whsec_…`, Standard Webhooks) signs every delivery; shown this once. */
export interface CreatedSubscription extends Subscription {
  secret: string;
}

export interface CreateSubscriptionBody {
  url: string;
  events: SubscribedEventType[];
  connection_id?: string | undefined;
}

export interface UpdateSubscriptionBody {
  url?: string | undefined;
  events?: SubscribedEventType[] | undefined;
  connection_id?: string | null | undefined;
  /** `active` re-enables a disabled subscription. */
  status?: SubscriptionStatus | undefined;
}

/** The answer of POST /v1/subscriptions/{id}/test: a `ping` delivered now. */
export interface SubscriptionTestResult {
  ok: boolean;
  /** The `webhook-id` the ping carried. */
  message_id: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'dead';

export interface DeliveryAttempt {
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  outcome: 'succeeded' | 'retry' | 'failed' | 'dead';
}

export interface Delivery {
  id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due (pending deliveries only). */
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  /** Each attempt, on GET /v1/deliveries/{id} only. */
  attempt_log?: DeliveryAttempt[] | undefined;
}

export interface ListDeliveriesQuery extends ListQuery {
  subscription_id?: string | undefined;
  status?: DeliveryStatus | undefined;
  event_id?: string | undefined;
}

export interface ListEventsQuery extends ListQuery {
  type?: EventType | undefined;
  connection_id?: string | undefined;
  /** Events received at or after this ISO-8601 time. */
  since?: string | undefined;
  /** `raw` adds the vendor's payload to each event. */
  include?: 'raw' | undefined;
}

export interface ReplayEventBody {
  /** Only to this subscription; else to every active subscription that matches the event. */
  subscription_id?: string | undefined;
}

export interface ReplayResult {
  deliveries: Delivery[];
}
