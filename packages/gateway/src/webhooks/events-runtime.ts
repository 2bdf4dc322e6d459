import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { SecretService } from '../services/secrets.js';
import type { Db } from '../store/connect.js';
import type { Store } from '../store/store.js';
import { type EventSink, EventWriter } from './ingest/event-writer.js';
import { HookCache } from './ingest/hook-cache.js';
import { IngestThread } from './ingest/ingest-thread-client.js';
import { type IngestSink, inlineIngest } from './ingest/store-delivery.js';
import { EventNotifier } from './notifier.js';
import { SubscriptionSecrets } from './outbox/subscription-secrets.js';

/** What one process holds for events: the hook cache, where events are committed, the "new events" signal. */
export interface EventsRuntime {
  notifier: EventNotifier;
  hooks: HookCache;
  /** Verified deliveries: parsed, normalized and committed (on SQLite, in the ingest thread by default). */
  ingest: IngestSink;
  /** Event rows made elsewhere (Confluence polling): the same group commit as webhooks. */
  writer: EventSink;
  subscriptionSecrets: SubscriptionSecrets;
  /** Commit what is queued, then stop the ingest thread. */
  close(): Promise<void>;
}

export function createEventsRuntime(deps: {
  db: Db;
  store: Store;
  secrets: SecretService;
  config: Config;
  logger: Logger;
}): EventsRuntime {
  const notifier = new EventNotifier();
  const common = { notifier, hooks: new HookCache(deps), subscriptionSecrets: new SubscriptionSecrets(deps.secrets) };
  const database = deps.config.database;
  if (database.kind === 'sqlite' && deps.config.ingestThread) {
    const thread = new IngestThread({
      db: deps.db,
      file: database.file,
      busyTimeoutMs: database.busyTimeoutMs,
      notifier,
      logger: deps.logger,
    });
    // Started by the first delivery (or polled event), not with the server: its two threads cost ~40 MB of RSS,
    // which a gateway that never receives webhooks should not carry.
    return { ...common, ingest: thread, writer: thread, close: () => thread.close() };
  }
  const writer = new EventWriter({ store: deps.store, notifier, logger: deps.logger });
  return { ...common, ingest: inlineIngest(writer), writer, close: () => writer.drain() };
}
