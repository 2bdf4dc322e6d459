import type { TokenSet } from '../auth/oauth-client.js';
import { AppError } from '../errors/app-error.js';
import { requireProvider } from '../providers/registry.js';
import { notThisBrowser, sameBrowser, verifiedFlow } from './connect-callback.js';
import { failFlow, finishFlow } from './connect-finish.js';
import { type ConnectDeps, FLOW_SECRETS, type FlowData, flowSecretFields } from './connect-flow.js';
import { type BrowserOutcome, flowFailure } from './connect-outcome.js';

export interface SelectInput {
  state?: string | undefined;
  siteIds: string[];
  cookies: Record<string, string | undefined>;
}

/**
 * `POST /oauth/select`: the user chose among the granted sites. The form is protected like the callback
 * (signed state and the browser's cookie, which SameSite=Lax keeps off cross-site posts) and is single use:
 * the choice is claimed with a compare-and-swap on the flow before anything is stored.
 */
export async function selectSites(deps: ConnectDeps, input: SelectInput): Promise<BrowserOutcome> {
  const checked = await verifiedFlow(deps, input.state);
  if ('outcome' in checked) return checked.outcome;
  const { flow, data } = checked;
  const pending = data.pending;
  if (pending === undefined) return flowFailure(data, 'state_reused', 'These sites were already chosen.');
  if (flow.expires_at <= new Date().toISOString()) {
    return failFlow(deps, flow, data, 'state_expired', 'The site choice took longer than 10 minutes. Start again.');
  }
  if (!sameBrowser(flow, input.cookies)) return notThisBrowser(data);
  const chosen = pending.sites.filter((s) => input.siteIds.includes(s.cloudId));
  if (chosen.length === 0) {
    const def = requireProvider(flow.provider);
    const notice = 'Choose at least one site.';
    return { kind: 'picker', state: input.state ?? '', providerName: def.name, sites: pending.sites, notice };
  }
  const { pending: _claimed, ...claimed } = data;
  if (!(await deps.store.connections.replaceOAuthFlowData(flow.id, flow.data, JSON.stringify(claimed)))) {
    return flowFailure(data, 'state_reused', 'These sites were already chosen.');
  }
  try {
    const tokens = await pendingTokens(deps, flow.tenant_id, flow.id, pending);
    return await finishFlow(deps, flow, claimed, tokens, chosen);
  } catch (err) {
    deps.logger.error({ err, flow_id: flow.id }, 'oauth site choice failed');
    const description = err instanceof AppError ? err.message : 'The gateway failed to finish the connection. Retry.';
    return failFlow(deps, flow, claimed, 'server_error', description);
  }
}

async function pendingTokens(
  deps: ConnectDeps,
  tenantId: string,
  flowId: string,
  pending: NonNullable<FlowData['pending']>,
): Promise<TokenSet> {
  const accessToken = await deps.secrets.get(tenantId, FLOW_SECRETS, flowId, flowSecretFields.accessToken);
  if (accessToken === undefined) throw new Error('the tokens of the flow are missing');
  const refreshToken = await deps.secrets.get(tenantId, FLOW_SECRETS, flowId, flowSecretFields.refreshToken);
  const tokens: TokenSet = { accessToken, scopes: pending.scopes };
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
  if (pending.expires_at !== null) tokens.expiresAt = pending.expires_at;
  return tokens;
}
