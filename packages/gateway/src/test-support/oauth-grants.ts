import { grantSecretFields } from '../auth/credential.js';
import type { TokenSet } from '../auth/oauth-client.js';
import { putOAuthApp } from '../services/oauth-apps.js';
import { SecretService } from '../services/secrets.js';
import type { GrantRow } from '../store/connection-store.js';
import { newId } from '../store/ids.js';
import type { Store } from '../store/store.js';
import type { TestOAuthServer } from './oauth-server.js';
import { obtainTokens, registerTestClient, type TestClient, testProviderOf } from './oauth-tokens.js';

/**
 * Gateway environment for a runtime whose OAuth grants live at a test OAuth server: the endpoints point
 * at it and the global OAuth client (grants with oauth_app_id 'env') is `client`.
 */
export function oauthEnv(server: TestOAuthServer, client: TestClient): Record<string, string> {
  // Data Center has no global client (seedOAuthGrant sets a tenant OAuth app); its instance is on 127.0.0.1.
  if (server.flavor === 'data-center') {
    return { SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1', SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1' };
  }
  return server.flavor === 'bitbucket'
    ? {
        BITBUCKET_AUTH_URL: server.url,
        BITBUCKET_API_URL: server.url,
        BITBUCKET_CLIENT_ID: client.clientId,
        BITBUCKET_CLIENT_SECRET: client.clientSecret,
      }
    : {
        ATLASSIAN_AUTH_URL: server.url,
        ATLASSIAN_API_URL: server.url,
        ATLASSIAN_CLIENT_ID: client.clientId,
        ATLASSIAN_CLIENT_SECRET: client.clientSecret,
      };
}

export interface SeededGrant {
  grantId: string;
  connectionId: string;
  tenantId: string;
  tokens: TokenSet;
}

/**
 * Consent at the test server and store the result the way a finished connect flow does (a grant with
 * its tokens encrypted, version 1, and one connection), straight through the store and SecretService.
 * `expired` backdates the access token so the next authorize() must refresh.
 */
export async function seedOAuthGrant(
  deps: { store: Store; secrets: SecretService },
  server: TestOAuthServer,
  client: TestClient,
  opts: { expired?: boolean; tenantId?: string } = {},
): Promise<SeededGrant> {
  const tokens = await obtainTokens(server, client);
  const tenantId = opts.tenantId ?? (await deps.store.getTenantBySlug('default'))?.id;
  if (tenantId === undefined) throw new Error('no tenant to seed the grant in');
  const now = new Date();
  const at = now.toISOString();
  const grantId = newId('grt');
  const connectionId = newId('con');
  const provider = testProviderOf(server);
  const cloud = server.flavor === 'atlassian';
  const appId =
    server.flavor === 'data-center'
      ? (await putOAuthApp(deps, tenantId, provider, { clientId: client.clientId, clientSecret: client.clientSecret }))
          .id
      : 'env';
  await deps.store.transaction(async (tx) => {
    const row = grantRow({ grantId, tenantId, provider, tokens, at, expired: opts.expired === true });
    await tx.connections.insertGrant({ ...row, oauth_app_id: appId });
    const secrets = new SecretService(tx, deps.secrets.keyring);
    await secrets.put(tenantId, 'grants', grantId, grantSecretFields.accessToken, tokens.accessToken);
    if (tokens.refreshToken !== undefined) {
      await secrets.put(tenantId, 'grants', grantId, grantSecretFields.refreshToken, tokens.refreshToken);
    }
    await tx.connections.insertConnection({
      id: connectionId,
      tenant_id: tenantId,
      provider,
      grant_id: grantId,
      name: 'seeded',
      site_url: server.flavor === 'bitbucket' ? null : server.url,
      cloud_id: cloud ? '11111111-2222-4333-8444-555555555555' : null,
      account_id: server.user.accountId,
      account_name: server.user.displayName,
      products: JSON.stringify(
        cloud ? ['jira', 'confluence'] : server.flavor === 'bitbucket' ? ['bitbucket'] : ['jira'],
      ),
      scopes: JSON.stringify(tokens.scopes),
      status: 'active',
      auth_hint: null,
      ca_pem: null,
      metadata: '{}',
      last_used_at: null,
      last_error: null,
      created_at: at,
      updated_at: at,
    });
  });
  return { grantId, connectionId, tenantId, tokens };
}

function grantRow(p: {
  grantId: string;
  tenantId: string;
  provider: string;
  tokens: TokenSet;
  at: string;
  expired: boolean;
}): GrantRow {
  const expiresAt = p.expired ? new Date(Date.now() - 60_000).toISOString() : (p.tokens.expiresAt ?? null);
  return {
    id: p.grantId,
    tenant_id: p.tenantId,
    provider: p.provider,
    auth_type: 'oauth2',
    oauth_app_id: 'env',
    username: null,
    status: 'active',
    version: 1,
    scopes: JSON.stringify(p.tokens.scopes),
    expires_at: expiresAt,
    refreshed_at: p.expired ? new Date(Date.now() - 3_660_000).toISOString() : p.at,
    consented_at: p.at,
    last_used_at: null,
    last_error: null,
    lease_owner: null,
    lease_until: null,
    created_at: p.at,
    updated_at: p.at,
  };
}

/** A test OAuth client registered at `server` plus the grant seeded for it. */
export async function clientAndEnv(server: TestOAuthServer) {
  const client = await registerTestClient(server);
  return { client, env: oauthEnv(server, client) };
}
