import type { EventProvider } from '@switchyard/sdk';
import type { NewEvent } from '../../store/event-store.js';
import { newId } from '../../store/ids.js';
import { toEnvelope } from '../envelope.js';
import { parseJsonText } from '../json.js';
import { webhookProviders } from '../registry.js';
import type { EventDraft, IncomingHeaders, WebhookSource } from '../types.js';
import type { EventSink } from './event-writer.js';

/** A verified delivery on its way to the event log: plain data, so it can cross to the ingest thread. */
export interface DeliveryJob {
  hook: { id: string; tenantId: string; connectionId: string; provider: EventProvider; source: WebhookSource };
  /** The body as received; its signature has been verified. */
  body: Uint8Array;
  headers: IncomingHeaders;
  dedupeKey: string;
  receivedAtMs: number;
}

/** What became of a verified delivery. */
export type StoreOutcome =
  | { status: 'accepted'; event_ids: string[] }
  | { status: 'duplicate' }
  | { status: 'ignored' }
  | { status: 'invalid_json' };

/** Parses, normalizes and commits verified deliveries: in this thread, or in the SQLite ingest thread. */
export interface IngestSink {
  store(job: DeliveryJob): Promise<StoreOutcome>;
}

/** The sink that does the work in this thread, committing through `writer`. */
export const inlineIngest = (writer: EventSink): IngestSink => ({ store: (job) => storeDelivery(writer, job) });

/**
 * Parse the verified body, normalize it with its product's rules and commit the events (and their outbox rows)
 * through `writer`. The body is decoded once: the same text is parsed and kept as the raw payload.
 */
export async function storeDelivery(writer: EventSink, job: DeliveryJob): Promise<StoreOutcome> {
  const text = Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength).toString('utf8');
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { status: 'invalid_json' };
  const drafts = webhookProviders[job.hook.source].normalize(parsed.value, job.headers);
  if (drafts.length === 0) return { status: 'ignored' };
  const stored = await writer.write(toRows(job, drafts, text));
  return stored.length === 0 ? { status: 'duplicate' } : { status: 'accepted', event_ids: stored };
}

function toRows(job: DeliveryJob, drafts: EventDraft[], raw: string): NewEvent[] {
  const { hook, receivedAtMs } = job;
  const receivedAt = new Date(receivedAtMs).toISOString();
  return drafts.map((draft, index) => {
    const id = newId('evt', receivedAtMs);
    const event = toEnvelope(draft, { id, connectionId: hook.connectionId, provider: hook.provider, receivedAt });
    return {
      id,
      tenant_id: hook.tenantId,
      connection_id: hook.connectionId,
      hook_id: hook.id,
      type: event.type,
      provider: hook.provider,
      // One delivery that gives several events keeps each one's key distinct (and stable across retries).
      dedupe_key: index === 0 ? job.dedupeKey : `${job.dedupeKey}#${index}`,
      occurred_at: event.occurred_at,
      received_at: receivedAt,
      payload: JSON.stringify(event),
      raw,
      raw_ref: null,
      // The bytes the text was decoded from, for a store that writes bodies to files (store/raw-files.ts).
      rawBytes: job.body,
      vendor_event_key: event.vendor.event_key,
    };
  });
}
