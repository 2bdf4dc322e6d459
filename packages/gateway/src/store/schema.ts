/** Row types of the database. Timestamps are ISO-8601 UTC strings (sortable) on both dialects. */
export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  name: string;
  role: 'admin' | 'tenant';
  prefix: string;
  key_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SecretsTable {
  id: string;
  tenant_id: string;
  owner_table: string;
  owner_id: string;
  field: string;
  key_id: string;
  wrapped_key: string;
  ciphertext: string;
  created_at: string;
  updated_at: string;
}

/** A tenant's own OAuth client for a provider; the secret lives in `secrets` (oauth_apps/<id>/client_secret). */
export interface OAuthAppsTable {
  id: string;
  tenant_id: string;
  provider: string;
  client_id: string;
  created_at: string;
  updated_at: string;
}

export type GrantStatus = 'active' | 'reauth_required' | 'error';
export type AuthType = 'oauth2' | 'api_token' | 'basic' | 'bearer' | 'app_password';

/**
 * A credential. OAuth grants (one may back several connections, one per Atlassian site) and token
 * credentials alike. The secret parts live in `secrets` (grants/<id>/<field>); `version` increases with
 * every change of them, so a refresh can compare-and-swap. `lease_*` is the cross-replica refresh lock.
 */
export interface GrantsTable {
  id: string;
  tenant_id: string;
  provider: string;
  auth_type: AuthType;
  /** oauth_apps.id, or 'env' for the global fallback app; null for token credentials. */
  oauth_app_id: string | null;
  /** Non-secret identity used with the secret: email for API tokens, username for basic auth. */
  username: string | null;
  status: GrantStatus;
  version: number;
  scopes: string; // JSON array
  expires_at: string | null;
  refreshed_at: string | null;
  /** First consent: Atlassian refresh tokens expire 365 days after it whatever happens. */
  consented_at: string | null;
  last_used_at: string | null;
  last_error: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface ConnectionsTable {
  id: string;
  tenant_id: string;
  provider: string;
  grant_id: string;
  name: string;
  /** Atlassian site URL, or the Data Center / Bitbucket Cloud base URL. */
  site_url: string | null;
  cloud_id: string | null;
  account_id: string | null;
  account_name: string | null;
  products: string; // JSON array
  scopes: string; // JSON array
  status: GrantStatus;
  auth_hint: string | null;
  ca_pem: string | null;
  metadata: string; // JSON object
  last_used_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** One OAuth authorization in progress: the `state` is its id, signed. Single use, short-lived. */
export interface OAuthFlowsTable {
  id: string;
  tenant_id: string;
  provider: string;
  /** sha256 of the browser-binding cookie value. */
  binding_hash: string;
  /** JSON: return_url, site hint, scopes, metadata, redirect_uri, oauth_app_id, … (no secrets). */
  data: string;
  /** After a code exchange with several sites to choose from: the grant waiting for the choice. */
  grant_id: string | null;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

/** A short-lived, single-use URL an app hands to a browser to start a connection without its API key. */
export interface ConnectSessionsTable {
  id: string;
  tenant_id: string;
  /** sha256 of the token in the URL. */
  token_hash: string;
  provider: string;
  data: string; // JSON, same shape as the start request
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  secrets: SecretsTable;
  oauth_apps: OAuthAppsTable;
  grants: GrantsTable;
  connections: ConnectionsTable;
  oauth_flows: OAuthFlowsTable;
  connect_sessions: ConnectSessionsTable;
  hooks: HooksTable;
  events: EventsTable;
  subscriptions: SubscriptionsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  webhook_registrations: WebhookRegistrationsTable;
}

// --- Events: webhook ingest, the event log and the delivery outbox (migration 0003) ---

/**
 * An ingest endpoint of a connection: `/hooks/{public_id}`. The signing secrets live in `secrets`
 * (hooks/<id>/secret, and hooks/<id>/previous_secret during a rotation until `previous_expires_at`).
 */
export interface HooksTable {
  id: string;
  tenant_id: string;
  connection_id: string;
  /** 192 random bits, base64url: the unguessable part of the ingest URL. */
  public_id: string;
  /** Which product's rules apply (webhooks/registry.ts): bitbucket-cloud, bitbucket-dc, jira-cloud, confluence-dc. */
  source: string;
  scheme: 'hub-signature' | 'atlassian-jwt';
  previous_expires_at: string | null;
  /** JSON: `{"managed_by":"webhook-sync"}` for the hook the webhook sync registers upstream (its registrations are
   * in webhook_registrations), `{}` for a hook created by hand. */
  registration: string;
  created_at: string;
  updated_at: string;
}

/** The durable event log. `connection_id` is not a foreign key: the log outlives a deleted connection. */
export interface EventsTable {
  id: string;
  tenant_id: string;
  connection_id: string;
  /** Null for events the gateway makes itself (connection.reauth_required, connection.deleted). */
  hook_id: string | null;
  type: string;
  provider: string;
  /** Unique per hook: the vendor's delivery id header, else the body's hash. */
  dedupe_key: string | null;
  occurred_at: string;
  received_at: string;
  /** The normalized event (SDK `SwitchyardEvent` without `raw`) as JSON. */
  payload: string;
  /** The body as received, when there was one and it is kept in the row (always on PostgreSQL). */
  raw: string | null;
  /**
   * SQLite (migration 0006): where the body is kept instead, outside the database (`file:offset:length` in the
   * tenant's raw body files, store/raw-files.ts); `raw` is then null.
   */
  raw_ref: string | null;
  vendor_event_key: string;
}

export type SubscriptionStatus = 'active' | 'disabled';

/** A subscriber endpoint. Its Standard Webhooks signing secret lives in `secrets` (subscriptions/<id>/secret). */
export interface SubscriptionsTable {
  id: string;
  tenant_id: string;
  url: string;
  /** JSON array of event types; `["*"]` is every type. */
  event_types: string;
  /** Only events of this connection, when set. */
  connection_id: string | null;
  status: SubscriptionStatus;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'dead';

/** The outbox: one row per (event, subscription) to deliver, claimed by one worker at a time. */
export interface DeliveriesTable {
  id: string;
  tenant_id: string;
  subscription_id: string;
  event_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** One HTTP attempt of a delivery: the delivery log. */
export interface DeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  worker: string;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  outcome: 'succeeded' | 'retry' | 'failed' | 'dead';
}

// --- Webhooks registered at the vendors (migration 0004, store/registration-store.ts) ---

/** One webhook Switchyard registered upstream for a connection, per target (repository, workspace, project, site). */
export interface WebhookRegistrationsTable {
  id: string;
  tenant_id: string;
  connection_id: string;
  /** The ingest hook (hooks.id) whose URL was registered; not a foreign key. */
  hook_id: string;
  /** Where: `repository:ws/repo`, `workspace:ws`, `project:KEY`, `jira:<cloud id>`, `confluence`. */
  target: string;
  /** The vendor's id of the webhook (Bitbucket Cloud `{uuid}`, Data Center and Jira numeric ids as text). */
  upstream_id: string;
  /** JSON array of the vendor event keys registered. */
  events: string;
  /** Jira dynamic webhooks only: when Jira stops sending them unless refreshed. */
  expires_at: string | null;
  last_refreshed_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}
