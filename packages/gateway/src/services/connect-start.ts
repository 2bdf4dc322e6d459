import type { ConnectBody } from '@switchyard/sdk';
import { buildAuthorizationUrl, createPkce } from '../auth/oauth-client.js';
import { bindingCookieName, bindingHash, bindingMatches, newBinding, newFlowId, stateSigner } from '../auth/state.js';
import { nowIso } from '../store/ids.js';
import {
  type ConnectDeps,
  FLOW_SECRETS,
  FLOW_TTL_MS,
  type FlowData,
  flowSecretFields,
  parseFlowData,
  publicBaseUrl,
  purgeExpired,
} from './connect-flow.js';
import { type BrowserOutcome, flowFailure, untrusted } from './connect-outcome.js';
import { type CheckedRequest, checkConnectRequest, redirectUriFor, urlContext } from './connect-request.js';
import { resolveOAuthClient } from './oauth-apps.js';
import { SecretService } from './secrets.js';

export interface StartedFlow {
  flowId: string;
  /** On the gateway: opening it binds the browser and redirects to the provider. */
  authorizeUrl: string;
  /** The provider's own authorization URL. */
  providerUrl: string;
  expiresAt: string;
  /** With `bind`: the cookie to set on the browser that follows `providerUrl`. */
  cookie?: { name: string; value: string };
}

function flowData(
  req: CheckedRequest,
  p: { redirectUri: string; appId: string; providerUrl: string; pkce: boolean },
): FlowData {
  return {
    scopes: req.scopes,
    metadata: req.metadata,
    redirect_uri: p.redirectUri,
    oauth_app_id: p.appId,
    authorize_url: p.providerUrl,
    pkce: p.pkce,
    ...(req.returnUrl === undefined ? {} : { return_url: req.returnUrl }),
    ...(req.site === undefined ? {} : { site: req.site }),
    ...(req.baseUrl === undefined ? {} : { base_url: req.baseUrl }),
    ...(req.name === undefined ? {} : { name: req.name }),
  };
}

/**
 * Start an OAuth flow for a tenant: check the request, resolve the OAuth client, store the flow (its PKCE
 * verifier encrypted) and answer the URL to open. With `bind`, the flow is bound to the caller's browser at
 * once (`?redirect=true`, connect sessions); otherwise the first browser to open `authorizeUrl` is.
 */
export async function startConnect(
  deps: ConnectDeps,
  tenantId: string,
  providerId: string,
  body: ConnectBody,
  opts: { bind?: boolean } = {},
): Promise<StartedFlow> {
  const req = await checkConnectRequest(deps.config, providerId, body);
  const client = await resolveOAuthClient(deps, tenantId, providerId);
  const now = new Date();
  await purgeExpired(deps.store, now);
  const flowId = newFlowId();
  const state = stateSigner(deps.config, deps.keyring).sign(flowId);
  const pkce = req.def.oauth.pkce ? await createPkce() : undefined;
  const redirectUri = redirectUriFor(deps.config, client);
  const providerUrl = buildAuthorizationUrl(req.def.oauth, urlContext(deps.config, req.baseUrl), {
    clientId: client.clientId,
    redirectUri,
    scopes: req.scopes,
    state,
    ...(pkce === undefined ? {} : { codeChallenge: pkce.challenge }),
  }).toString();
  const data = flowData(req, { redirectUri, appId: client.appId, providerUrl, pkce: pkce !== undefined });
  const binding = opts.bind === true ? newBinding() : undefined;
  const expiresAt = new Date(now.getTime() + FLOW_TTL_MS).toISOString();
  await deps.store.transaction(async (tx) => {
    await tx.connections.insertOAuthFlow({
      id: flowId,
      tenant_id: tenantId,
      provider: providerId,
      binding_hash: binding === undefined ? '' : bindingHash(binding),
      data: JSON.stringify(data),
      grant_id: null,
      expires_at: expiresAt,
      used_at: null,
      created_at: now.toISOString(),
    });
    if (pkce !== undefined) {
      const secrets = new SecretService(tx, deps.keyring);
      await secrets.put(tenantId, FLOW_SECRETS, flowId, flowSecretFields.codeVerifier, pkce.verifier);
    }
  });
  deps.logger.info({ flow_id: flowId, tenant_id: tenantId, provider: providerId }, 'oauth flow started');
  const started: StartedFlow = {
    flowId,
    authorizeUrl: `${publicBaseUrl(deps.config)}/connect/start/${state}`,
    providerUrl,
    expiresAt,
  };
  if (binding !== undefined) started.cookie = { name: bindingCookieName(flowId), value: binding };
  return started;
}

/**
 * `GET /connect/start/{state}`: bind the flow to this browser (the first one to open the link) and send it
 * to the provider. The same browser may open it again; another browser may not.
 */
export async function openFlowLink(
  deps: ConnectDeps,
  state: string,
  cookies: Record<string, string | undefined>,
): Promise<BrowserOutcome> {
  const flowId = stateSigner(deps.config, deps.keyring).verify(state);
  if (flowId === undefined) return untrusted('The link is damaged or was not issued by this gateway. Start again.');
  const flow = await deps.store.connections.getOAuthFlow(flowId);
  if (flow === undefined) return untrusted('The link has expired. Start the connection again.');
  const data = parseFlowData(flow);
  if (flow.used_at !== null) return flowFailure(data, 'state_reused', 'This connection link was already used.');
  if (flow.expires_at <= nowIso()) return flowFailure(data, 'state_expired', 'The link expired. Start again.');
  const cookieName = bindingCookieName(flowId);
  if (bindingMatches(cookies[cookieName], flow.binding_hash)) return { kind: 'redirect', location: data.authorize_url };
  const binding = newBinding();
  if (!(await deps.store.connections.bindOAuthFlow(flowId, bindingHash(binding)))) {
    return flowFailure(data, 'state_reused', 'This connection link was already opened in another browser.');
  }
  return { kind: 'redirect', location: data.authorize_url, setCookie: { name: cookieName, value: binding } };
}
