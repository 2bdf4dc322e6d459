import { AppError } from '../../errors/app-error.js';
import type { IncomingHeaders } from '../types.js';
import { verifyDelivery } from '../verify.js';
import type { HookCache } from './hook-cache.js';
import type { IngestSink } from './store-delivery.js';

export interface IngestDeps {
  hooks: HookCache;
  sink: IngestSink;
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
 * One webhook delivery: find the hook and verify the raw bytes here; then the sink parses, normalizes and commits
 * the events and their outbox rows in one transaction (group-committed with concurrent deliveries) before this
 * answers. A delivery that fails verification is logged with its reason and nothing of it is stored or parsed.
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
  const stored = await deps.sink.store({
    hook: {
      id: hook.id,
      tenantId: hook.tenantId,
      connectionId: hook.connectionId,
      provider: hook.provider,
      source: hook.webhook.source,
    },
    body: rawBody,
    headers,
    dedupeKey: outcome.delivery.dedupeKey,
    receivedAtMs: deps.now?.() ?? Date.now(),
  });
  if (stored.status === 'invalid_json') throw new AppError('VALIDATION', 'The webhook body is not valid JSON.');
  return stored;
}
