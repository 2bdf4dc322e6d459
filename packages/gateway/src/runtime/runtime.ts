import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { GrantManager } from '../auth/grant-manager.js';
import type { ReauthListener } from '../auth/grant-status.js';
import type { Config } from '../config/load.js';
import type { Keyring } from '../crypto/keyring.js';
import { type LoadedKeyring, loadKeyring } from '../crypto/master-key.js';
import { UpstreamDispatchers } from '../http/safe-dispatcher.js';
import { UpstreamClient } from '../http/upstream-client.js';
import { Authenticator } from '../services/authenticate.js';
import { emitConnectionEvent } from '../services/connection-events.js';
import { ProxyTargets } from '../services/proxy-targets.js';
import { SecretService } from '../services/secrets.js';
import { type Db, migrate, openDatabase } from '../store/connect.js';
import { KyselyStore } from '../store/kysely-store.js';
import type { Store } from '../store/store.js';
import { createEventsRuntime, type EventsRuntime } from '../webhooks/events-runtime.js';

/** Everything a running gateway (server or CLI command) holds: built once, closed once. */
export interface Runtime {
  config: Config;
  logger: Logger;
  db: Db;
  store: Store;
  keyring: Keyring;
  keyringSource: LoadedKeyring['source'];
  secrets: SecretService;
  authenticator: Authenticator;
  /** Credentials for upstream calls: token grants as they are, OAuth grants refreshed single-flight. */
  grants: GrantManager;
  /** Records a `connection.reauth_required` event, in the transaction that marks a grant so (auth/grant-status.ts). */
  onReauthRequired: ReauthListener;
  /** undici dispatchers for upstream calls: trusted cloud origins, host-guarded everything else. */
  upstream: UpstreamDispatchers;
  /** The outbound client of provider calls (the proxy, …): retries, budgets, breakers, refresh after a 401. */
  outbound: UpstreamClient;
  /** Webhook ingest and event delivery: hook cache, the ingest sink and writer, the "new events" signal. */
  events: EventsRuntime;
  /** Told when a connection changes or goes, so in-memory caches (the proxy's) drop it at once. */
  connectionChanges: EventEmitter<{ changed: [tenantId: string, connectionId: string] }>;
  /**
   * Connection lookups and credentials for upstream calls, cached for a few seconds: one cache per process,
   * shared by the proxy and the normalized APIs, dropped for a connection as soon as it changes.
   */
  targets: ProxyTargets;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Apply pending migrations (the server and `switchyard migrate` do; other commands require none pending). */
  migrate?: boolean;
}

export async function createRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const loaded = loadKeyring(config);
  if (loaded.generatedFile !== undefined) {
    logger.warn(
      { file: loaded.generatedFile },
      'generated a master key file for the embedded default; back it up with the data dir, or set SWITCHYARD_MASTER_KEY',
    );
  } else if (loaded.source === 'file') {
    logger.warn(
      'secrets are encrypted with the master key file in the data dir; set SWITCHYARD_MASTER_KEY in production',
    );
  }
  const db = openDatabase(config.database);
  try {
    if (options.migrate !== false) {
      const report = await migrate(db, config.database);
      if (report.applied.length > 0) logger.info({ applied: report.applied }, 'database migrated');
    }
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const store = new KyselyStore(db);
  const upstream = new UpstreamDispatchers(config);
  const outbound = new UpstreamClient();
  const secrets = new SecretService(store, loaded.keyring);
  const events = createEventsRuntime({ db, store, secrets, config, logger });
  const onReauthRequired: ReauthListener = async (tx, connection, reason) => {
    await emitConnectionEvent(tx, connection.tenantId, connection.id, 'connection.reauth_required', {
      reason,
      provider: connection.provider,
    });
  };
  const grants = new GrantManager({ store, secrets, config, logger, upstream, onReauthRequired });
  const targets = new ProxyTargets({ store, config, grants, upstream });
  const connectionChanges: Runtime['connectionChanges'] = new EventEmitter();
  connectionChanges.on('changed', (tenantId, connectionId) => targets.invalidate(tenantId, connectionId));
  return {
    config,
    logger,
    db,
    store,
    keyring: loaded.keyring,
    keyringSource: loaded.source,
    secrets,
    authenticator: new Authenticator(store),
    grants,
    onReauthRequired,
    upstream,
    outbound,
    events,
    connectionChanges,
    targets,
    close: async () => {
      await events.close();
      await outbound.close();
      await upstream.close();
      await db.destroy();
    },
  };
}
