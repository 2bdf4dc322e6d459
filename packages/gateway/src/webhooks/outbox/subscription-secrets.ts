import { TtlCache } from '../../http/ttl-cache.js';
import type { SecretService } from '../../services/secrets.js';

export const SUBSCRIPTION_SECRET = { table: 'subscriptions', field: 'secret' } as const;

/** Subscriptions' signing secrets, decrypted once and kept a few minutes (they never change in place). */
export class SubscriptionSecrets {
  readonly #secrets: SecretService;
  readonly #cache = new TtlCache<string>({ ttlMs: 300_000, maxEntries: 10_000 });

  constructor(secrets: SecretService) {
    this.#secrets = secrets;
  }

  put(tenantId: string, subscriptionId: string, secret: string): Promise<void> {
    this.#cache.invalidate(subscriptionId);
    return this.#secrets.put(tenantId, SUBSCRIPTION_SECRET.table, subscriptionId, SUBSCRIPTION_SECRET.field, secret);
  }

  get(tenantId: string, subscriptionId: string): Promise<string> {
    return this.#cache.get(subscriptionId, async () => {
      const secret = await this.#secrets.get(
        tenantId,
        SUBSCRIPTION_SECRET.table,
        subscriptionId,
        SUBSCRIPTION_SECRET.field,
      );
      if (secret === undefined) throw new Error(`subscription ${subscriptionId} has no signing secret`);
      return secret;
    });
  }

  async delete(subscriptionId: string): Promise<void> {
    this.#cache.invalidate(subscriptionId);
    await this.#secrets.delete(SUBSCRIPTION_SECRET.table, subscriptionId);
  }
}
