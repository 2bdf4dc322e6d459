import { OAuthGrantError } from '../auth/oauth-client.js';
import { bindingCookieName, bindingMatches, stateSigner } from '../auth/state.js';
import { AppError } from '../errors/app-error.js';
import { requireProvider } from '../providers/registry.js';
import type { OAuthFlowRow } from '../store/connection-store.js';
import { exchangeFlowCode } from './connect-exchange.js';
import { failFlow, finishFlow } from './connect-finish.js';
import {
  type ConnectDeps,
  FLOW_SECRETS,
  FLOW_TTL_MS,
  type FlowData,
  flowSecretFields,
  parseFlowData,
} from './connect-flow.js';
import { type BrowserOutcome, flowFailure, untrusted } from './connect-outcome.js';
import { urlContext } from './connect-request.js';
import { accessibleSites, chooseSites } from './connect-sites.js';
import { SecretService } from './secrets.js';

export interface CallbackInput {
  state?: string | undefined;
  code?: string | undefined;
  error?: string | undefined;
  cookies: Record<string, string | undefined>;
}

export type VerifiedFlow = { flow: OAuthFlowRow; data: FlowData } | { outcome: BrowserOutcome };

/**
 * The flow a browser step names: the state must be one we signed and the flow known. Before that nothing
 * is trusted, so those failures are pages, not redirects.
 */
export async function verifiedFlow(deps: ConnectDeps, state: string | undefined): Promise<VerifiedFlow> {
  const flowId = stateSigner(deps.config, deps.keyring).verify(state);
  if (flowId === undefined) {
    return { outcome: untrusted('The sign-in answer carries no valid state, so it cannot be trusted. Start again.') };
  }
  const flow = await deps.store.connections.getOAuthFlow(flowId);
  if (flow === undefined) return { outcome: untrusted('This connection attempt has expired. Start again.') };
  return { flow, data: parseFlowData(flow) };
}

/** Whether this browser is the one that started the flow (its binding cookie). */
export function sameBrowser(flow: OAuthFlowRow, cookies: Record<string, string | undefined>): boolean {
  return bindingMatches(cookies[bindingCookieName(flow.id)], flow.binding_hash);
}

export const notThisBrowser = (data: FlowData): BrowserOutcome =>
  flowFailure(
    data,
    'browser_mismatch',
    'This browser did not start this connection. Finish it in the browser that opened the link.',
  );

/** `GET /oauth/callback`: check everything, use the flow once, exchange the code, then store or ask for sites. */
export async function handleCallback(deps: ConnectDeps, input: CallbackInput): Promise<BrowserOutcome> {
  const checked = await verifiedFlow(deps, input.state);
  if ('outcome' in checked) return checked.outcome;
  const { flow, data } = checked;
  const now = new Date();
  if (flow.used_at !== null) {
    // A reload of the site picker shows it again; any other second use is refused.
    if (data.pending !== undefined && flow.expires_at > now.toISOString() && sameBrowser(flow, input.cookies)) {
      const providerName = requireProvider(flow.provider).name;
      return { kind: 'picker', state: input.state ?? '', providerName, sites: data.pending.sites };
    }
    return flowFailure(data, 'state_reused', 'This sign-in answer was already used.');
  }
  if (flow.expires_at <= now.toISOString()) {
    return flowFailure(data, 'state_expired', 'The connection attempt took longer than 10 minutes. Start again.');
  }
  if (!sameBrowser(flow, input.cookies)) return notThisBrowser(data);
  if (!(await deps.store.connections.consumeOAuthFlow(flow.id, now.toISOString()))) {
    return flowFailure(data, 'state_reused', 'This sign-in answer was already used.');
  }
  if (input.error !== undefined) return providerRefused(deps, flow, data, input.error);
  if (input.code === undefined || input.code === '') {
    return failFlow(deps, flow, data, 'invalid_request', 'The provider sent no authorization code. Start again.');
  }
  try {
    return await afterConsent(deps, flow, data, input.code, input.state ?? '');
  } catch (err) {
    return exchangeFailure(deps, flow, data, err);
  }
}

/** The provider came back with an error instead of a code (the user declined, or something else). */
function providerRefused(deps: ConnectDeps, flow: OAuthFlowRow, data: FlowData, error: string) {
  if (error === 'access_denied') {
    return failFlow(deps, flow, data, 'access_denied', 'Access was not granted on the consent screen.');
  }
  const code = error.replace(/[^\w.-]/g, '').slice(0, 64);
  return failFlow(deps, flow, data, 'server_error', `The provider ended the sign-in with "${code}".`);
}

/** Anything that failed after consent: a refused code exchange, or an error on the way to storing. */
function exchangeFailure(deps: ConnectDeps, flow: OAuthFlowRow, data: FlowData, err: unknown) {
  if (err instanceof OAuthGrantError) {
    const said = err.error === undefined ? `HTTP ${err.status}` : err.error;
    const description = `The provider refused to issue tokens (${said}). Start the connection again.`;
    return failFlow(deps, flow, data, 'token_exchange_failed', description);
  }
  if (err instanceof AppError && err.status < 500) return failFlow(deps, flow, data, 'server_error', err.message);
  deps.logger.error({ err, flow_id: flow.id }, 'oauth callback failed');
  const description = err instanceof AppError ? err.message : 'The gateway failed to finish the connection. Retry.';
  return failFlow(deps, flow, data, 'server_error', description);
}

async function afterConsent(
  deps: ConnectDeps,
  flow: OAuthFlowRow,
  data: FlowData,
  code: string,
  state: string,
): Promise<BrowserOutcome> {
  const tokens = await exchangeFlowCode(deps, flow, data, code);
  await deps.store.deleteSecrets(FLOW_SECRETS, flow.id); // the PKCE verifier has served
  const def = requireProvider(flow.provider);
  if (def.id !== 'atlassian-cloud') return finishFlow(deps, flow, data, tokens, undefined);
  const api = urlContext(deps.config).endpoints.atlassianApiUrl;
  const sites = await accessibleSites(api, tokens.accessToken, deps.upstream.forUrl(api));
  const choice = chooseSites(sites, data.site);
  if (choice.kind === 'error') return failFlow(deps, flow, data, choice.error, choice.description);
  if (choice.kind === 'chosen') return finishFlow(deps, flow, data, tokens, choice.sites);
  // Several sites and no hint: keep the tokens (encrypted) on the flow while the user picks.
  const pending: FlowData = {
    ...data,
    pending: { sites: choice.sites, expires_at: tokens.expiresAt ?? null, scopes: tokens.scopes },
  };
  await deps.store.transaction(async (tx) => {
    const secrets = new SecretService(tx, deps.keyring);
    await secrets.put(flow.tenant_id, FLOW_SECRETS, flow.id, flowSecretFields.accessToken, tokens.accessToken);
    if (tokens.refreshToken !== undefined) {
      await secrets.put(flow.tenant_id, FLOW_SECRETS, flow.id, flowSecretFields.refreshToken, tokens.refreshToken);
    }
    await tx.connections.updateOAuthFlow(flow.id, {
      data: JSON.stringify(pending),
      expires_at: new Date(Date.now() + FLOW_TTL_MS).toISOString(),
    });
  });
  return { kind: 'picker', state, providerName: def.name, sites: choice.sites };
}
