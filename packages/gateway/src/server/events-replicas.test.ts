import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { localSubscriberEnv, type Receiver, startReceiver, waitFor } from '../test-support/event-fixtures.js';
import {
  captureBytes,
  captures,
  deliver,
  type EventGateway,
  startEventGateway,
} from '../test-support/event-gateway.js';
import { LogCapture } from '../test-support/harness.js';
import { TEST_SECRET } from '../test-support/webhook-fixtures.js';
import { deliveryWorker } from '../webhooks/outbox/from-runtime.js';
import type { DeliveryWorker } from '../webhooks/outbox/worker.js';

/**
 * Two replicas (two runtimes, two pools, two workers) over one PostgreSQL schema: every claim goes to exactly one
 * of them, so the receiver never sees two attempts of one delivery at the same time.
 */
describe('delivery workers on two replicas over PostgreSQL', () => {
  let gw: EventGateway;
  let second: Runtime;
  let receiver: Receiver;
  const workers: DeliveryWorker[] = [];
  const active = new Map<string, number>();
  const overlaps: string[] = [];
  const succeeded = new Set<string>();
  const attemptsSeen = new Map<string, number>();

  beforeAll(async () => {
    gw = await startEventGateway('postgres', localSubscriberEnv);
    second = await createRuntime(gw.t.config, createLogger('warn', new LogCapture()));
    receiver = await startReceiver(async (r) => {
      const id = String(r.headers['webhook-id']);
      attemptsSeen.set(id, (attemptsSeen.get(id) ?? 0) + 1);
      const now = (active.get(id) ?? 0) + 1;
      active.set(id, now);
      if (now > 1) overlaps.push(id);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
      active.set(id, (active.get(id) ?? 1) - 1);
      if (Math.random() < 0.3) return 503;
      succeeded.add(id);
      return 204;
    });
    await gw.client.subscriptions.create({ url: receiver.url, events: ['*'] });
    const options = { schedule: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120], pollMs: 10 };
    for (const runtime of [gw.t.runtime, second]) {
      const worker = deliveryWorker(runtime, { ...options, concurrency: 8, breaker: { failureThreshold: 10_000 } });
      workers.push(worker);
      worker.start();
    }
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await receiver?.close();
    await second?.close();
    await gw?.close();
  });

  it('claims each attempt on exactly one replica', async () => {
    const hooks = await Promise.all(
      Object.values(gw.connections).map((id) => gw.client.hooks.create(id, { secret: TEST_SECRET })),
    );
    const byConnection = new Map(hooks.map((h) => [h.connection_id, h]));
    const ids: string[] = [];
    for (let round = 0; round < 8; round++) {
      await Promise.all(
        captures.map(async (c) => {
          const hook = byConnection.get(gw.connections[c.connection]);
          if (hook === undefined) throw new Error('no hook');
          const headers = Object.fromEntries(
            Object.entries(c.headers).map(([k, v]) => [k, k === 'X-Event-Key' ? v : `${v}-${round}`]),
          );
          const res = await deliver(gw.ingestUrl(hook), captureBytes(c), headers);
          ids.push(...(res.body.event_ids as string[]));
        }),
      );
    }
    expect(ids).toHaveLength(captures.length * 8);
    await waitFor(() => ids.every((id) => succeeded.has(id)), 30_000, 'every event delivered');
    expect(overlaps).toEqual([]);
    // Both replicas did work, and the receiver saw exactly the attempts the log recorded.
    const rows = await gw.t.runtime.db.kysely
      .selectFrom('delivery_attempts')
      .select(['worker', 'delivery_id'])
      .execute();
    expect(new Set(rows.map((r) => r.worker)).size).toBe(2);
    await waitFor(async () => (await gw.t.runtime.store.events.countDeliveries('pending')) === 0);
    const logged = await gw.t.runtime.db.kysely.selectFrom('delivery_attempts').select('id').execute();
    const seen = [...attemptsSeen.values()].reduce((a, b) => a + b, 0);
    expect(logged.length).toBe(seen);
  });
});
