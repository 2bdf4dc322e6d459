import { createHash } from 'node:crypto';
import type { EventEnvelope, EventType } from '@switchyard/sdk';

/** Request headers as node gives them: lower-case names, repeated headers as arrays. */
export type IncomingHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The products that send us webhooks (a Jira Cloud hook belongs to an `atlassian-cloud` connection). */
export type WebhookSource = 'bitbucket-cloud' | 'bitbucket-dc' | 'jira-cloud' | 'confluence-dc';

/** How a hook's deliveries are authenticated; chosen by the hook's configuration, never by the request. */
export type SignatureScheme = 'hub-signature' | 'atlassian-jwt';

/** What the headers (and, failing a delivery id, the body's hash) say about a delivery. */
export interface DeliveryInfo {
  /** `X-Event-Key` (Bitbucket, Confluence DC) or the payload's `webhookEvent` (Jira). */
  eventKey: string | null;
  /** The vendor's delivery id, stable across its retries, where it sends one. */
  deliveryId: string | null;
  /** What to deduplicate on: `<header>:<delivery id>`, or `sha256:<hex of the body>` when there is no id. */
  dedupeKey: string;
  /** Bitbucket DC's "Test connection" (`diagnostics:ping`): acknowledged, stored as no event, never trusted. */
  ping: boolean;
}

/** A normalized event before ingestion gives it an id, a connection, a provider and a receipt time. */
export type EventDraft = {
  [T in EventType]: Omit<
    EventEnvelope<T>,
    'id' | 'received_at' | 'connection_id' | 'provider' | 'raw' | 'occurred_at'
  > & {
    /** Null when the payload carries no time for it; ingestion then uses the receipt time. */
    occurred_at: string | null;
  };
}[EventType];

/** One product's webhook rules: pure functions of the headers and the (verified, parsed) payload. */
export interface WebhookProvider {
  source: WebhookSource;
  /** The schemes a hook of this product may be configured with. */
  schemes: readonly SignatureScheme[];
  /** Whether an unsigned `ping` is acknowledged (Bitbucket DC only). */
  unsignedPing: boolean;
  describe(headers: IncomingHeaders, rawBody: Uint8Array): DeliveryInfo;
  /** Zero or more events; an event key we do not map gives none. */
  normalize(payload: unknown, headers: IncomingHeaders): EventDraft[];
}

/** A header as sent (an array when repeated), matching the name case-insensitively. */
export function rawHeader(headers: IncomingHeaders, name: string): string | readonly string[] | undefined {
  const exact = headers[name.toLowerCase()];
  if (exact !== undefined) return exact;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** A header's single value (the first, when repeated), trimmed, or null when absent or empty. */
export function header(headers: IncomingHeaders, name: string): string | null {
  const value = rawHeader(headers, name);
  const first = typeof value === 'string' ? value : value?.[0];
  const trimmed = first?.trim();
  return trimmed === undefined || trimmed === '' ? null : trimmed;
}

export function bodyHash(rawBody: Uint8Array): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

/** The delivery facts every product shares: an event key, a delivery id header, else the body's hash. */
export function deliveryInfo(
  headers: IncomingHeaders,
  rawBody: Uint8Array,
  idHeader: string,
  eventKey: string | null,
): DeliveryInfo {
  const deliveryId = header(headers, idHeader);
  const dedupeKey = deliveryId === null ? `sha256:${bodyHash(rawBody)}` : `${idHeader.toLowerCase()}:${deliveryId}`;
  return { eventKey, deliveryId, dedupeKey, ping: false };
}
