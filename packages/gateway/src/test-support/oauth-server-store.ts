import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** epoch ms; Infinity when the model has no expiry. */
  expiresAt: number;
}

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken']);

/**
 * The test OAuth server's storage: one Map per server (never evicts, unlike oidc-provider's LRU memory
 * adapter), plus a grant index so reuse detection can revoke every token of a grant.
 *
 * Refresh-token reuse leeway (Atlassian's 10 minutes): oidc-provider revokes the whole grant when a
 * consumed refresh token is presented again. To emulate a provider that still accepts a consumed token
 * for a while, `find` hands oidc-provider a RefreshToken whose `consumed` mark is younger than the leeway
 * as if it were unconsumed; oidc-provider then rotates it once more (and `consume` keeps the first
 * consumption time, so the leeway is not extended). Past the leeway the mark stays and oidc-provider's
 * own reuse detection revokes the grant.
 */
export class OAuthServerStore {
  readonly #entries = new Map<string, Entry>();
  readonly #grants = new Map<string, Set<string>>();
  readonly #uids = new Map<string, string>();

  constructor(
    readonly reuseLeewaySeconds: number,
    readonly now: () => number = Date.now,
  ) {}

  adapter(model: string): Adapter {
    const key = (id: string) => `${model}:${id}`;
    return {
      upsert: async (id, payload, expiresIn) => this.#upsert(model, key(id), payload, expiresIn),
      find: async (id) => this.#find(model, key(id)),
      findByUid: async (uid) => {
        const id = this.#uids.get(uid);
        return id === undefined ? undefined : this.#find(model, key(id));
      },
      findByUserCode: async () => undefined,
      consume: async (id) => {
        const entry = this.#entries.get(key(id));
        if (entry !== undefined && entry.payload.consumed === undefined) {
          entry.payload.consumed = Math.floor(this.now() / 1000);
        }
      },
      destroy: async (id) => {
        this.#entries.delete(key(id));
      },
      revokeByGrantId: async (grantId) => this.revokeGrant(grantId),
    };
  }

  /** Delete every token of a grant (what oidc-provider calls on reuse detection and revocation). */
  revokeGrant(grantId: string): void {
    for (const k of this.#grants.get(grantId) ?? []) this.#entries.delete(k);
    this.#grants.delete(grantId);
    this.#entries.delete(`Grant:${grantId}`);
  }

  /** Every grant of every client: refresh tokens, access tokens and codes. */
  revokeAll(): void {
    for (const grantId of [...this.#grants.keys()]) this.revokeGrant(grantId);
  }

  #upsert(model: string, k: string, payload: AdapterPayload, expiresIn: number | undefined): void {
    const expiresAt = typeof expiresIn === 'number' ? this.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
    this.#entries.set(k, { payload: { ...payload }, expiresAt });
    if (model === 'Session' && typeof payload.uid === 'string') this.#uids.set(payload.uid, k.slice(model.length + 1));
    if (GRANTABLE.has(model) && typeof payload.grantId === 'string') {
      const members = this.#grants.get(payload.grantId) ?? new Set<string>();
      members.add(k);
      this.#grants.set(payload.grantId, members);
    }
  }

  #find(model: string, k: string): AdapterPayload | undefined {
    const entry = this.#entries.get(k);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.#entries.delete(k);
      return undefined;
    }
    const { consumed } = entry.payload;
    if (model === 'RefreshToken' && consumed !== undefined && this.#withinLeeway(consumed)) {
      const { consumed: _hidden, ...rest } = entry.payload;
      return { ...rest };
    }
    return { ...entry.payload };
  }

  #withinLeeway(consumedAtSeconds: number): boolean {
    return this.reuseLeewaySeconds > 0 && this.now() / 1000 - consumedAtSeconds <= this.reuseLeewaySeconds;
  }
}
