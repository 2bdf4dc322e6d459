import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { SecretService } from '../services/secrets.js';
import type { Store } from '../store/store.js';
import { EventWriter } from './ingest/event-writer.js';
import { HookCache } from './ingest/hook-cache.js';
import { EventNotifier } from './notifier.js';
import { SubscriptionSecrets } from './outbox/subscription-secrets.js';

/** What one process holds for events: the hook cache, the group-commit writer and the "new events" signal. */
export interface EventsRuntime {
  notifier: EventNotifier;
  hooks: HookCache;
  writer: EventWriter;
  subscriptionSecrets: SubscriptionSecrets;
}

export function createEventsRuntime(deps: {
  store: Store;
  secrets: SecretService;
  config: Config;
  logger: Logger;
}): EventsRuntime {
  const notifier = new EventNotifier();
  return {
    notifier,
    hooks: new HookCache(deps),
    writer: new EventWriter(deps.store, notifier, deps.logger),
    subscriptionSecrets: new SubscriptionSecrets(deps.secrets),
  };
}
