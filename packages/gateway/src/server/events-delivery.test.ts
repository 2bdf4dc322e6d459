import type { SwitchyardEvent } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitConnectionEvent } from '../services/connection-events.js';
import {
  FAST_SCHEDULE,
  localSubscriberEnv,
  type Receiver,
  startReceiver,
  verifyStandardWebhook,
  waitFor,
} from '../test-support/event-fixtures.js';
import {
  captureBytes,
  captures,
  deliver,
  type EventGateway,
  startEventGateway,
} from '../test-support/event-gateway.js';
import type { Kind } from '../test-support/harness.js';
import { TEST_SECRET } from '../test-support/webhook-fixtures.js';
import { deliveryWorker } from '../webhooks/outbox/from-runtime.js';
import type { DeliveryWorker } from '../webhooks/outbox/worker.js';

describe.each<Kind>(['sqlite', 'postgres'])('delivery to subscribers on %s', (kind) => {
  let gw: EventGateway;
  let worker: DeliveryWorker;
  let flaky: Receiver;
  let secret: string;
  const verified = new Map<string, SwitchyardEvent>();
  let bad = 0;

  beforeAll(async () => {
    gw = await startEventGateway(kind, localSubscriberEnv);
    // Fails about half the attempts at random; records only what verifies as a Standard Webhooks delivery.
    flaky = await startReceiver((r) => {
      if (!verifyStandardWebhook(secret, r.headers, r.body)) {
        bad++;
        return 400;
      }
      if (Math.random() < 0.5) return 500;
      const event = JSON.parse(r.body) as SwitchyardEvent;
      expect(r.headers['webhook-id']).toBe(event.id);
      verified.set(event.id, event);
      return 200;
    });
    const sub = await gw.client.subscriptions.create({ url: flaky.url, events: ['*'] });
    secret = sub.secret;
    worker = deliveryWorker(gw.t.runtime, { schedule: FAST_SCHEDULE, pollMs: 20, breaker: { coolDownMs: 50 } });
    worker.start();
  });
  afterAll(async () => {
    await worker?.stop();
    await flaky?.close();
    await gw?.close();
  });

  it('delivers every event to a receiver that fails half the attempts at random', async () => {
    const ids: string[] = [];
    await Promise.all(
      captures.map(async (c) => {
        const hook = await gw.client.hooks.create(gw.connections[c.connection], { secret: TEST_SECRET });
        const res = await deliver(gw.ingestUrl(hook), captureBytes(c), c.headers);
        ids.push(...(res.body.event_ids as string[]));
      }),
    );
    expect(ids).toHaveLength(captures.length);
    await waitFor(() => ids.every((id) => verified.has(id)), 20_000, 'every event delivered');
    for (const id of ids) {
      const stored = await gw.client.events.get(id);
      expect(verified.get(id)).toEqual(stored);
    }
    expect(bad).toBe(0);
    await waitFor(async () => {
      const page = await gw.client.deliveries.list({ limit: 200 });
      return ids.every((id) => page.items.some((d) => d.event_id === id && d.status === 'succeeded'));
    });
    const page = await gw.client.deliveries.list({ limit: 200, status: 'succeeded' });
    const retried = page.items.filter((d) => d.attempts > 1);
    const detail = await gw.client.deliveries.get(retried[0]?.id ?? page.items[0]?.id ?? '');
    expect(detail.attempt_log?.at(-1)).toMatchObject({ outcome: 'succeeded', status_code: 200 });
    expect(detail.attempt_log?.length).toBe(detail.attempts);
  });

  it('replays a stored event as a new delivery', async () => {
    const [first] = (await gw.client.events.list({ limit: 1 })).items;
    if (first === undefined) throw new Error('no event');
    verified.delete(first.id);
    const replay = await gw.client.events.replay(first.id);
    expect(replay.deliveries).toHaveLength(1);
    await waitFor(() => verified.has(first.id), 20_000, 'the replayed event');
    const all = await gw.client.deliveries.list({ event_id: first.id });
    expect(all.items.length).toBeGreaterThanOrEqual(2);
  });

  it('delivers the gateway’s own connection events', async () => {
    const connectionId = gw.connections['confluence-dc'];
    const id = await emitConnectionEvent(gw.t.runtime.store, gw.tenantId, connectionId, 'connection.reauth_required', {
      reason: 'the refresh token was revoked',
    });
    await waitFor(() => verified.has(id), 20_000, 'the connection event');
    expect(verified.get(id)).toMatchObject({
      type: 'connection.reauth_required',
      provider: 'confluence-dc',
      subject: { kind: 'connection', connection_id: connectionId, reason: 'the refresh token was revoked' },
    });
  });

  it('disables a subscription whose endpoint answers 410 Gone', async () => {
    const gone = await startReceiver(() => 410);
    try {
      const sub = await gw.client.subscriptions.create({ url: gone.url, events: ['push'] });
      const hook = await gw.client.hooks.create(gw.connections['bitbucket-dc'], { secret: TEST_SECRET });
      const push = captures.find((c) => c.type === 'push' && c.connection === 'bitbucket-dc');
      if (push === undefined) throw new Error('no push capture');
      const headers = { ...push.headers, 'X-Request-Id': 'gone-1' };
      await deliver(gw.ingestUrl(hook), captureBytes(push), headers);
      await waitFor(async () => (await gw.client.subscriptions.get(sub.id)).status === 'disabled');
      expect((await gw.client.subscriptions.get(sub.id)).disabled_reason).toMatch(/410 Gone/);
      const [failed] = (await gw.client.deliveries.list({ subscription_id: sub.id })).items;
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 410 });
      await deliver(gw.ingestUrl(hook), captureBytes(push), { ...push.headers, 'X-Request-Id': 'gone-2' });
      expect((await gw.client.deliveries.list({ subscription_id: sub.id })).items).toHaveLength(1);
      expect(gone.received).toHaveLength(1);
    } finally {
      await gone.close();
    }
  });
});
