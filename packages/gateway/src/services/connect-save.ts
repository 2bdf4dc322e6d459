import { grantSecretFields } from '../auth/credential.js';
import type { TokenSet } from '../auth/oauth-client.js';
import type { Product } from '../providers/types.js';
import type { ConnectionRow, OAuthFlowRow } from '../store/connection-store.js';
import { newId } from '../store/ids.js';
import type { Store } from '../store/store.js';
import { type ConnectDeps, FLOW_SECRETS, type FlowData } from './connect-flow.js';
import { SecretService } from './secrets.js';

/** One connection the flow makes: a granted site (Atlassian) or the account (Bitbucket, Data Center). */
export interface NewConnection {
  siteUrl: string | null;
  cloudId: string | null;
  siteName: string | null;
  accountId: string;
  accountName: string;
  products: Product[];
  scopes: string[];
}

const siteKey = (c: { cloud_id: string | null; site_url: string | null }) => c.cloud_id ?? c.site_url ?? '';

/** An OAuth connection of the same account and site in this tenant: a reconnect replaces its grant. */
async function existingConnection(tx: Store, flow: OAuthFlowRow, c: NewConnection): Promise<ConnectionRow | undefined> {
  const key = c.cloudId ?? c.siteUrl ?? '';
  for (const row of await tx.connections.findConnectionsByAccount(flow.tenant_id, flow.provider, c.accountId)) {
    if (siteKey(row) !== key) continue;
    if ((await tx.connections.getGrant(row.grant_id))?.auth_type === 'oauth2') return row;
  }
  return undefined;
}

function nameOf(data: FlowData, c: NewConnection, providerName: string, several: boolean): string {
  const where = c.siteName ?? (c.siteUrl === null ? c.accountName : new URL(c.siteUrl).host);
  if (data.name === undefined) return c.siteName ?? `${providerName} (${where})`;
  return several ? `${data.name} (${where})` : data.name;
}

async function insertGrant(
  tx: Store,
  deps: ConnectDeps,
  flow: OAuthFlowRow,
  data: FlowData,
  tokens: TokenSet,
  at: string,
) {
  const grantId = newId('grt');
  const tenant = flow.tenant_id;
  await tx.connections.insertGrant({
    id: grantId,
    tenant_id: tenant,
    provider: flow.provider,
    auth_type: 'oauth2',
    oauth_app_id: data.oauth_app_id,
    username: null,
    status: 'active',
    version: 1,
    scopes: JSON.stringify(tokens.scopes.length > 0 ? tokens.scopes : data.scopes),
    expires_at: tokens.expiresAt ?? null,
    refreshed_at: at,
    consented_at: at,
    last_used_at: null,
    last_error: null,
    lease_owner: null,
    lease_until: null,
    created_at: at,
    updated_at: at,
  });
  const secrets = new SecretService(tx, deps.keyring);
  await secrets.put(tenant, 'grants', grantId, grantSecretFields.accessToken, tokens.accessToken);
  if (tokens.refreshToken !== undefined) {
    await secrets.put(tenant, 'grants', grantId, grantSecretFields.refreshToken, tokens.refreshToken);
  }
  return grantId;
}

/** Put one connection on the grant: a new row, or the tenant's existing one for this account and site. */
async function placeConnection(
  tx: Store,
  flow: OAuthFlowRow,
  data: FlowData,
  c: NewConnection & { name: string; grantId: string; at: string },
): Promise<{ id: string; replacedGrant?: string }> {
  const metadata = Object.keys(data.metadata).length > 0 ? JSON.stringify(data.metadata) : undefined;
  const common = {
    grant_id: c.grantId,
    site_url: c.siteUrl,
    account_name: c.accountName,
    products: JSON.stringify(c.products),
    scopes: JSON.stringify(c.scopes),
    status: 'active' as const,
    last_error: null,
    updated_at: c.at,
  };
  const old = await existingConnection(tx, flow, c);
  if (old !== undefined) {
    await tx.connections.updateConnection(flow.tenant_id, old.id, {
      ...common,
      ...(data.name === undefined ? {} : { name: c.name }),
      ...(metadata === undefined ? {} : { metadata }),
    });
    return { id: old.id, replacedGrant: old.grant_id };
  }
  const id = newId('con');
  await tx.connections.insertConnection({
    ...common,
    id,
    tenant_id: flow.tenant_id,
    provider: flow.provider,
    name: c.name,
    cloud_id: c.cloudId,
    account_id: c.accountId,
    auth_hint: null,
    ca_pem: null,
    metadata: metadata ?? '{}',
    last_used_at: null,
    created_at: c.at,
  });
  return { id };
}

/**
 * Store what a finished flow produced, in one transaction: a new grant (version 1, tokens encrypted) and a
 * connection per site, or, for an account and site this tenant already connected, the existing
 * connection moved to the new grant (the old grant goes when nothing uses it any more). The flow records
 * its result and loses its secrets. Answers the connection ids.
 */
export async function saveGrant(
  deps: ConnectDeps,
  flow: OAuthFlowRow,
  data: FlowData,
  tokens: TokenSet,
  conns: NewConnection[],
  providerName: string,
): Promise<string[]> {
  const at = new Date().toISOString();
  return deps.store.transaction(async (tx) => {
    const grantId = await insertGrant(tx, deps, flow, data, tokens, at);
    const ids: string[] = [];
    const replaced = new Set<string>();
    for (const c of conns) {
      const name = nameOf(data, c, providerName, conns.length > 1);
      const placed = await placeConnection(tx, flow, data, { ...c, name, grantId, at });
      ids.push(placed.id);
      if (placed.replacedGrant !== undefined) replaced.add(placed.replacedGrant);
    }
    for (const oldGrant of replaced) {
      if (oldGrant === grantId || (await tx.connections.countConnectionsOfGrant(oldGrant)) > 0) continue;
      await tx.deleteSecrets('grants', oldGrant);
      await tx.connections.deleteGrant(oldGrant);
    }
    await tx.deleteSecrets(FLOW_SECRETS, flow.id);
    const { pending: _pending, ...rest } = data;
    await tx.connections.updateOAuthFlow(flow.id, {
      data: JSON.stringify({ ...rest, result: { connection_ids: ids } }),
    });
    return ids;
  });
}
