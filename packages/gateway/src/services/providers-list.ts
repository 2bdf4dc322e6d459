import type { Provider, ProviderOAuth } from '@switchyard/sdk';
import type { Config } from '../config/load.js';
import { providerIds, providers } from '../providers/registry.js';
import type { OAuthDefinition, ProviderDefinition } from '../providers/types.js';
import type { Store } from '../store/store.js';

/** Whether the gateway has a global OAuth client from the environment for this provider. */
function environmentClient(config: Config, oauth: OAuthDefinition): boolean {
  if (oauth.envClient === 'atlassian') return Boolean(config.atlassianClientId && config.atlassianClientSecret);
  if (oauth.envClient === 'bitbucket') return Boolean(config.bitbucketClientId && config.bitbucketClientSecret);
  return false;
}

function oauthOf(def: ProviderDefinition, config: Config, tenantApp: boolean): ProviderOAuth | null {
  if (def.oauth === undefined) return null;
  const env = environmentClient(config, def.oauth);
  const scopes =
    def.oauth.envClient === 'atlassian' && config.atlassianScopes.length > 0
      ? config.atlassianScopes
      : def.oauth.defaultScopes;
  return {
    default_scopes: [...scopes],
    required_scopes: [...def.oauth.requiredScopes],
    pkce: def.oauth.pkce,
    needs_base_url: def.oauth.needsBaseUrl,
    client_configured: tenantApp || env,
    client_source: tenantApp ? 'tenant' : env ? 'environment' : null,
  };
}

/** GET /v1/providers: every provider, its auth methods and fields, and its OAuth details for this tenant. No secrets. */
export async function listProviders(
  deps: { store: Store; config: Config },
  tenantId: string,
): Promise<{ items: Provider[] }> {
  const apps = new Set((await deps.store.connections.listOAuthApps(tenantId)).map((a) => a.provider));
  return {
    items: providerIds.map((id) => {
      const def = providers[id];
      return {
        id: def.id,
        name: def.name,
        deployment: def.deployment,
        products: [...def.products],
        auth_methods: def.authMethods.map((m) => ({
          id: m.id,
          description: m.description,
          fields: m.fields.map((f) => ({ name: f.name, secret: f.secret, description: f.description })),
          warning: m.warning ?? null,
        })),
        oauth: oauthOf(def, deps.config, apps.has(id)),
        docs: def.docs,
      };
    }),
  };
}
