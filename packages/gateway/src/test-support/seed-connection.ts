import { grantSecretFields } from '../auth/credential.js';
import type { ProviderId } from '../providers/types.js';
import { tokenGrantRow } from '../services/grant-row.js';
import { SecretService } from '../services/secrets.js';
import { newId } from '../store/ids.js';
import type { AuthType } from '../store/schema.js';
import type { Store } from '../store/store.js';

export interface SeedTokenConnection {
  tenantId: string;
  provider: ProviderId;
  authType: Exclude<AuthType, 'oauth2'>;
  /** Email or username (Basic); null for Bearer tokens. */
  username: string | null;
  secret: string;
  /** Site or Data Center base URL; null for Bitbucket Cloud. */
  siteUrl: string | null;
  /** Set for an Atlassian scoped API token (routed through /ex/{product}/{cloudId}). */
  cloudId?: string;
  products: string[];
}

/**
 * A token connection written straight through the store and SecretService, as POST /v1/connections would
 * save it, for upstreams that cannot answer the live account check (a Prism mock sends no X-AUSERNAME,
 * serves no /_edge/tenant_info). Answers the connection id.
 */
export async function seedTokenConnection(
  deps: { store: Store; secrets: SecretService },
  seed: SeedTokenConnection,
): Promise<string> {
  const at = new Date().toISOString();
  const grantId = newId('grt');
  const connectionId = newId('con');
  const field = seed.authType === 'basic' || seed.authType === 'app_password' ? 'password' : 'token';
  await deps.store.transaction(async (tx) => {
    await tx.connections.insertGrant(
      tokenGrantRow({
        id: grantId,
        tenantId: seed.tenantId,
        provider: seed.provider,
        authType: seed.authType,
        username: seed.username,
        at,
      }),
    );
    await new SecretService(tx, deps.secrets.keyring).put(
      seed.tenantId,
      'grants',
      grantId,
      grantSecretFields[field],
      seed.secret,
    );
    await tx.connections.insertConnection({
      id: connectionId,
      tenant_id: seed.tenantId,
      provider: seed.provider,
      grant_id: grantId,
      name: `seeded ${seed.provider}`,
      site_url: seed.siteUrl,
      cloud_id: seed.cloudId ?? null,
      account_id: 'seeded',
      account_name: 'Seeded',
      products: JSON.stringify(seed.products),
      scopes: '[]',
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
  return connectionId;
}
