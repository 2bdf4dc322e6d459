import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import { AppError } from '../errors/app-error.js';
import { backoffDelay } from '../http/backoff.js';
import type { Clock } from '../http/clock.js';
import { requireProvider } from '../providers/registry.js';
import type { OAuthDefinition, UrlContext } from '../providers/types.js';
import { resolveOAuthClient } from '../services/oauth-apps.js';
import { SecretService } from '../services/secrets.js';
import type { GrantRow } from '../store/connection-store.js';
import type { Store } from '../store/store.js';
import { grantSecretFields } from './credential.js';
import { markReauthRequired, type ReauthListener, reauthRequired } from './grant-status.js';
import { needsReconnect, OAuthGrantError, refreshTokens, type TokenSet } from './oauth-client.js';
import type { RefreshTiming } from './refresh-timing.js';

export interface RefreshDeps {
  store: Store;
  secrets: SecretService;
  config: Config;
  logger: Logger;
  clock: Clock;
  timing: RefreshTiming;
  /** The fetch for a token endpoint (a dispatcher chosen for its origin and the connection's CA). */
  fetchFor: (url: string, caPem: string | null) => typeof fetch | undefined;
  /** Called once per refresh attempt sequence with its outcome (metrics). */
  onOutcome?: (provider: string, outcome: RefreshOutcome) => void;
  /** Told of each connection a grant going to reauth_required backs, in that transaction (grant-status.ts). */
  onReauthRequired?: ReauthListener | undefined;
}

export type RefreshOutcome = 'refreshed' | 'reauth_required' | 'transient' | 'rejected' | 'conflict';

const iso = (ms: number) => new Date(ms).toISOString();

/** Where the grant's token endpoint is: Data Center grants live on their connection's base URL. */
async function target(
  deps: RefreshDeps,
  grant: GrantRow,
): Promise<{ def: OAuthDefinition; ctx: UrlContext; ca: string | null }> {
  const def = requireProvider(grant.provider).oauth;
  if (def === undefined) throw new Error(`provider ${grant.provider} has no OAuth definition`);
  const ctx: UrlContext = { endpoints: deps.config };
  let ca: string | null = null;
  if (def.needsBaseUrl) {
    const [conn] = await deps.store.connections.listConnections(grant.tenant_id, { grantId: grant.id }, { limit: 1 });
    if (conn?.site_url == null) throw reauthRequired(grant, 'no connection records the instance this grant belongs to');
    ctx.baseUrl = conn.site_url.replace(/\/+$/, '');
    ca = conn.ca_pem;
  }
  return { def, ctx, ca };
}

/** The token request and its retries on transient failures, all inside `deadlineMs`. */
async function requestWithRetry(deps: RefreshDeps, call: (timeoutMs: number) => Promise<TokenSet>, deadlineMs: number) {
  const { clock, timing } = deps;
  for (let attempt = 0; ; attempt++) {
    const timeoutMs = Math.min(timing.attemptTimeoutMs, deadlineMs - clock.now());
    try {
      if (timeoutMs < 500)
        throw new OAuthGrantError('transient', 'no time left in the refresh lease for a token request');
      return await call(timeoutMs);
    } catch (err) {
      if (!(err instanceof OAuthGrantError) || err.kind !== 'transient' || attempt + 1 >= timing.attempts) throw err;
      const delay = backoffDelay(attempt, { baseMs: timing.backoffBaseMs, capMs: timing.backoffCapMs });
      if (clock.now() + delay + 500 > deadlineMs) throw err;
      deps.logger.warn({ err, attempt: attempt + 1, delayMs: delay }, 'token endpoint failed transiently; retrying');
      await clock.sleep(delay);
    }
  }
}

/**
 * Store a refresh's result in one transaction, BEFORE anyone uses it: both tokens, and the grant's next
 * version with a compare-and-swap on the version this refresh started from. Answers the new row, or
 * undefined when the CAS lost (someone else changed the grant meanwhile; this refresh's tokens are dropped).
 */
async function commit(deps: RefreshDeps, grant: GrantRow, tokens: TokenSet): Promise<GrantRow | undefined> {
  const at = iso(deps.clock.now());
  const patch = {
    version: grant.version + 1,
    status: 'active' as const,
    expires_at: tokens.expiresAt ?? null,
    refreshed_at: at,
    scopes: tokens.scopes.length > 0 ? JSON.stringify(tokens.scopes) : grant.scopes,
    last_error: null,
    lease_owner: null,
    lease_until: null,
    updated_at: at,
  };
  try {
    return await deps.store.transaction(async (tx) => {
      const secrets = new SecretService(tx, deps.secrets.keyring);
      await secrets.put(grant.tenant_id, 'grants', grant.id, grantSecretFields.accessToken, tokens.accessToken);
      if (tokens.refreshToken !== undefined) {
        await secrets.put(grant.tenant_id, 'grants', grant.id, grantSecretFields.refreshToken, tokens.refreshToken);
      }
      if (!(await tx.connections.updateGrantIfVersion(grant.id, grant.version, patch))) throw new CasLost();
      return { ...grant, ...patch };
    });
  } catch (err) {
    if (err instanceof CasLost) return undefined;
    throw err;
  }
}

