#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { KeepAlive } from './auth/keepalive.js';
import { ConfigError, loadConfig } from './config/load.js';
import { createLogger } from './logging/logger.js';
import { announceAdminKey } from './runtime/admin-key-banner.js';
import { createRuntime } from './runtime/runtime.js';
import { buildApp } from './server/app.js';
import { bootstrap } from './services/bootstrap.js';
import { confluencePoller } from './services/confluence-poll/from-runtime.js';
import { eventRetention } from './services/event-retention.js';
import { webhookRefresher } from './services/webhook-sync/from-runtime.js';
import { deliveryWorker } from './webhooks/outbox/from-runtime.js';

/** Start the gateway: config → database (migrated) → first-start bootstrap → HTTP server → signals. */
export async function serve(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`switchyard: ${err.message}\nSee docs/configuration.md.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const runtime = await createRuntime(config, logger);
  const created = await bootstrap(runtime.store);
  if (created !== undefined) announceAdminKey(created, config.dataDir);
  const { app, shutdown } = await buildApp(runtime);
  const keepAlive = new KeepAlive({ store: runtime.store, grants: runtime.grants, config, logger });
  const deliveries = deliveryWorker(runtime);
  const poller = confluencePoller(runtime);
  const retention = eventRetention(runtime);
  const webhookRefresh = webhookRefresher(runtime);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting with requests still open');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    await shutdown();
    await poller.stop();
    await retention.stop();
    await deliveries.stop();
    await keepAlive.stop();
    await webhookRefresh.stop();
    await runtime.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ host: config.host, port: config.port });
  keepAlive.start();
  deliveries.start();
  poller.start();
  retention.start();
  webhookRefresh.start();
  logger.info({ database: config.database.kind, docs: '/docs' }, 'switchyard ready');
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  serve().catch((err: unknown) => {
    process.stderr.write(`switchyard: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
