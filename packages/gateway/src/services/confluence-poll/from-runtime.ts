import type { Runtime } from '../../runtime/runtime.js';
import { PollStore } from './poll-store.js';
import { ConfluencePoller, type PollerOptions } from './poller.js';

/** The Confluence Cloud poller of a gateway process (not started): polled events go through the ingest writer. */
export function confluencePoller(runtime: Runtime, options: Partial<PollerOptions> = {}): ConfluencePoller {
  return new ConfluencePoller(
    {
      polls: new PollStore(runtime.db),
      writer: runtime.events.writer,
      transport: { config: runtime.config, outbound: runtime.outbound, targets: runtime.targets },
      logger: runtime.logger,
    },
    options,
  );
}
