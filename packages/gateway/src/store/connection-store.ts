import type { Kysely, Transaction, Updateable } from 'kysely';
import type {
  ConnectionsTable,
  ConnectSessionsTable,
  Database,
  GrantStatus,
  GrantsTable,
  OAuthAppsTable,
  OAuthFlowsTable,
} from './schema.js';
import type { PageRequest } from './store.js';

export type OAuthAppRow = OAuthAppsTable;
export type GrantRow = GrantsTable;
export type ConnectionRow = ConnectionsTable;
export type OAuthFlowRow = OAuthFlowsTable;
export type ConnectSessionRow = ConnectSessionsTable;

export interface ConnectionFilter {
  provider?: string;
  status?: GrantStatus;
  grantId?: string;
}

/** Persistence for OAuth apps, grants, connections and OAuth flows. Every read is scoped by tenant where a caller names one. */
export interface ConnectionStore {
  putOAuthApp(row: OAuthAppRow): Promise<OAuthAppRow>;
  getOAuthApp(tenantId: string, provider: string): Promise<OAuthAppRow | undefined>;
  listOAuthApps(tenantId: string): Promise<OAuthAppRow[]>;
  deleteOAuthApp(tenantId: string, provider: string): Promise<OAuthAppRow | undefined>;

  insertGrant(row: GrantRow): Promise<void>;
  getGrant(id: string): Promise<GrantRow | undefined>;
  /** Several grants in one read (connection lists). */
  getGrants(ids: string[]): Promise<GrantRow[]>;
  /** Update a grant only if its version is still `expectVersion`; answers whether it did. */
  updateGrantIfVersion(id: string, expectVersion: number, patch: Updateable<GrantsTable>): Promise<boolean>;
  updateGrant(id: string, patch: Updateable<GrantsTable>): Promise<void>;
  /** Take the refresh lease when it is free or expired; answers whether this owner holds it now. */
  acquireGrantLease(id: string, owner: string, now: string, until: string): Promise<boolean>;
  releaseGrantLease(id: string, owner: string): Promise<void>;
  /** OAuth grants refreshed (or created) before `before`, oldest first: the keep-alive job's work list. */
  listIdleOAuthGrants(before: string, limit: number): Promise<GrantRow[]>;
  /** Active OAuth grants first consented before `before`, oldest first: the keep-alive job's expiry warnings. */
  listOAuthGrantsConsentedBefore(before: string, limit: number): Promise<GrantRow[]>;
  deleteGrant(id: string): Promise<void>;

  insertConnection(row: ConnectionRow): Promise<void>;
  getConnection(tenantId: string, id: string): Promise<ConnectionRow | undefined>;
  listConnections(tenantId: string, filter: ConnectionFilter, page: PageRequest): Promise<ConnectionRow[]>;
  updateConnection(tenantId: string, id: string, patch: Updateable<ConnectionsTable>): Promise<void>;
  /** Set the status (and last_error) of every connection of a grant. */
  setGrantConnectionsStatus(grantId: string, status: GrantStatus, lastError: string | null, at: string): Promise<void>;
  deleteConnection(tenantId: string, id: string): Promise<boolean>;
  countConnectionsOfGrant(grantId: string): Promise<number>;

  insertOAuthFlow(row: OAuthFlowRow): Promise<void>;
  getOAuthFlow(id: string): Promise<OAuthFlowRow | undefined>;
  /** Mark a flow used if it was not yet; answers whether this call did (single use under races). */
  consumeOAuthFlow(id: string, at: string): Promise<boolean>;
  updateOAuthFlow(id: string, patch: Updateable<OAuthFlowsTable>): Promise<void>;

  insertConnectSession(row: ConnectSessionRow): Promise<void>;
  getConnectSessionByTokenHash(tokenHash: string): Promise<ConnectSessionRow | undefined>;
  consumeConnectSession(id: string, at: string): Promise<boolean>;

