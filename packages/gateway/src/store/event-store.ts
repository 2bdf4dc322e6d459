import type { Updateable } from 'kysely';
import type {
  DeliveriesTable,
  DeliveryAttemptsTable,
  DeliveryStatus,
  EventsTable,
  HooksTable,
  SubscriptionsTable,
} from './schema.js';
import type { PageRequest } from './store.js';

export type HookRow = HooksTable;
export type EventRow = EventsTable;
export type SubscriptionRow = SubscriptionsTable;
export type DeliveryRow = DeliveriesTable;
export type DeliveryAttemptRow = DeliveryAttemptsTable;

/** A hook with what ingestion needs of its connection. */
export interface IngestHookRow extends HookRow {
  provider: string;
  grant_id: string;
}

/**
 * An event to insert. On the ingest path it carries the body's bytes too (the same text as `raw`), so a store that
 * keeps bodies in files of their own (SQLite, store/raw-files.ts) writes them without encoding the text again.
 */
export type NewEvent = EventRow & { rawBytes?: Uint8Array };

/** The row to insert of a new event: the event itself when it carries no bytes, else a copy without them. */
export function withoutBytes(event: NewEvent): EventRow {
  if (event.rawBytes === undefined) return event;
  const { rawBytes: _, ...row } = event;
  return row;
}

/** An event as lists show it: `raw` only when asked for (read from its file when it is kept in one). */
export type StoredEvent = Omit<EventRow, 'raw' | 'raw_ref'> & { raw?: string | null };

export interface EventFilter {
  type?: string;
  connectionId?: string;
  /** received_at at or after this ISO time. */
  since?: string;
  includeRaw?: boolean;
}

export interface DeliveryFilter {
  subscriptionId?: string;
  status?: DeliveryStatus;
  eventId?: string;
}

/** A delivery with its event's type, as the delivery log lists it. */
export interface ListedDelivery extends DeliveryRow {
  event_type: string;
}

/** The outcome of one attempt, written with the attempt's log row; fenced by the claim. */
export interface AttemptResult {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  at: string;
}

/** Hooks, the event log, subscriptions and the delivery outbox (migration 0003). Reads are tenant-scoped. */
export interface EventStore {
  insertHook(row: HookRow): Promise<void>;
  getHook(tenantId: string, id: string): Promise<HookRow | undefined>;
  /** The ingest path's lookup: no tenant is known yet, the public id names the hook. */
  getIngestHook(publicId: string): Promise<IngestHookRow | undefined>;
  listHooks(tenantId: string, connectionId: string): Promise<HookRow[]>;
  updateHook(tenantId: string, id: string, patch: Updateable<HooksTable>): Promise<void>;
  deleteHook(tenantId: string, id: string): Promise<boolean>;

  /** Insert events, skipping those whose (hook_id, dedupe_key) is already stored; answers the ids inserted. */
  insertEvents(rows: NewEvent[]): Promise<string[]>;
  /**
   * Where bodies are kept in files (SQLite, store/raw-files.ts): write the rows' bodies now and answer the rows
   * pointing at them, so a transaction that inserts them need not hold the write lock while the bytes are written.
   * Elsewhere the rows as they are. `insertEvents` places whatever is not placed yet itself.
   */
  placeBodies(rows: NewEvent[]): EventRow[];
  getEvent(tenantId: string, id: string, includeRaw: boolean): Promise<StoredEvent | undefined>;
  listEvents(tenantId: string, filter: EventFilter, page: PageRequest): Promise<StoredEvent[]>;
  /** Ids in (after, through], for event streams re-checking a recent window for late commits. */
  listEventIds(tenantId: string, after: string, through: string): Promise<string[]>;
  getEvents(tenantId: string, ids: string[]): Promise<StoredEvent[]>;
  /** Payloads by id, for the delivery worker. */
  getEventPayloads(ids: string[]): Promise<Array<Pick<EventRow, 'id' | 'payload'>>>;

  insertSubscription(row: SubscriptionRow): Promise<void>;
  getSubscription(tenantId: string, id: string): Promise<SubscriptionRow | undefined>;
  getSubscriptions(ids: string[]): Promise<SubscriptionRow[]>;
  listSubscriptions(tenantId: string, page: PageRequest): Promise<SubscriptionRow[]>;
  /** The tenant's active subscriptions: who gets a delivery of a new event. */
  activeSubscriptions(tenantId: string): Promise<SubscriptionRow[]>;
  updateSubscription(tenantId: string, id: string, patch: Updateable<SubscriptionsTable>): Promise<void>;
  deleteSubscription(tenantId: string, id: string): Promise<boolean>;

  insertDeliveries(rows: DeliveryRow[]): Promise<void>;
  /**
   * Claim up to `limit` pending deliveries due at `now` that nobody holds (or whose claim expired): each is
   * claimed by exactly one caller (`FOR UPDATE SKIP LOCKED` on PostgreSQL; one atomic UPDATE on SQLite).
   */
  claimDeliveries(worker: string, now: string, until: string, limit: number): Promise<DeliveryRow[]>;
  /** Record an outcome (and the attempt's log row) only while `worker` still holds the claim; answers whether it did. */
  finishAttempt(
    id: string,
    worker: string,
    result: AttemptResult,
    attempt: DeliveryAttemptRow | null,
  ): Promise<boolean>;
  getDelivery(tenantId: string, id: string): Promise<ListedDelivery | undefined>;
  listDeliveries(tenantId: string, filter: DeliveryFilter, page: PageRequest): Promise<ListedDelivery[]>;
  listAttempts(deliveryId: string): Promise<DeliveryAttemptRow[]>;
  countDeliveries(status: DeliveryStatus): Promise<number>;
}
