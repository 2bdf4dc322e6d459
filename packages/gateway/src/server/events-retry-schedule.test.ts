import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../http/clock.js';
import { emitConnectionEvent } from '../services/connection-events.js';
import { localSubscriberEnv, type Receiver, startReceiver } from '../test-support/event-fixtures.js';
import { type EventGateway, startEventGateway } from '../test-support/event-gateway.js';
import type { Kind } from '../test-support/harness.js';
import { deliveryWorker } from '../webhooks/outbox/from-runtime.js';
import { DEFAULT_SCHEDULE, parseSchedule } from '../webhooks/outbox/schedule.js';

const SCHEDULE = parseSchedule(DEFAULT_SCHEDULE);

describe.each<Kind>(['sqlite', 'postgres'])('retry schedule with an injected clock on %s', (kind) => {
  let gw: EventGateway;
  let failing: Receiver;

  beforeAll(async () => {
    gw = await startEventGateway(kind, localSubscriberEnv);
    failing = await startReceiver(() => 503);
  });
  afterAll(async () => {
    await failing?.close();
    await gw?.close();
  });

  it('retries on the documented schedule for more than 24 hours, then gives up (dead)', async () => {
    await gw.client.subscriptions.create({ url: failing.url, events: ['connection.deleted'] });
    const connectionId = gw.connections['bitbucket-cloud'];
    const eventId = await emitConnectionEvent(gw.t.runtime.store, gw.tenantId, connectionId, 'connection.deleted', {
      reason: 'deleted through the API',
    });
    // The clock starts once the delivery exists (due at once). random() = 0.5 puts every wait exactly on the
    // schedule (no jitter); the breaker is kept out of the way.
    const start = Date.now();
    const clock = manualClock(start);
    const worker = deliveryWorker(gw.t.runtime, {
      clock,
      random: () => 0.5,
      schedule: SCHEDULE,
      breaker: { failureThreshold: 1_000_000 },
    });
    const waits: number[] = [];
    let attemptAt = clock.now();
    for (let attempt = 1; attempt <= SCHEDULE.length + 1; attempt++) {
      expect(await worker.runOnce()).toBe(1);
      const [delivery] = (await gw.client.deliveries.list({ event_id: eventId })).items;
      if (delivery === undefined) throw new Error('no delivery');
      expect(delivery.attempts).toBe(attempt);
      if (attempt === SCHEDULE.length + 1) {
        expect(delivery).toMatchObject({ status: 'dead', next_attempt_at: null, last_status_code: 503 });
        break;
      }
      expect(delivery.status).toBe('pending');
      const due = Date.parse(delivery.next_attempt_at ?? '');
      waits.push(due - attemptAt);
      // Nothing is claimed a moment before it is due.
      clock.advance(due - clock.now() - 1);
      expect(await worker.runOnce()).toBe(0);
      clock.advance(1);
      attemptAt = clock.now();
    }
    expect(waits).toEqual(SCHEDULE);
    expect(clock.now() - start).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    expect(failing.received).toHaveLength(SCHEDULE.length + 1);
    const [dead] = (await gw.client.deliveries.list({ status: 'dead' })).items;
    const log = await gw.client.deliveries.get(dead?.id ?? '');
    expect(log.attempt_log?.map((a) => a.outcome)).toEqual([...SCHEDULE.map(() => 'retry'), 'dead']);
    // The receiver saw the same webhook-id on every attempt, with the timestamp of each attempt.
    expect(new Set(failing.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([eventId]));
    const stamps = failing.received.map((r) => Number(r.headers['webhook-timestamp']));
    expect(stamps.at(-1)).toBe(Math.floor(clock.now() / 1000));
  });

  it('postpones deliveries to an endpoint whose circuit breaker is open, without attempting them', async () => {
    const before = failing.received.length;
    const connectionId = gw.connections['bitbucket-dc'];
    const first = await emitConnectionEvent(gw.t.runtime.store, gw.tenantId, connectionId, 'connection.deleted', {
      reason: null,
    });
    const clock = manualClock(Date.now());
    const worker = deliveryWorker(gw.t.runtime, {
      clock,
      schedule: [1000],
      random: () => 0,
      breaker: { failureThreshold: 1, failureRatio: 0, coolDownMs: 60_000 },
    });
    expect(await worker.runOnce()).toBe(1); // fails: the breaker opens
    const second = await emitConnectionEvent(gw.t.runtime.store, gw.tenantId, connectionId, 'connection.deleted', {
      reason: null,
    });
    clock.advance(1000);
    expect(await worker.runOnce()).toBe(2);
    expect(failing.received.length).toBe(before + 1);
    for (const id of [first, second]) {
      const [d] = (await gw.client.deliveries.list({ event_id: id })).items;
      expect(d?.last_error).toMatch(/circuit breaker is open/);
      expect(Date.parse(d?.next_attempt_at ?? '')).toBeGreaterThanOrEqual(clock.now() + 59_000);
    }
  });
});
