import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from './connect.js';
import type { AttemptResult, DeliveryAttemptRow, DeliveryFilter, DeliveryRow, ListedDelivery } from './event-store.js';
import type { Database, DeliveryStatus } from './schema.js';
import type { PageRequest } from './store.js';

/** Rows per INSERT: well under SQLite's bound-variable limit for the widest table. */
export const INSERT_CHUNK = 200;

/** The delivery outbox half of the event store (kysely-event-store.ts extends it). */
export class KyselyDeliveryStore {
  protected readonly q: Kysely<Database> | Transaction<Database>;
  protected readonly dialect: Dialect;

  constructor(q: Kysely<Database> | Transaction<Database>, dialect: Dialect) {
    this.q = q;
    this.dialect = dialect;
  }

  async insertDeliveries(rows: DeliveryRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await this.q
        .insertInto('deliveries')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .execute();
    }
  }

  async claimDeliveries(worker: string, now: string, until: string, limit: number): Promise<DeliveryRow[]> {
    let due = this.q
      .selectFrom('deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(limit);
    // PostgreSQL: rows another replica is claiming right now are skipped, not waited for. SQLite has one
    // writer at a time, so the single UPDATE below is already atomic.
    if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
    return this.q
      .updateTable('deliveries')
      .set({ claimed_by: worker, claimed_until: until })
      .where('id', 'in', due)
      .returningAll()
      .execute();
  }

  /** Run it inside a transaction (store.transaction) so the outcome and its log row commit together. */
  async finishAttempt(
    id: string,
    worker: string,
    result: AttemptResult,
    attempt: DeliveryAttemptRow | null,
  ): Promise<boolean> {
    const res = await this.q
      .updateTable('deliveries')
      .set({
        status: result.status,
        attempts: result.attempts,
        next_attempt_at: result.nextAttemptAt,
        last_status: result.lastStatus,
        last_error: result.lastError,
        claimed_by: null,
        claimed_until: null,
        updated_at: result.at,
      })
      .where('id', '=', id)
      .where('claimed_by', '=', worker)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    if (attempt !== null) await this.q.insertInto('delivery_attempts').values(attempt).execute();
    return true;
  }

  private listed() {
    return this.q
      .selectFrom('deliveries')
      .innerJoin('events', 'events.id', 'deliveries.event_id')
      .selectAll('deliveries')
      .select('events.type as event_type');
  }

  getDelivery(tenantId: string, id: string): Promise<ListedDelivery | undefined> {
    return this.listed()
      .where('deliveries.tenant_id', '=', tenantId)
      .where('deliveries.id', '=', id)
      .executeTakeFirst();
  }

  listDeliveries(tenantId: string, filter: DeliveryFilter, page: PageRequest): Promise<ListedDelivery[]> {
    let q = this.listed().where('deliveries.tenant_id', '=', tenantId).orderBy('deliveries.id').limit(page.limit);
    if (filter.subscriptionId !== undefined) q = q.where('deliveries.subscription_id', '=', filter.subscriptionId);
    if (filter.status !== undefined) q = q.where('deliveries.status', '=', filter.status);
    if (filter.eventId !== undefined) q = q.where('deliveries.event_id', '=', filter.eventId);
    if (page.after !== undefined) q = q.where('deliveries.id', '>', page.after);
    return q.execute();
  }

  listAttempts(deliveryId: string): Promise<DeliveryAttemptRow[]> {
    return this.q
      .selectFrom('delivery_attempts')
      .selectAll()
      .where('delivery_id', '=', deliveryId)
      .orderBy('attempt')
      .execute();
  }

  async countDeliveries(status: DeliveryStatus): Promise<number> {
    const row = await this.q
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('status', '=', status)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
