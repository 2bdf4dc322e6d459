import type { TokenSet } from '../auth/oauth-client.js';
import { bindingCookieName } from '../auth/state.js';
import { AppError } from '../errors/app-error.js';
import { requireProvider } from '../providers/registry.js';
import type { ProviderDefinition } from '../providers/types.js';
import type { OAuthFlowRow } from '../store/connection-store.js';
import { type LookupTarget, lookupAccount } from './account-lookup.js';
import { type ConnectDeps, FLOW_SECRETS, type FlowData, type GrantedSite } from './connect-flow.js';
import { type BrowserOutcome, type FlowErrorCode, flowFailure, flowSuccess } from './connect-outcome.js';
import { urlContext } from './connect-request.js';
import { type NewConnection, saveGrant } from './connect-save.js';
import { productsOf } from './connect-sites.js';

/** End a flow that was ours (consumed) in failure: record why, drop its secrets, tell the browser. */
export async function failFlow(
  deps: ConnectDeps,
  flow: OAuthFlowRow,
  data: FlowData,
  error: FlowErrorCode,
  description: string,
): Promise<BrowserOutcome> {
  const { pending: _pending, ...rest } = data;
  await deps.store.transaction(async (tx) => {
    await tx.deleteSecrets(FLOW_SECRETS, flow.id);
    await tx.connections.updateOAuthFlow(flow.id, {
      data: JSON.stringify({ ...rest, result: { error, error_description: description } }),
    });
  });
  deps.logger.info(
    { flow_id: flow.id, tenant_id: flow.tenant_id, provider: flow.provider, error },
    'oauth flow failed',
  );
  return flowFailure(data, error, description, bindingCookieName(flow.id));
}

/** The API root the account is looked up at, per connection to be. */
function target(deps: ConnectDeps, def: ProviderDefinition, data: FlowData, site?: GrantedSite): LookupTarget {
  const ctx = urlContext(deps.config, data.base_url);
  if (site === undefined) return { provider: def.id, apiUrl: def.apiBase(ctx), products: [...def.products] };
  const products = productsOf(site.scopes, def.products);
  const product = products.includes('jira') ? 'jira' : 'confluence';
  return { provider: def.id, apiUrl: `${ctx.endpoints.atlassianApiUrl}/ex/${product}/${site.cloudId}`, products };
}

async function describe(
  deps: ConnectDeps,
  def: ProviderDefinition,
  data: FlowData,
  tokens: TokenSet,
  site?: GrantedSite,
): Promise<NewConnection> {
  const t = target(deps, def, data, site);
  const account = await lookupAccount(t, `Bearer ${tokens.accessToken}`, {
    dispatcher: deps.upstream.forUrl(t.apiUrl),
  });
  const granted = tokens.scopes.length > 0 ? tokens.scopes : data.scopes;
  return {
    siteUrl: site?.url ?? data.base_url ?? null,
    cloudId: site?.cloudId ?? null,
    siteName: site?.name ?? null,
    accountId: account.accountId,
    accountName: account.accountName,
    products: t.products,
    scopes: site !== undefined && site.scopes.length > 0 ? site.scopes : granted,
  };
}

/**
 * Finish a flow with tokens in hand: look up the account for each chosen site (or the one account), store
 * the grant and its connections, and send the browser back with the connection ids.
 */
export async function finishFlow(
  deps: ConnectDeps,
  flow: OAuthFlowRow,
  data: FlowData,
  tokens: TokenSet,
  sites: GrantedSite[] | undefined,
): Promise<BrowserOutcome> {
  const def = requireProvider(flow.provider);
  let conns: NewConnection[];
  try {
    conns =
      sites === undefined
        ? [await describe(deps, def, data, tokens)]
        : await Promise.all(sites.map((site) => describe(deps, def, data, tokens, site)));
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return failFlow(deps, flow, data, 'account_lookup_failed', `Could not read the signed-in account: ${err.message}`);
  }
  const ids = await saveGrant(deps, flow, data, tokens, conns, def.name);
  deps.logger.info(
    { flow_id: flow.id, tenant_id: flow.tenant_id, provider: flow.provider, connection_ids: ids },
    'oauth flow completed',
  );
  return flowSuccess(data, ids, bindingCookieName(flow.id));
}