  /** Bind an unbound, unused flow to a browser (binding_hash '' → hash); answers whether this call did. */
  bindOAuthFlow(id: string, bindingHash: string): Promise<boolean>;
  /** Compare-and-swap a flow's data: only if it is still `expect`. */
  replaceOAuthFlowData(id: string, expect: string, next: string): Promise<boolean>;
  /** Delete flows that expired before `before`; answers their ids (their secrets are the caller's to delete). */
  deleteExpiredOAuthFlows(before: string): Promise<string[]>;
  deleteExpiredConnectSessions(before: string): Promise<number>;
  /** A tenant's connections of one provider and account: where a reconnect finds the one it replaces. */
  findConnectionsByAccount(tenantId: string, provider: string, accountId: string): Promise<ConnectionRow[]>;
}

export class KyselyConnectionStore implements ConnectionStore {
  readonly #q: Kysely<Database> | Transaction<Database>;

  constructor(q: Kysely<Database> | Transaction<Database>) {
    this.#q = q;
  }

  async putOAuthApp(row: OAuthAppRow): Promise<OAuthAppRow> {
    await this.#q
      .insertInto('oauth_apps')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'provider']).doUpdateSet({ client_id: row.client_id, updated_at: row.updated_at }),
      )
      .execute();
    const stored = await this.getOAuthApp(row.tenant_id, row.provider);
    if (stored === undefined) throw new Error('oauth app vanished after upsert');
    return stored;
  }

  getOAuthApp(tenantId: string, provider: string): Promise<OAuthAppRow | undefined> {
    return this.#q
      .selectFrom('oauth_apps')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .executeTakeFirst();
  }

  listOAuthApps(tenantId: string): Promise<OAuthAppRow[]> {
    return this.#q.selectFrom('oauth_apps').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
  }

  async deleteOAuthApp(tenantId: string, provider: string): Promise<OAuthAppRow | undefined> {
    const row = await this.getOAuthApp(tenantId, provider);
    if (row !== undefined) await this.#q.deleteFrom('oauth_apps').where('id', '=', row.id).execute();
    return row;
  }

  async insertGrant(row: GrantRow): Promise<void> {
    await this.#q.insertInto('grants').values(row).execute();
  }

  getGrant(id: string): Promise<GrantRow | undefined> {
    return this.#q.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async getGrants(ids: string[]): Promise<GrantRow[]> {
    if (ids.length === 0) return [];
    return this.#q.selectFrom('grants').selectAll().where('id', 'in', ids).execute();
  }

  async updateGrantIfVersion(id: string, expectVersion: number, patch: Updateable<GrantsTable>): Promise<boolean> {
    const res = await this.#q
      .updateTable('grants')
      .set(patch)
      .where('id', '=', id)
      .where('version', '=', expectVersion)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async updateGrant(id: string, patch: Updateable<GrantsTable>): Promise<void> {
    await this.#q.updateTable('grants').set(patch).where('id', '=', id).execute();
  }

  async acquireGrantLease(id: string, owner: string, now: string, until: string): Promise<boolean> {
    const res = await this.#q
      .updateTable('grants')
      .set({ lease_owner: owner, lease_until: until })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now), eb('lease_owner', '=', owner)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async releaseGrantLease(id: string, owner: string): Promise<void> {
    await this.#q
      .updateTable('grants')
      .set({ lease_owner: null, lease_until: null })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  listIdleOAuthGrants(before: string, limit: number): Promise<GrantRow[]> {
    return this.#q
      .selectFrom('grants')
      .selectAll()
      .where('auth_type', '=', 'oauth2')
      .where('status', '=', 'active')
      .where((eb) =>
        eb.or([
          eb('refreshed_at', '<', before),
          eb.and([eb('refreshed_at', 'is', null), eb('created_at', '<', before)]),
        ]),
      )
      .orderBy('refreshed_at')
      .limit(limit)
      .execute();
  }

  listOAuthGrantsConsentedBefore(before: string, limit: number): Promise<GrantRow[]> {
    return this.#q
      .selectFrom('grants')
      .selectAll()
      .where('auth_type', '=', 'oauth2')
      .where('status', '=', 'active')
      .where('consented_at', '<', before)
      .orderBy('consented_at')
      .limit(limit)
      .execute();
  }

  async deleteGrant(id: string): Promise<void> {
    await this.#q.deleteFrom('grants').where('id', '=', id).execute();
  }

  async insertConnection(row: ConnectionRow): Promise<void> {
    await this.#q.insertInto('connections').values(row).execute();
  }

  getConnection(tenantId: string, id: string): Promise<ConnectionRow | undefined> {
    return this.#q
      .selectFrom('connections')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  listConnections(tenantId: string, filter: ConnectionFilter, page: PageRequest): Promise<ConnectionRow[]> {
    let q = this.#q
      .selectFrom('connections')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('id')
      .limit(page.limit);
    if (filter.provider !== undefined) q = q.where('provider', '=', filter.provider);
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    if (filter.grantId !== undefined) q = q.where('grant_id', '=', filter.grantId);
    if (page.after !== undefined) q = q.where('id', '>', page.after);
    return q.execute();
  }

  async updateConnection(tenantId: string, id: string, patch: Updateable<ConnectionsTable>): Promise<void> {
    await this.#q
      .updateTable('connections')
      .set(patch)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async setGrantConnectionsStatus(
    grantId: string,
    status: GrantStatus,
    lastError: string | null,
    at: string,
  ): Promise<void> {
    await this.#q
      .updateTable('connections')
      .set({ status, last_error: lastError, updated_at: at })
      .where('grant_id', '=', grantId)
      .execute();
  }

  async deleteConnection(tenantId: string, id: string): Promise<boolean> {
    const res = await this.#q
      .deleteFrom('connections')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  async countConnectionsOfGrant(grantId: string): Promise<number> {
    const row = await this.#q
      .selectFrom('connections')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('grant_id', '=', grantId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertOAuthFlow(row: OAuthFlowRow): Promise<void> {
    await this.#q.insertInto('oauth_flows').values(row).execute();
  }

  getOAuthFlow(id: string): Promise<OAuthFlowRow | undefined> {
    return this.#q.selectFrom('oauth_flows').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async consumeOAuthFlow(id: string, at: string): Promise<boolean> {
    const res = await this.#q
      .updateTable('oauth_flows')
      .set({ used_at: at })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async updateOAuthFlow(id: string, patch: Updateable<OAuthFlowsTable>): Promise<void> {
    await this.#q.updateTable('oauth_flows').set(patch).where('id', '=', id).execute();
  }

  async insertConnectSession(row: ConnectSessionRow): Promise<void> {
    await this.#q.insertInto('connect_sessions').values(row).execute();
  }

  getConnectSessionByTokenHash(tokenHash: string): Promise<ConnectSessionRow | undefined> {
    return this.#q.selectFrom('connect_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  async consumeConnectSession(id: string, at: string): Promise<boolean> {
    const res = await this.#q
      .updateTable('connect_sessions')
      .set({ used_at: at })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async bindOAuthFlow(id: string, bindingHash: string): Promise<boolean> {
    const res = await this.#q
      .updateTable('oauth_flows')
      .set({ binding_hash: bindingHash })
      .where('id', '=', id)
      .where('binding_hash', '=', '')
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async replaceOAuthFlowData(id: string, expect: string, next: string): Promise<boolean> {
    const res = await this.#q
      .updateTable('oauth_flows')
      .set({ data: next })
      .where('id', '=', id)
      .where('data', '=', expect)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async deleteExpiredOAuthFlows(before: string): Promise<string[]> {
    const rows = await this.#q.deleteFrom('oauth_flows').where('expires_at', '<', before).returning('id').execute();
    return rows.map((r) => r.id);
  }

  async deleteExpiredConnectSessions(before: string): Promise<number> {
    const res = await this.#q.deleteFrom('connect_sessions').where('expires_at', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  findConnectionsByAccount(tenantId: string, provider: string, accountId: string): Promise<ConnectionRow[]> {
    return this.#q
      .selectFrom('connections')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .where('account_id', '=', accountId)
      .orderBy('id')
      .execute();
  }
}
