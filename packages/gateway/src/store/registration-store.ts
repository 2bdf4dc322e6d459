import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database, WebhookRegistrationsTable } from './schema.js';

export type RegistrationRow = WebhookRegistrationsTable;

/**
 * Webhooks registered at the vendors (migration 0004). Kept apart from the Store interface: only the webhook
 * sync service and its refresh job use it, and they never need it inside another store transaction (each
 * row is written after its upstream call, which no transaction may span).
 */
export class RegistrationStore {
  readonly #q: Kysely<Database> | Transaction<Database>;

  constructor(q: Kysely<Database> | Transaction<Database>) {
    this.#q = q;
  }

  listByConnection(tenantId: string, connectionId: string): Promise<RegistrationRow[]> {
    return this.#q
      .selectFrom('webhook_registrations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('connection_id', '=', connectionId)
      .orderBy('id')
      .execute();
  }

  get(connectionId: string, target: string): Promise<RegistrationRow | undefined> {
    return this.#q
      .selectFrom('webhook_registrations')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('target', '=', target)
      .executeTakeFirst();
  }

  /** Insert, or replace the row of the same (connection, target): a second sync updates the first's row. */
  async upsert(row: RegistrationRow): Promise<void> {
    const { id: _id, tenant_id: _t, connection_id: _c, target: _target, created_at: _at, ...changes } = row;
    await this.#q
      .insertInto('webhook_registrations')
      .values(row)
      .onConflict((oc) => oc.columns(['connection_id', 'target']).doUpdateSet(changes))
      .execute();
  }

  async update(id: string, patch: Updateable<WebhookRegistrationsTable>): Promise<void> {
    await this.#q.updateTable('webhook_registrations').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.#q.deleteFrom('webhook_registrations').where('id', '=', id).execute();
  }

  /** Rows with an expiry before `before` (Jira dynamic webhooks due for a refresh), soonest first. */
  listExpiringBefore(before: string, limit: number): Promise<RegistrationRow[]> {
    return this.#q
      .selectFrom('webhook_registrations')
      .selectAll()
      .where('expires_at', 'is not', null)
      .where('expires_at', '<', before)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  }
}
