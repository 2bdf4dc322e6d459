import type { ConnectionStore } from './connection-store.js';
import type { EventStore } from './event-store.js';
import type { ApiKeysTable, SecretsTable, TenantsTable } from './schema.js';

export type TenantRow = TenantsTable;
export type ApiKeyRow = ApiKeysTable;
export type SecretRow = SecretsTable;

export interface PageRequest {
  limit: number;
  /** Return rows with an id greater than this one. */
  after?: string;
}

/**
 * The one persistence interface the services use. The SQLite and PostgreSQL implementations are the
 * same kysely code over two dialects and pass the same test suite (store.test.ts).
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** OAuth apps, grants, connections and OAuth flows (store/connection-store.ts). */
  readonly connections: ConnectionStore;
  /** Hooks, the event log, subscriptions and the delivery outbox (store/event-store.ts). */
  readonly events: EventStore;

  /** Run `fn` in one transaction with a store bound to it. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  pendingMigrations(): Promise<string[]>;

  countTenants(): Promise<number>;
  insertTenant(row: TenantRow): Promise<void>;
  getTenant(id: string): Promise<TenantRow | undefined>;
  getTenantBySlug(slug: string): Promise<TenantRow | undefined>;
  listTenants(page: PageRequest): Promise<TenantRow[]>;

  insertApiKey(row: ApiKeyRow): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRow | undefined>;
  listApiKeys(tenantId: string | undefined, page: PageRequest): Promise<ApiKeyRow[]>;
  /** Sets revoked_at if not yet revoked; answers the row as it is afterwards. */
  revokeApiKey(id: string, at: string): Promise<ApiKeyRow | undefined>;
  touchApiKey(id: string, at: string): Promise<void>;

  /** Insert or replace the secret of (owner_table, owner_id, field). */
  putSecret(row: SecretRow): Promise<void>;
  getSecret(ownerTable: string, ownerId: string, field: string): Promise<SecretRow | undefined>;
  deleteSecrets(ownerTable: string, ownerId: string): Promise<number>;
  /** Secrets not wrapped by `keyId`, in id order, for master key rotation. */
  listSecretsNotWrappedBy(keyId: string, page: PageRequest): Promise<SecretRow[]>;
  /** Compare-and-swap the wrapping of one secret: only if it is still wrapped by `expectKeyId`. */
  rewrapSecret(id: string, expectKeyId: string, keyId: string, wrappedKey: string, at: string): Promise<boolean>;
}
