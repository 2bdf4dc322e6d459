import type { Runtime } from '../../runtime/runtime.js';
import { DeliveryWorker, type WorkerOptions } from './worker.js';

/** The delivery worker of a gateway process, configured from SWITCHYARD_DELIVERY_* (not started). */
export function deliveryWorker(runtime: Runtime, overrides: Partial<WorkerOptions> = {}): DeliveryWorker {
  const { config } = runtime;
  return new DeliveryWorker(
    {
      store: runtime.store,
      secrets: runtime.events.subscriptionSecrets,
      logger: runtime.logger,
      dispatcher: runtime.upstream.guarded(),
      notifier: runtime.events.notifier,
    },
    {
      concurrency: config.deliveryConcurrency,
      pollMs: config.deliveryPollMs,
      timeoutMs: config.deliveryTimeoutMs,
      schedule: config.deliverySchedule,
      ...overrides,
    },
  );
}
