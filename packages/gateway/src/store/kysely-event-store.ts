import type SQLite from 'better-sqlite3';
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Dialect } from './connect.js';
import {
  type EventFilter,
  type EventRow,
  type EventStore,
  type HookRow,
  type IngestHookRow,
  type NewEvent,
  type StoredEvent,
  type SubscriptionRow,
  withoutBytes,
} from './event-store.js';
import { INSERT_CHUNK, KyselyDeliveryStore } from './kysely-delivery-store.js';
import type { RawFiles } from './raw-files.js';
import type { Database, HooksTable, SubscriptionsTable } from './schema.js';
import { activeSubscriptionsSqlite, EVENT_COLUMNS, insertEventsSqlite } from './sqlite-ingest-statements.js';
import type { PageRequest } from './store.js';

export class KyselyEventStore extends KyselyDeliveryStore implements EventStore {
  /** SQLite: the connection under `q`, for the ingest path's prepared insert. */
  readonly #sqlite: SQLite.Database | undefined;
  /** SQLite on a file: where raw bodies are kept instead of the rows (store/raw-files.ts). */
  readonly #rawFiles: RawFiles | undefined;

  constructor(
    q: Kysely<Database> | Transaction<Database>,
    dialect: Dialect,
    sqlite?: SQLite.Database,
    rawFiles?: RawFiles,
  ) {
    super(q, dialect);
    this.#sqlite = sqlite;
    this.#rawFiles = rawFiles;
  }

  async insertHook(row: HookRow): Promise<void> {
    await this.q.insertInto('hooks').values(row).execute();
  }

  getHook(tenantId: string, id: string): Promise<HookRow | undefined> {
    return this.q
      .selectFrom('hooks')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  getIngestHook(publicId: string): Promise<IngestHookRow | undefined> {
    return this.q
      .selectFrom('hooks')
      .innerJoin('connections', 'connections.id', 'hooks.connection_id')
      .selectAll('hooks')
      .select(['connections.provider as provider', 'connections.grant_id as grant_id'])
      .where('hooks.public_id', '=', publicId)
      .executeTakeFirst();
  }

  listHooks(tenantId: string, connectionId: string): Promise<HookRow[]> {
    return this.q
      .selectFrom('hooks')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('connection_id', '=', connectionId)
      .orderBy('id')
      .execute();
  }

  async updateHook(tenantId: string, id: string, patch: Updateable<HooksTable>): Promise<void> {
    await this.q.updateTable('hooks').set(patch).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }

  async deleteHook(tenantId: string, id: string): Promise<boolean> {
    const res = await this.q
      .deleteFrom('hooks')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  placeBodies(rows: NewEvent[]): EventRow[] {
    return this.#rawFiles?.writes === true ? this.#rawFiles.place(rows) : rows.map(withoutBytes);
  }

  async insertEvents(events: NewEvent[]): Promise<string[]> {
    // Bodies kept in files are appended before the rows that point at them are inserted, so no committed row ever
    // points at bytes not yet written (rows placed already, by storeEvents, pass through as they are).
    const rows = this.placeBodies(events);
    // In a transaction on SQLite the connection is ours until it ends, so a statement run on it directly is part
    // of it; outside one it could land in another caller's transaction, so kysely (which queues) does the work.
    if (this.#sqlite !== undefined && this.q.isTransaction) return insertEventsSqlite(this.#sqlite, rows);
    const inserted: string[] = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const done = await this.q
        .insertInto('events')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .onConflict((oc) => oc.columns(['hook_id', 'dedupe_key']).doNothing())
        .returning('id')
        .execute();
      for (const r of done) inserted.push(r.id);
    }
    return inserted;
  }

  async getEvent(tenantId: string, id: string, includeRaw: boolean): Promise<StoredEvent | undefined> {
    const q = this.q.selectFrom('events').select(EVENT_COLUMNS).where('tenant_id', '=', tenantId).where('id', '=', id);
    if (!includeRaw) return q.executeTakeFirst();
    const row = await q.select(['raw', 'raw_ref']).executeTakeFirst();
    return row === undefined ? undefined : (await this.#withRaw([row]))[0];
  }

  async listEvents(tenantId: string, filter: EventFilter, page: PageRequest): Promise<StoredEvent[]> {
    let q = this.q
      .selectFrom('events')
      .select(EVENT_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .orderBy('id')
      .limit(page.limit);
    if (filter.type !== undefined) q = q.where('type', '=', filter.type);
    if (filter.connectionId !== undefined) q = q.where('connection_id', '=', filter.connectionId);
    if (filter.since !== undefined) q = q.where('received_at', '>=', filter.since);
    if (page.after !== undefined) q = q.where('id', '>', page.after);
    return filter.includeRaw === true ? this.#withRaw(await q.select(['raw', 'raw_ref']).execute()) : q.execute();
  }

  /** Rows with their raw bodies: from the row, or read from the file its `raw_ref` names. */
  async #withRaw(rows: Array<StoredEvent & Pick<EventRow, 'raw' | 'raw_ref'>>): Promise<StoredEvent[]> {
    return Promise.all(
      rows.map(async ({ raw_ref, ...row }) => {
        if (raw_ref === null) return row;
        if (this.#rawFiles === undefined) throw new Error(`event ${row.id} keeps its body in a file, and none is open`);
        return { ...row, raw: await this.#rawFiles.read(row.tenant_id, raw_ref) };
      }),
    );
  }

  async listEventIds(tenantId: string, after: string, through: string): Promise<string[]> {
    const rows = await this.q
      .selectFrom('events')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '>', after)
      .where('id', '<=', through)
      .execute();
    return rows.map((r) => r.id);
  }

  async getEvents(tenantId: string, ids: string[]): Promise<StoredEvent[]> {
    if (ids.length === 0) return [];
    return this.q
      .selectFrom('events')
      .select(EVENT_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
  }

  async getEventPayloads(ids: string[]) {
    if (ids.length === 0) return [];
    return this.q.selectFrom('events').select(['id', 'payload']).where('id', 'in', ids).execute();
  }

  async insertSubscription(row: SubscriptionRow): Promise<void> {
    await this.q.insertInto('subscriptions').values(row).execute();
  }

  getSubscription(tenantId: string, id: string): Promise<SubscriptionRow | undefined> {
    return this.q
      .selectFrom('subscriptions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async getSubscriptions(ids: string[]): Promise<SubscriptionRow[]> {
    if (ids.length === 0) return [];
    return this.q.selectFrom('subscriptions').selectAll().where('id', 'in', ids).execute();
  }

  listSubscriptions(tenantId: string, page: PageRequest): Promise<SubscriptionRow[]> {
    let q = this.q
      .selectFrom('subscriptions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('id')
      .limit(page.limit);
    if (page.after !== undefined) q = q.where('id', '>', page.after);
    return q.execute();
  }

  activeSubscriptions(tenantId: string): Promise<SubscriptionRow[]> {
    // As insertEvents: directly on the connection only inside a transaction, which holds it.
    if (this.#sqlite !== undefined && this.q.isTransaction) {
      return Promise.resolve(activeSubscriptionsSqlite(this.#sqlite, tenantId));
    }
    return this.q
      .selectFrom('subscriptions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'active')
      .execute();
  }

  async updateSubscription(tenantId: string, id: string, patch: Updateable<SubscriptionsTable>): Promise<void> {
    await this.q
      .updateTable('subscriptions')
      .set(patch)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async deleteSubscription(tenantId: string, id: string): Promise<boolean> {
    const res = await this.q
      .deleteFrom('subscriptions')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }
}
