import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { fetch as undiciFetch } from 'undici';
import type { Config } from '../config/load.js';
import { AppError } from '../errors/app-error.js';
import { type Clock, systemClock } from '../http/clock.js';
import type { UpstreamDispatchers } from '../http/safe-dispatcher.js';
import type { SecretService } from '../services/secrets.js';
import type { GrantRow } from '../store/connection-store.js';
import type { Store } from '../store/store.js';
import { type AppliedCredential, type CredentialSource, grantSecretFields } from './credential.js';
import { grantGone, markTokenRejected, type ReauthListener, reauthRequired, tokenRejected } from './grant-status.js';
import type { RefreshDeps, RefreshOutcome } from './oauth-refresh.js';
import { refreshUnderLease } from './refresh-lease.js';
import { needsRefresh, type RefreshTiming, refreshTiming } from './refresh-timing.js';
import { tokenCredential } from './token-credential.js';

/** The host guard's AppError (a refused address) inside a fetch failure, however undici wrapped it. */
function guardRefusal(err: unknown): AppError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof AppError) return e;
  }
  return undefined;
}

export interface GrantManagerDeps {
  store: Store;
  secrets: SecretService;
  config: Config;
  logger: Logger;
  /** Dispatchers for the token endpoints (trusted cloud origins; host-guarded Data Center instances). */
  upstream?: UpstreamDispatchers;
  /** Replaces the fetch of every token request (tests). */
  fetch?: typeof fetch;
  clock?: Clock;
  timing?: Partial<RefreshTiming>;
  onRefreshOutcome?: (provider: string, outcome: RefreshOutcome) => void;
  /** Records what a grant needing a new consent means for its connections (the runtime: an event each). */
  onReauthRequired?: ReauthListener;
}

/**
 * Credentials for upstream calls. Token credentials are applied as they are; OAuth access tokens are
 * refreshed ahead of expiry and once after a 401, one refresh per grant at a time: concurrent callers
 * in this process share one promise, and replicas share the grant's lease (refresh-lease.ts). The
 * rotated refresh token is committed before the new access token is handed out (oauth-refresh.ts).
 */
export class GrantManager implements CredentialSource {
  /** Identifies this instance as a lease holder. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
  readonly #deps: GrantManagerDeps;
  readonly #refresh: RefreshDeps;
  readonly #inflight = new Map<string, Promise<GrantRow>>();
  readonly #listeners = new Set<(provider: string, outcome: RefreshOutcome) => void>();

  constructor(deps: GrantManagerDeps) {
    this.#deps = deps;
    const refresh: RefreshDeps = {
      store: deps.store,
      secrets: deps.secrets,
      config: deps.config,
      logger: deps.logger,
      clock: deps.clock ?? systemClock,
      timing: refreshTiming(deps.config, deps.timing),
      fetchFor: (url, ca) => this.#fetchFor(url, ca),
      onReauthRequired: deps.onReauthRequired,
      onOutcome: (provider, outcome) => {
        deps.onRefreshOutcome?.(provider, outcome);
        for (const listener of this.#listeners) listener(provider, outcome);
      },
    };
    this.#refresh = refresh;
  }

  /** Be told the outcome of every refresh this instance attempts (metrics); answers the unsubscribe. */
  onRefresh(listener: (provider: string, outcome: RefreshOutcome) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async authorize(grantId: string): Promise<AppliedCredential> {
    const grant = await this.#load(grantId);
    if (grant.auth_type !== 'oauth2') return tokenCredential(this.#deps.secrets, grant);
    if (grant.status === 'reauth_required') throw reauthRequired(grant);
    const margin = this.#deps.config.refreshMarginSeconds * 1000;
    const stale = (g: GrantRow) => needsRefresh(g, this.#refresh.clock.now(), margin);
    if (!stale(grant)) {
      const current = await this.#bearer(grant);
      if (current !== undefined) return current;
    }
    const seen = grant.version;
    return this.#credentialOf(await this.#shared(grantId, (g) => g.version > seen || !stale(g)));
  }

  async afterUnauthorized(used: AppliedCredential): Promise<AppliedCredential> {
    const grant = await this.#load(used.grantId);
    if (grant.auth_type !== 'oauth2') {
      if (grant.version > used.version) return tokenCredential(this.#deps.secrets, grant);
      const at = new Date(this.#refresh.clock.now()).toISOString();
      await markTokenRejected(this.#deps.store, grant, 'the vendor answered 401: the token expired or was revoked', at);
      throw tokenRejected();
    }
    if (grant.status === 'reauth_required') throw reauthRequired(grant);
    if (grant.version > used.version) return this.#credentialOf(grant);
    return this.#credentialOf(await this.#shared(grant.id, (g) => g.version > used.version));
  }

  /**
   * Refresh an idle grant now unless something refreshed it since `since` (the keep-alive job). Goes
   * through the same single flight and lease as every other refresh.
   */
  async keepAlive(grantId: string, since: string): Promise<GrantRow> {
    return this.#shared(grantId, (g) => g.refreshed_at !== null && g.refreshed_at > since);
  }

  /** Join the refresh in flight for this grant, or start one; answers a row that satisfies `isFresh`. */
  async #shared(grantId: string, isFresh: (g: GrantRow) => boolean): Promise<GrantRow> {
    const running = this.#inflight.get(grantId);
    if (running !== undefined) {
      const joined = await running;
      if (isFresh(joined)) return joined;
    }
    const again = this.#inflight.get(grantId);
    if (again !== undefined && again !== running) {
      const joined = await again;
      if (isFresh(joined)) return joined;
    }
    const flight = refreshUnderLease(this.#refresh, this.owner, grantId, isFresh).finally(() => {
      if (this.#inflight.get(grantId) === flight) this.#inflight.delete(grantId);
    });
    this.#inflight.set(grantId, flight);
    return flight;
  }

  async #load(grantId: string): Promise<GrantRow> {
    const grant = await this.#deps.store.connections.getGrant(grantId);
    if (grant === undefined) throw grantGone(grantId);
    return grant;
  }

  async #bearer(grant: GrantRow): Promise<AppliedCredential | undefined> {
    const token = await this.#deps.secrets.get(grant.tenant_id, 'grants', grant.id, grantSecretFields.accessToken);
    return token === undefined
      ? undefined
      : { grantId: grant.id, version: grant.version, authorization: `Bearer ${token}` };
  }

  async #credentialOf(grant: GrantRow): Promise<AppliedCredential> {
    const current = await this.#bearer(grant);
    if (current === undefined) throw reauthRequired(grant, 'its access token is missing');
    return current;
  }

  #fetchFor(url: string, caPem: string | null): typeof fetch | undefined {
    if (this.#deps.fetch !== undefined) return this.#deps.fetch;
    const upstream = this.#deps.upstream;
    if (upstream === undefined) return undefined;
    const dispatcher = upstream.forUrl(url, caPem);
    // oauth4webapi passes plain {method, headers, body, redirect, signal}, which undici's fetch takes as they are.
    type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>;
    return (async (input: string, init: RequestInit) => {
      try {
        return await undiciFetch(input, { ...(init as unknown as UndiciInit), dispatcher });
      } catch (err) {
        throw guardRefusal(err) ?? err;
      }
    }) as unknown as typeof fetch;
  }
}
