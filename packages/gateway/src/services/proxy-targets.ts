import type { ConnectionStatus } from '@switchyard/sdk';
import type { Dispatcher } from 'undici';
import type { AppliedCredential, CredentialSource } from '../auth/credential.js';
import { reauthRequired } from '../auth/grant-status.js';
import type { Config } from '../config/load.js';
import { budgetFor } from '../http/budget-config.js';
import type { UpstreamDispatchers } from '../http/safe-dispatcher.js';
import type { RequestBudget, RequestCredential } from '../http/upstream-types.js';
import { providers } from '../providers/registry.js';
import type { GrantRow } from '../store/connection-store.js';
import { nowIso } from '../store/ids.js';
import type { Store } from '../store/store.js';
import { loadConnection } from './connection-manage.js';
import type { ConnectionPlace } from './connection-target.js';
import { placeOf } from './connection-view.js';

/**
 * What the proxy needs about a connection, held in memory so that a busy connection costs no database read
 * and no decryption per call. An entry is reloaded after `ttlMs` (5 s, like API keys): a change to the
 * connection (a rotated token, a deleted connection, another replica's refresh) takes effect within that,
 * unless `invalidate` is called. A credential the vendor refused is replaced at once (refreshed, or the
 * entry dropped).
 * An OAuth access token is cached only while it is not due for refresh within the entry's lifetime.
 */
export interface ProxyTarget {
  tenantId: string;
  connectionId: string;
  place: ConnectionPlace;
  caPem: string | null;
  defaultHeaders: Record<string, string>;
  /** The connection's token bucket; undefined when SWITCHYARD_BUDGETS turns its provider's budget off. */
  budget: RequestBudget | undefined;
  /** The credential to send, refreshed once after a 401 (the upstream client calls afterUnauthorized). */
  credential: RequestCredential<AppliedCredential>;
  /** An API root of the connection, parsed, with the dispatcher its calls go through (kept per entry). */
  upstreamOf(root: string): UpstreamRoot;
}

export interface UpstreamRoot {
  url: URL;
  dispatcher: Dispatcher;
}

interface Entry {
  key: string;
  loadedAt: number;
  status: ConnectionStatus;
  grant: GrantRow;
  /** What callers get: built once per load, so a call allocates nothing here. */
  view: ProxyTarget;
  roots: Map<string, UpstreamRoot>;
  /** The credential while it may be reused without asking the grant manager. */
  cached: AppliedCredential | undefined;
  cacheable: boolean;
  touchedAt: number;
}

export interface ProxyTargetDeps {
  store: Store;
  config: Config;
  grants: CredentialSource;
  upstream: UpstreamDispatchers;
}

const TOUCH_INTERVAL_MS = 60_000;

export class ProxyTargets {
  readonly #entries = new Map<string, Entry>();
  /** Loads in flight: concurrent first calls of one connection share one read. */
  readonly #loading = new Map<string, Promise<Entry>>();
  readonly #deps: ProxyTargetDeps;
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  constructor(deps: ProxyTargetDeps, options: { ttlMs?: number; maxEntries?: number } = {}) {
    this.#deps = deps;
    this.#ttlMs = options.ttlMs ?? 5_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /**
   * The connection's target (NOT_FOUND for another tenant's or a missing one; 424 when it needs a reconnect).
   * A fresh cached entry is answered at once, without a promise: the proxy's usual case.
   */
  get(tenantId: string, connectionId: string): ProxyTarget | Promise<ProxyTarget> {
    const key = `${tenantId}\u0000${connectionId}`;
    const entry = this.#entries.get(key);
    if (entry === undefined || Date.now() - entry.loadedAt >= this.#ttlMs)
      return this.#getLoaded(key, tenantId, connectionId);
    try {
      return this.#checked(entry);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async #getLoaded(key: string, tenantId: string, connectionId: string): Promise<ProxyTarget> {
    let loading = this.#loading.get(key);
    if (loading === undefined) {
      loading = this.#load(key, tenantId, connectionId).finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    return this.#checked(await loading);
  }

  #checked(entry: Entry): ProxyTarget {
    if (entry.status === 'reauth_required' || entry.grant.status === 'reauth_required') {
      throw reauthRequired(entry.grant);
    }
    this.#touch(entry);
    return entry.view;
  }

  /** Forget one connection (it changed in this process). */
  invalidate(tenantId: string, connectionId: string): void {
    this.#entries.delete(`${tenantId}\u0000${connectionId}`);
  }

  async #load(key: string, tenantId: string, connectionId: string): Promise<Entry> {
    const { row, grant } = await loadConnection(this.#deps.store, tenantId, connectionId);
    const spec = budgetFor(row.provider as ConnectionPlace['provider'], this.#deps.config.budgets);
    const now = Date.now();
    const margin = this.#deps.config.refreshMarginSeconds * 1000;
    const expires = grant.expires_at === null ? Number.POSITIVE_INFINITY : Date.parse(grant.expires_at);
    const place = placeOf(row, grant);
    const fields = {
      key,
      loadedAt: now,
      status: row.status,
      grant,
      roots: new Map<string, UpstreamRoot>(),
      cached: undefined,
      cacheable: expires - margin > now + this.#ttlMs,
      touchedAt: row.last_used_at === null ? 0 : Date.parse(row.last_used_at),
    };
    const entry: Entry = Object.assign(fields, {
      view: {
        tenantId,
        connectionId,
        place,
        caPem: row.ca_pem,
        defaultHeaders: providers[place.provider].defaultHeaders,
        budget: spec === null ? undefined : { key: connectionId, spec },
        credential: this.#credential(fields),
        upstreamOf: (root: string) => this.#root(entry, root),
      },
    });
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, entry);
    return entry;
  }

  #root(entry: Entry, root: string): UpstreamRoot {
    let found = entry.roots.get(root);
    if (found === undefined) {
      found = { url: new URL(root), dispatcher: this.#deps.upstream.forUrl(root, entry.view.caPem) };
      entry.roots.set(root, found);
    }
    return found;
  }

  #credential(entry: Omit<Entry, 'view'>): RequestCredential<AppliedCredential> {
    const grants = this.#deps.grants;
    return {
      current: () => entry.cached,
      authorize: async () => {
        if (entry.cached !== undefined) return entry.cached;
        const applied = await grants.authorize(entry.grant.id);
        if (entry.cacheable) entry.cached = applied;
        return applied;
      },
      afterUnauthorized: async (used) => {
        try {
          const next = await grants.afterUnauthorized(used);
          if (entry.cacheable) entry.cached = next;
          return next;
        } catch (err) {
          if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
          throw err;
        }
      },
    };
  }

  /** last_used_at, written at most once a minute per connection; a failed write does not fail the call. */
  #touch(entry: Entry): void {
    const now = Date.now();
    if (now - entry.touchedAt < TOUCH_INTERVAL_MS) return;
    entry.touchedAt = now;
    const { tenantId, connectionId } = entry.view;
    this.#deps.store.connections
      .updateConnection(tenantId, connectionId, { last_used_at: nowIso() })
      .catch(() => undefined);
  }
}
