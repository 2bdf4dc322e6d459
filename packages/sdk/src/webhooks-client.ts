import type { ErrorCode } from './contract.js';
import { paths } from './contract.js';
import type { EventType } from './events.js';
import type { Requester } from './events-client.js';
import type { Hook } from './events-contract.js';

/**
 * Webhooks Switchyard registers at the vendor for a connection (docs/webhook-registration.md): the ingest URL
 * of a hook, with a fresh secret, on each repository, workspace, project or Jira site asked for.
 */

/** Where to register. Bitbucket Cloud: `workspace` and/or `repositories` (`workspace/repo`); Data Center:
 * `repositories` (`PROJECT/repo`) and/or `projects`; Jira Cloud: `projects` build the JQL filter when `jql` is absent. */
export interface WebhookSyncScope {
  workspace?: string | undefined;
  repositories?: string[] | undefined;
  projects?: string[] | undefined;
}

export interface SyncWebhooksBody {
  scope?: WebhookSyncScope | undefined;
  /** Normalized event types to subscribe to; every type the connection's webhooks produce when absent. */
  events?: EventType[] | undefined;
  /** Jira Cloud: the webhook's JQL filter (Jira requires one; only a subset of JQL is accepted). */
  jql?: string | undefined;
}

/**
 * `registered`: created upstream; `updated`: the webhook with our URL was already there and now has this
 * sync's events and secret; `manual`: cannot be registered through the API (see `note` and `manual`);
 * `failed`: the vendor refused (see `error`), other targets are unaffected.
 */
export type WebhookSyncStatus = 'registered' | 'updated' | 'manual' | 'failed';

export interface WebhookSyncEntry {
  /** `repository:ws/repo`, `workspace:ws`, `project:KEY`, `jira:<cloud id>`, `confluence:<cloud id>`, `confluence`. */
  target: string;
  status: WebhookSyncStatus;
  upstream_id: string | null;
  events: EventType[];
  /** The vendor's event keys sent. */
  vendor_events: string[];
  /** Jira Cloud dynamic webhooks: when they stop unless refreshed (Switchyard refreshes them). */
  expires_at: string | null;
  note: string | null;
  error: { code: ErrorCode; message: string } | null;
}

/** What to configure by hand where the API cannot: the secret is shown this once. */
export interface ManualWebhookSetup {
  url: string;
  secret: string | null;
  vendor_events: string[];
  instructions: string;
}

export interface WebhookSyncResult {
  /** The ingest endpoint registered (null when nothing can be registered, e.g. Confluence Cloud alone). */
  hook: Hook | null;
  registrations: WebhookSyncEntry[];
  manual: ManualWebhookSetup | null;
}

/** A webhook Switchyard registered upstream, as stored (never a secret). */
export interface WebhookRegistration {
  id: string;
  connection_id: string;
  hook_id: string;
  target: string;
  upstream_id: string;
  events: EventType[];
  vendor_events: string[];
  expires_at: string | null;
  last_refreshed_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

const fill = (path: string, params: Record<string, string>): string =>
  path.replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));

export const webhooksApi = (c: Requester) => ({
  /** The webhooks registered upstream for a connection. */
  list: (connectionId: string): Promise<{ items: WebhookRegistration[] }> =>
    c.request('GET', fill(paths.webhooks, { connection_id: connectionId })),
  /** Register (or update) the connection's ingest URL upstream with a fresh secret. Idempotent per target. */
  sync: (connectionId: string, body: SyncWebhooksBody = {}): Promise<WebhookSyncResult> =>
    c.request('POST', fill(paths.webhookSync, { connection_id: connectionId }), body),
});
