import type { Config } from '../config/load.js';
import { AppError } from '../errors/app-error.js';
import { requireProvider } from '../providers/registry.js';
import type { ProviderDefinition } from '../providers/types.js';
import type { OAuthAppRow } from '../store/connection-store.js';
import { newId, nowIso } from '../store/ids.js';
import type { Store } from '../store/store.js';
import { SecretService } from './secrets.js';

/** The OAuth client a flow or a refresh uses: the tenant's own app, else the global one from the environment. */
export interface ResolvedOAuthClient {
  /** oauth_apps.id, or 'env' for the global fallback (stored on the grant so refreshes use the same client). */
  appId: string;
  clientId: string;
  clientSecret: string;
  /** A redirect URI registered with this client when it differs from <public url>/oauth/callback. */
  redirectUri?: string;
}

const SECRET_TABLE = 'oauth_apps';
const SECRET_FIELD = 'client_secret';

function envClient(config: Config, def: ProviderDefinition): ResolvedOAuthClient | undefined {
  if (def.oauth?.envClient === 'atlassian' && config.atlassianClientId && config.atlassianClientSecret) {
    return { appId: 'env', clientId: config.atlassianClientId, clientSecret: config.atlassianClientSecret };
  }
  if (def.oauth?.envClient === 'bitbucket' && config.bitbucketClientId && config.bitbucketClientSecret) {
    const client: ResolvedOAuthClient = {
      appId: 'env',
      clientId: config.bitbucketClientId,
      clientSecret: config.bitbucketClientSecret,
    };
    if (config.bitbucketRedirectUri !== undefined) client.redirectUri = config.bitbucketRedirectUri;
    return client;
  }
  return undefined;
}

/**
 * The client for (tenant, provider). With `appId` (from a grant), exactly that app: a grant must be
 * refreshed with the client that obtained it. Throws NOT_CONNECTED when none is configured.
 */
export async function resolveOAuthClient(
  deps: { store: Store; secrets: SecretService; config: Config },
  tenantId: string,
  providerId: string,
  appId?: string,
): Promise<ResolvedOAuthClient> {
  const def = requireProvider(providerId);
  if (def.oauth === undefined) {
    throw new AppError('VALIDATION', `Provider ${providerId} has no OAuth 2.0 flow. Use a token connection.`);
  }
  if (appId !== 'env') {
    const app = await deps.store.connections.getOAuthApp(tenantId, providerId);
    if (app !== undefined && (appId === undefined || app.id === appId)) {
      const secret = await deps.secrets.get(tenantId, SECRET_TABLE, app.id, SECRET_FIELD);
      if (secret !== undefined) return { appId: app.id, clientId: app.client_id, clientSecret: secret };
    }
  }
  if (appId === undefined || appId === 'env') {
    const fallback = envClient(deps.config, def);
    if (fallback !== undefined) return fallback;
  }
  throw new AppError(
    'NOT_CONNECTED',
    appId === undefined
      ? `No OAuth app is configured for ${providerId}. Set one with PUT /v1/oauth-apps/${providerId} (client_id and client_secret)${def.oauth.envClient ? ' or the global one in the environment' : ''}.`
      : `The OAuth app that authorised this grant is gone. Configure it again (PUT /v1/oauth-apps/${providerId}) and reconnect.`,
  );
}

/** Set a tenant's OAuth app; the secret is encrypted, the answer never carries it. */
export async function putOAuthApp(
  deps: { store: Store; secrets: SecretService },
  tenantId: string,
  providerId: string,
  body: { clientId: string; clientSecret: string },
): Promise<OAuthAppRow> {
  const def = requireProvider(providerId);
  if (def.oauth === undefined) throw new AppError('VALIDATION', `Provider ${providerId} has no OAuth 2.0 flow.`);
  const at = nowIso();
  return deps.store.transaction(async (tx) => {
    const row = await tx.connections.putOAuthApp({
      id: newId('oap'),
      tenant_id: tenantId,
      provider: providerId,
      client_id: body.clientId,
      created_at: at,
      updated_at: at,
    });
    await new SecretService(tx, deps.secrets.keyring).put(
      tenantId,
      SECRET_TABLE,
      row.id,
      SECRET_FIELD,
      body.clientSecret,
    );
    return row;
  });
}

export async function deleteOAuthApp(
  deps: { store: Store; secrets: SecretService },
  tenantId: string,
  providerId: string,
): Promise<boolean> {
  return deps.store.transaction(async (tx) => {
    const row = await tx.connections.deleteOAuthApp(tenantId, providerId);
    if (row === undefined) return false;
    await tx.deleteSecrets(SECRET_TABLE, row.id);
    return true;
  });
}
