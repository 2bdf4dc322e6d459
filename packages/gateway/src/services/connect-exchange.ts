import { fetch as undiciFetch } from 'undici';
import { exchangeCode, type TokenSet } from '../auth/oauth-client.js';
import { requireProvider } from '../providers/registry.js';
import type { OAuthFlowRow } from '../store/connection-store.js';
import { type ConnectDeps, FLOW_SECRETS, type FlowData, flowSecretFields } from './connect-flow.js';
import { urlContext } from './connect-request.js';
import { resolveOAuthClient } from './oauth-apps.js';

/** A fetch that sends through the dispatcher for `url` (host-guarded for Data Center instances). */
function fetchVia(deps: ConnectDeps, url: string): typeof fetch {
  const dispatcher = deps.upstream.forUrl(url);
  return ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}

/**
 * Trade the authorization code for tokens with the client that started the flow (and its PKCE verifier).
 * Throws OAuthGrantError when the token endpoint refuses, AppError when the OAuth app is gone.
 */
export async function exchangeFlowCode(
  deps: ConnectDeps,
  flow: OAuthFlowRow,
  data: FlowData,
  code: string,
): Promise<TokenSet> {
  const def = requireProvider(flow.provider);
  if (def.oauth === undefined) throw new Error(`provider ${flow.provider} has no OAuth flow`);
  const client = await resolveOAuthClient(deps, flow.tenant_id, flow.provider, data.oauth_app_id);
  const verifier = data.pkce
    ? await deps.secrets.get(flow.tenant_id, FLOW_SECRETS, flow.id, flowSecretFields.codeVerifier)
    : undefined;
  if (data.pkce && verifier === undefined) throw new Error('the PKCE verifier of the flow is missing');
  const ctx = urlContext(deps.config, data.base_url);
  const tokenUrl = def.oauth.tokenUrl(ctx);
  return exchangeCode(
    def.oauth,
    ctx,
    client,
    { code, redirectUri: data.redirect_uri, ...(verifier === undefined ? {} : { codeVerifier: verifier }) },
    { fetch: fetchVia(deps, tokenUrl) },
  );
}
