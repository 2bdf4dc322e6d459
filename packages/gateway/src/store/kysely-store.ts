import { type Kysely, sql, type Transaction } from 'kysely';
import { type Db, pendingMigrations } from './connect.js';
import { type ConnectionStore, KyselyConnectionStore } from './connection-store.js';
import type { EventStore } from './event-store.js';
import { KyselyEventStore } from './kysely-event-store.js';
import type { Database } from './schema.js';
import type { ApiKeyRow, PageRequest, SecretRow, Store, TenantRow } from './store.js';

export class KyselyStore implements Store {
  readonly dialect: Db['dialect'];
  readonly connections: ConnectionStore;
  readonly events: EventStore;
  readonly #db: Db;
  readonly #q: Kysely<Database>;

  constructor(db: Db, q: Kysely<Database> | Transaction<Database> = db.kysely) {
    this.#db = db;
    this.#q = q;
    this.dialect = db.dialect;
    this.connections = new KyselyConnectionStore(q);
    this.events = new KyselyEventStore(q, db.dialect, db.sqlite, db.rawFiles);
  }

  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.#q.isTransaction) return fn(this);
    return this.#q.transaction().execute((trx) => fn(new KyselyStore(this.#db, trx)));
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#q);
  }

  pendingMigrations(): Promise<string[]> {
    return pendingMigrations(this.#db);
  }

  async countTenants(): Promise<number> {
    const row = await this.#q
      .selectFrom('tenants')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertTenant(row: TenantRow): Promise<void> {
    await this.#q.insertInto('tenants').values(row).execute();
  }

  getTenant(id: string): Promise<TenantRow | undefined> {
    return this.#q.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getTenantBySlug(slug: string): Promise<TenantRow | undefined> {
    return this.#q.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  listTenants(page: PageRequest): Promise<TenantRow[]> {
    let q = this.#q.selectFrom('tenants').selectAll().orderBy('id').limit(page.limit);
    if (page.after !== undefined) q = q.where('id', '>', page.after);
    return q.execute();
  }

  async insertApiKey(row: ApiKeyRow): Promise<void> {
    await this.#q.insertInto('api_keys').values(row).execute();
  }

  getApiKey(id: string): Promise<ApiKeyRow | undefined> {
    return this.#q.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listApiKeys(tenantId: string | undefined, page: PageRequest): Promise<ApiKeyRow[]> {
    let q = this.#q.selectFrom('api_keys').selectAll().orderBy('id').limit(page.limit);
    if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
    if (page.after !== undefined) q = q.where('id', '>', page.after);
    return q.execute();
  }

  async revokeApiKey(id: string, at: string): Promise<ApiKeyRow | undefined> {
    await this.#q
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
    return this.getApiKey(id);
  }

  async touchApiKey(id: string, at: string): Promise<void> {
    await this.#q.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async putSecret(row: SecretRow): Promise<void> {
    await this.#q
      .insertInto('secrets')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['owner_table', 'owner_id', 'field']).doUpdateSet({
          tenant_id: row.tenant_id,
          key_id: row.key_id,
          wrapped_key: row.wrapped_key,
          ciphertext: row.ciphertext,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  getSecret(ownerTable: string, ownerId: string, field: string): Promise<SecretRow | undefined> {
    return this.#q
      .selectFrom('secrets')
      .selectAll()
      .where('owner_table', '=', ownerTable)
      .where('owner_id', '=', ownerId)
      .where('field', '=', field)
      .executeTakeFirst();
  }

  async deleteSecrets(ownerTable: string, ownerId: string): Promise<number> {
    const res = await this.#q
      .deleteFrom('secrets')
      .where('owner_table', '=', ownerTable)
      .where('owner_id', '=', ownerId)
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  listSecretsNotWrappedBy(keyId: string, page: PageRequest): Promise<SecretRow[]> {
    let q = this.#q.selectFrom('secrets').selectAll().where('key_id', '!=', keyId).orderBy('id').limit(page.limit);
    if (page.after !== undefined) q = q.where('id', '>', page.after);
    return q.execute();
  }

  async rewrapSecret(id: string, expectKeyId: string, keyId: string, wrappedKey: string, at: string): Promise<boolean> {
    const res = await this.#q
      .updateTable('secrets')
      .set({ key_id: keyId, wrapped_key: wrappedKey, updated_at: at })
      .where('id', '=', id)
      .where('key_id', '=', expectKeyId)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
