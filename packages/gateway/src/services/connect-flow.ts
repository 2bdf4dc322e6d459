import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { Keyring } from '../crypto/keyring.js';
import type { UpstreamDispatchers } from '../http/safe-dispatcher.js';
import type { OAuthFlowRow } from '../store/connection-store.js';
import type { Store } from '../store/store.js';
import type { SecretService } from './secrets.js';

/** What the connect flow needs from the runtime (a Runtime satisfies it). */
export interface ConnectDeps {
  store: Store;
  secrets: SecretService;
  config: Config;
  keyring: Keyring;
  logger: Logger;
  /** Upstream dispatchers: trusted for the configured cloud origins, host-guarded for Data Center URLs. */
  upstream: UpstreamDispatchers;
}

/** How long a flow (and then its site picker) and a connect session stay usable. */
export const FLOW_TTL_MS = 10 * 60 * 1000;

/** Secrets of a flow in the `secrets` table (owner_table 'oauth_flows', owner_id = flow id). */
export const FLOW_SECRETS = 'oauth_flows';
export const flowSecretFields = {
  codeVerifier: 'code_verifier',
  accessToken: 'access_token',
  refreshToken: 'refresh_token',
} as const;

/** A site the grant reaches (Atlassian accessible-resources), as the picker shows it. */
export interface GrantedSite {
  cloudId: string;
  url: string;
  name: string;
  scopes: string[];
}

/** How a flow ended, for the CLI that waits on it. */
export type FlowResult = { connection_ids: string[] } | { error: string; error_description: string };

/** The JSON in oauth_flows.data. No secrets: the PKCE verifier and pending tokens live in `secrets`. */
export interface FlowData {
  return_url?: string;
  /** Atlassian: the site hint (URL or cloud id). */
  site?: string;
  /** Data Center: the instance the flow authorises against. */
  base_url?: string;
  scopes: string[];
  name?: string;
  metadata: Record<string, unknown>;
  redirect_uri: string;
  oauth_app_id: string;
  /** The provider's authorization URL (client id, scopes, state, PKCE challenge: nothing secret). */
  authorize_url: string;
  pkce: boolean;
  /** After the code exchange, while the user picks among several sites. */
  pending?: { sites: GrantedSite[]; expires_at: string | null; scopes: string[] };
  result?: FlowResult;
}

export const parseFlowData = (row: OAuthFlowRow): FlowData => JSON.parse(row.data) as FlowData;

/** The gateway's own origin as browsers reach it: SWITCHYARD_PUBLIC_URL, else the listen address. */
export function publicBaseUrl(config: Config): string {
  const base =
    config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  return base.replace(/\/+$/, '');
}

export const isSecureOrigin = (config: Config): boolean => publicBaseUrl(config).startsWith('https:');

/** `url` with the query parameters added (a return_url keeps its own). */
export function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** Drop a flow's secrets and expired flows and connect sessions; cheap enough to run on every start. */
export async function purgeExpired(store: Store, now: Date): Promise<void> {
  const before = new Date(now.getTime() - FLOW_TTL_MS).toISOString();
  await store.transaction(async (tx) => {
    for (const id of await tx.connections.deleteExpiredOAuthFlows(before)) await tx.deleteSecrets(FLOW_SECRETS, id);
    await tx.connections.deleteExpiredConnectSessions(before);
  });
}
