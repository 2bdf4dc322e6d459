import type { EventProvider } from '@switchyard/sdk';
import type { Config } from '../../config/load.js';
import { type Clock, systemClock } from '../../http/clock.js';
import { TtlCache } from '../../http/ttl-cache.js';
import { resolveOAuthClient } from '../../services/oauth-apps.js';
import type { SecretService } from '../../services/secrets.js';
import type { IngestHookRow } from '../../store/event-store.js';
import type { Store } from '../../store/store.js';
import { isWebhookSource, webhookProviders } from '../registry.js';
import type { WebhookProvider } from '../types.js';
import type { VerificationConfig } from '../verify.js';
import { hookSecrets } from './hook-secrets.js';

/** What the ingest path needs to verify and store a delivery, without a database read per request. */
export interface CachedHook {
  id: string;
  tenantId: string;
  connectionId: string;
  provider: EventProvider;
  webhook: WebhookProvider;
  verification: VerificationConfig;
}

export interface HookCacheDeps {
  store: Store;
  secrets: SecretService;
  config: Config;
  clock?: Clock;
}

/**
 * Hooks by public id, with their secrets decrypted, kept for a few seconds. A change made through this process
 * (rotation, deletion) invalidates its entry at once; one made through another replica takes effect within the TTL.
 * Unknown ids are cached too (as undefined), so a flood of one bad URL costs one read per TTL.
 */
export class HookCache {
  readonly #deps: HookCacheDeps;
  readonly #cache: TtlCache<CachedHook | undefined>;
  readonly #clock: Clock;

  constructor(deps: HookCacheDeps, ttlMs = 5000) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#cache = new TtlCache({ ttlMs, maxEntries: 10_000, clock: this.#clock });
  }

  get(publicId: string): Promise<CachedHook | undefined> {
    return this.#cache.get(publicId, () => this.#load(publicId));
  }

  invalidate(publicId: string): void {
    this.#cache.invalidate(publicId);
  }

  async #load(publicId: string): Promise<CachedHook | undefined> {
    const row = await this.#deps.store.events.getIngestHook(publicId);
    if (row === undefined || !isWebhookSource(row.source)) return undefined;
    return {
      id: row.id,
      tenantId: row.tenant_id,
      connectionId: row.connection_id,
      provider: row.provider as EventProvider,
      webhook: webhookProviders[row.source],
      verification: await this.#verification(row),
    };
  }

  async #verification(row: IngestHookRow): Promise<VerificationConfig> {
    if (row.scheme === 'hub-signature') {
      return { scheme: 'hub-signature', secrets: await hookSecrets(this.#deps.secrets, row, this.#clock.now()) };
    }
    // Jira dynamic webhooks of a 3LO app: signed with the OAuth app's client secret (docs/webhooks.md).
    const grant = await this.#deps.store.connections.getGrant(row.grant_id);
    const client = await resolveOAuthClient(
      this.#deps,
      row.tenant_id,
      row.provider,
      grant?.oauth_app_id ?? undefined,
    ).catch(() => undefined);
    return { scheme: 'atlassian-jwt', clientSecrets: client === undefined ? [] : [client.clientSecret] };
  }
}