class CasLost extends Error {}

async function failed(deps: RefreshDeps, grant: GrantRow, err: unknown): Promise<never> {
  const at = iso(deps.clock.now());
  if (err instanceof OAuthGrantError && needsReconnect(err)) {
    const reason =
      err.kind === 'invalid_client'
        ? 'the provider no longer accepts the OAuth client that authorized it (check the OAuth app, then reconnect)'
        : 'the provider revoked the authorization or it expired';
    deps.logger.warn(
      { grantId: grant.id, provider: grant.provider, error: err.error, status: err.status },
      'refresh refused: grant needs a new consent',
    );
    deps.onOutcome?.(grant.provider, 'reauth_required');
    await markReauthRequired(deps.store, grant, reason, at, deps.onReauthRequired);
    throw reauthRequired(grant, reason);
  }
  if (err instanceof OAuthGrantError) {
    const transient = err.kind === 'transient';
    deps.onOutcome?.(grant.provider, transient ? 'transient' : 'rejected');
    await deps.store.connections.updateGrant(grant.id, {
      last_error: `refresh failed: ${err.message}`,
      updated_at: at,
    });
    throw new AppError(
      transient ? 'UPSTREAM_UNAVAILABLE' : 'VENDOR_ERROR',
      transient
        ? `The provider's token endpoint is unavailable (${err.message}). The connection is fine; retry shortly.`
        : `The provider refused to refresh the token (${err.message}). Retry later; if it persists, reconnect.`,
      transient ? { retryAfter: 5 } : {},
    );
  }
  if (err instanceof AppError) {
    // Refused before reaching the provider (the host guard on a Data Center instance): nothing was consumed.
    deps.onOutcome?.(grant.provider, 'rejected');
    await deps.store.connections.updateGrant(grant.id, {
      last_error: `refresh failed: ${err.message}`,
      updated_at: at,
    });
  }
  throw err;
}

/**
 * Refresh a grant whose lease this process holds. Answers the committed row, or undefined when the
 * commit lost its compare-and-swap (logged loudly; the caller re-reads the grant).
 */
export async function refreshHeldGrant(
  deps: RefreshDeps,
  grant: GrantRow,
  deadlineMs: number,
): Promise<GrantRow | undefined> {
  const refreshToken = await deps.secrets.get(grant.tenant_id, 'grants', grant.id, grantSecretFields.refreshToken);
  if (refreshToken === undefined) {
    const reason = 'no refresh token is stored for it (the provider did not issue one)';
    await markReauthRequired(deps.store, grant, reason, iso(deps.clock.now()), deps.onReauthRequired);
    throw reauthRequired(grant, reason);
  }
  const { def, ctx, ca } = await target(deps, grant);
  const client = await resolveOAuthClient(deps, grant.tenant_id, grant.provider, grant.oauth_app_id ?? undefined);
  const fetch = deps.fetchFor(def.tokenUrl(ctx), ca);
  let tokens: TokenSet;
  try {
    tokens = await requestWithRetry(
      deps,
      (timeoutMs) =>
        refreshTokens(def, ctx, client, refreshToken, {
          timeoutMs,
          now: () => new Date(deps.clock.now()),
          ...(fetch ? { fetch } : {}),
        }),
      deadlineMs,
    );
  } catch (err) {
    return failed(deps, grant, err);
  }
  const committed = await commit(deps, grant, tokens);
  if (committed === undefined) {
    deps.onOutcome?.(grant.provider, 'conflict');
    deps.logger.error(
      {
        grantId: grant.id,
        provider: grant.provider,
        version: grant.version,
        rotated: tokens.refreshToken !== undefined,
      },
      'refresh lost its compare-and-swap: the grant changed while this replica held the lease; its new tokens were discarded. If the provider rotates refresh tokens the grant may need a reconnect.',
    );
    return undefined;
  }
  deps.onOutcome?.(grant.provider, 'refreshed');
  deps.logger.info({ grantId: grant.id, provider: grant.provider, version: committed.version }, 'grant refreshed');
  return committed;
}
