import type { EventProvider, SwitchyardEvent } from '@switchyard/sdk';
import type { EventDraft } from './types.js';

/** What ingestion knows that a payload does not: the event's id, where it came through and when it arrived. */
export interface EnvelopeContext {
  id: string;
  connectionId: string;
  provider: EventProvider;
  receivedAt: string;
  /** The vendor's payload, attached only when a consumer asked for it. */
  raw?: unknown;
}

/** A draft from `normalize` as the event subscribers receive; `occurred_at` falls back to the receipt time. */
export function toEnvelope(draft: EventDraft, ctx: EnvelopeContext): SwitchyardEvent {
  const event: SwitchyardEvent = {
    ...draft,
    id: ctx.id,
    occurred_at: draft.occurred_at ?? ctx.receivedAt,
    received_at: ctx.receivedAt,
    connection_id: ctx.connectionId,
    provider: ctx.provider,
  };
  return ctx.raw === undefined ? event : { ...event, raw: ctx.raw };
}

/** The gateway's own events about a connection (no vendor payload behind them). */
export function connectionEventDraft(
  type: 'connection.reauth_required' | 'connection.deleted',
  connectionId: string,
  reason: string | null,
  occurredAt: string,
): EventDraft {
  return {
    type,
    occurred_at: occurredAt,
    actor: null,
    vendor: { event_key: type, delivery_id: null },
    subject: { kind: 'connection', connection_id: connectionId, reason },
  };
}
