import { AppError } from '../errors/app-error.js';
import { nowIso } from '../store/ids.js';
import type { ApiKeyRow, Store, TenantRow } from '../store/store.js';
import { keyIdOf, keyMatches } from '../tenants/api-key-format.js';
import { findTenant } from './tenants.js';

export interface Principal {
  key: ApiKeyRow;
  /** The key's own tenant. */
  keyTenant: TenantRow;
  /** The tenant this request acts for: the key's own, or the X-Tenant-Id of an admin key. */
  tenant: TenantRow;
  isAdmin: boolean;
}

interface CacheEntry {
  key: ApiKeyRow;
  tenant: TenantRow;
  loadedAt: number;
  /** The principal of a call that acts for the key's own tenant, built once per load. */
  own: Principal;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** No X-Tenant-Id, or one that names the key's own tenant (by id or slug). */
const actsForOwnTenant = (entry: CacheEntry, header: string | undefined) =>
  header === undefined || header === entry.tenant.id || header === entry.tenant.slug;

/**
 * Resolves API keys to principals. Verified keys are cached briefly so the hot path does not read
 * the database on every call; a revocation through this process takes effect at once, one made by
 * another process (a replica or the CLI) within `cacheTtlMs`. last_used_at is written at most once
 * per `touchIntervalMs` per key.
 */
export class Authenticator {
  readonly #cache = new Map<string, CacheEntry>();
  readonly #store: Store;
  readonly #cacheTtlMs: number;
  readonly #touchIntervalMs: number;

  constructor(store: Store, options: { cacheTtlMs?: number; touchIntervalMs?: number } = {}) {
    this.#store = store;
    this.#cacheTtlMs = options.cacheTtlMs ?? 5_000;
    this.#touchIntervalMs = options.touchIntervalMs ?? 60_000;
  }

  invalidate(keyId: string): void {
    this.#cache.delete(keyId);
  }

  /**
   * The principal at once, without a promise, when the key is cached, fresh and valid and the call acts for
   * the key's own tenant (the usual case on the hot path); undefined means: ask `authenticate`.
   */
  cached(authorization: string | undefined, tenantHeader: string | undefined): Principal | undefined {
    const presented = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    const id = presented === undefined ? undefined : keyIdOf(presented);
    const entry = id === undefined ? undefined : this.#cache.get(id);
    if (presented === undefined || entry === undefined || Date.now() - entry.loadedAt >= this.#cacheTtlMs)
      return undefined;
    if (entry.key.revoked_at !== null || !keyMatches(presented, entry.key.key_hash)) return undefined;
    if (!actsForOwnTenant(entry, tenantHeader?.trim() || undefined)) return undefined;
    this.#touch(entry);
    return entry.own;
  }

  async authenticate(authorization: string | undefined, tenantHeader: string | undefined): Promise<Principal> {
    const presented = BEARER.exec(authorization ?? '')?.[1];
    if (presented === undefined) {
      throw new AppError(
        'UNAUTHORIZED',
        'Missing API key. Send "Authorization: Bearer <key>" with a Switchyard API key.',
      );
    }
    const entry = await this.#lookup(presented);
    if (entry.key.revoked_at !== null) {
      throw new AppError('UNAUTHORIZED', 'This API key was revoked. Ask an admin for a new key.');
    }
    this.#touch(entry);
    const isAdmin = entry.key.role === 'admin';
    const tenant = await this.#actingTenant(entry, isAdmin, tenantHeader?.trim() || undefined);
    return tenant === entry.tenant ? entry.own : { key: entry.key, keyTenant: entry.tenant, tenant, isAdmin };
  }

  async #lookup(presented: string): Promise<CacheEntry> {
    const invalid = () => new AppError('UNAUTHORIZED', 'The API key is not valid. Check that it was copied whole.');
    const id = keyIdOf(presented);
    if (id === undefined) throw invalid();
    const cached = this.#cache.get(id);
    if (cached !== undefined && Date.now() - cached.loadedAt < this.#cacheTtlMs) {
      if (!keyMatches(presented, cached.key.key_hash)) throw invalid();
      return cached;
    }
    const key = await this.#store.getApiKey(id);
    if (key === undefined || !keyMatches(presented, key.key_hash)) throw invalid();
    const tenant = await this.#store.getTenant(key.tenant_id);
    if (tenant === undefined) throw invalid();
    const own = { key, keyTenant: tenant, tenant, isAdmin: key.role === 'admin' };
    const entry = { key, tenant, loadedAt: Date.now(), own };
    this.#cache.set(id, entry);
    return entry;
  }

  async #actingTenant(entry: CacheEntry, isAdmin: boolean, header: string | undefined): Promise<TenantRow> {
    if (header === undefined || actsForOwnTenant(entry, header)) return entry.tenant;
    if (!isAdmin) {
      throw new AppError(
        'FORBIDDEN',
        'This key belongs to another tenant than X-Tenant-Id names. Use that tenant’s own key.',
      );
    }
    const tenant = await findTenant(this.#store, header);
    if (tenant === undefined) {
      throw new AppError('NOT_FOUND', `X-Tenant-Id names tenant "${header}", which does not exist.`);
    }
    return tenant;
  }

  #touch(entry: CacheEntry): void {
    const last = entry.key.last_used_at === null ? 0 : Date.parse(entry.key.last_used_at);
    if (Date.now() - last < this.#touchIntervalMs) return;
    const at = nowIso();
    entry.key = { ...entry.key, last_used_at: at };
    entry.own = { ...entry.own, key: entry.key };
    // Best effort: a failed bookkeeping write must not fail the request.
    this.#store.touchApiKey(entry.key.id, at).catch(() => undefined);
  }
}
