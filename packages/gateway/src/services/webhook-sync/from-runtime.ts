import type { Runtime } from '../../runtime/runtime.js';
import { RegistrationStore } from '../../store/registration-store.js';
import { WebhookRefresher } from './refresh-job.js';
import type { WebhookSyncDeps } from './sync.js';

/** What the webhook sync, its delete hook and its refresh job need of a gateway process. */
export function webhookSyncDeps(runtime: Runtime): WebhookSyncDeps {
  return {
    store: runtime.store,
    secrets: runtime.secrets,
    config: runtime.config,
    hooks: runtime.events.hooks,
    outbound: runtime.outbound,
    targets: runtime.targets,
    logger: runtime.logger,
    registrations: new RegistrationStore(runtime.db.kysely),
  };
}

/** The Jira dynamic webhook refresh job of a gateway process (not started). */
export function webhookRefresher(runtime: Runtime): WebhookRefresher {
  return new WebhookRefresher(webhookSyncDeps(runtime));
}
