import { AppError } from '../../errors/app-error.js';
import type { EventRow } from '../../store/event-store.js';
import { newId } from '../../store/ids.js';
import { toEnvelope } from '../envelope.js';
import { parseJson } from '../json.js';
import type { IncomingHeaders } from '../types.js';
import { verifyDelivery } from '../verify.js';
import type { EventWriter } from './event-writer.js';
import type { CachedHook, HookCache } from './hook-cache.js';

export interface IngestDeps {
  hooks: HookCache;
  writer: EventWriter;
  logger: { warn(fields: object, message: string): void };
  now?: () => number;
}

/** What the vendor is told: stored (with the new ids), already stored, nothing to store, or a ping. */
export type IngestResult =
  | { status: 'accepted'; event_ids: string[] }
  | { status: 'duplicate' }
  | { status: 'ignored' }
  | { status: 'ping' };

/**
 * One webhook delivery: find the hook, verify the raw bytes, parse, normalize, then commit the events and their
 * outbox rows in one transaction (group-committed with concurrent deliveries) before answering. A delivery that
 * fails verification is logged with its reason and nothing of it is stored.
 */
export async function ingestDelivery(
  deps: IngestDeps,
  publicId: string,
  rawBody: Buffer,
  headers: IncomingHeaders,
): Promise<IngestResult> {
  const hook = await deps.hooks.get(publicId);
  if (hook === undefined) {
    throw new AppError('NOT_FOUND', 'No webhook endpoint has this URL. Copy the hook URL again from the gateway.');
  }
  const outcome = verifyDelivery(hook.webhook, hook.verification, rawBody, headers);
  if (outcome.status === 'ping') return { status: 'ping' };
  if (outcome.status === 'rejected') {
    deps.logger.warn(
      { hook_id: hook.id, connection_id: hook.connectionId, reason: outcome.reason, detail: outcome.detail },
      'webhook delivery refused',
    );
    throw new AppError(
      'UNAUTHORIZED',
      `The webhook delivery could not be verified (${outcome.reason}). Check the secret configured at the vendor.`,
    );
  }
  const parsed = parseJson(rawBody);
  if (!parsed.ok) throw new AppError('VALIDATION', 'The webhook body is not valid JSON.');
  const drafts = hook.webhook.normalize(parsed.value, headers);
  if (drafts.length === 0) return { status: 'ignored' };
  const rows = toRows(hook, drafts, outcome.delivery.dedupeKey, rawBody, deps.now?.() ?? Date.now());
  const stored = await deps.writer.write(rows);
  return stored.length === 0 ? { status: 'duplicate' } : { status: 'accepted', event_ids: stored };
}

function toRows(
  hook: CachedHook,
  drafts: ReturnType<CachedHook['webhook']['normalize']>,
  dedupeKey: string,
  rawBody: Buffer,
  nowMs: number,
): EventRow[] {
  const receivedAt = new Date(nowMs).toISOString();
  const raw = rawBody.toString('utf8');
  return drafts.map((draft, index) => {
    const id = newId('evt', nowMs);
    const event = toEnvelope(draft, { id, connectionId: hook.connectionId, provider: hook.provider, receivedAt });
    return {
      id,
      tenant_id: hook.tenantId,
      connection_id: hook.connectionId,
      hook_id: hook.id,
      type: event.type,
      provider: hook.provider,
      // One delivery that gives several events keeps each one's key distinct (and stable across retries).
      dedupe_key: index === 0 ? dedupeKey : `${dedupeKey}#${index}`,
      occurred_at: event.occurred_at,
      received_at: receivedAt,
      payload: JSON.stringify(event),
      raw,
      vendor_event_key: event.vendor.event_key,
    };
  });
}
