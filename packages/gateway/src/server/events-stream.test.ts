import type { SwitchyardEvent } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitConnectionEvent } from '../services/connection-events.js';
import { runEventStream } from '../services/event-stream.js';
import { newId, nowIso } from '../store/ids.js';
import { waitFor } from '../test-support/event-fixtures.js';
import { type EventGateway, startEventGateway } from '../test-support/event-gateway.js';
import type { Kind } from '../test-support/harness.js';

/** Read a stream in the background until aborted. */
function collect(gw: EventGateway, options: { lastEventId?: string; types?: string[] } = {}) {
  const controller = new AbortController();
  const events: SwitchyardEvent[] = [];
  const done = (async () => {
    try {
      for await (const e of gw.client.events.stream({ ...options, signal: controller.signal })) events.push(e);
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    }
  })();
  return { events, stop: () => controller.abort(), done };
}

describe.each<Kind>(['sqlite', 'postgres'])('event stream (SSE) on %s', (kind) => {
  let gw: EventGateway;
  const emit = (type: 'connection.deleted' | 'connection.reauth_required' = 'connection.reauth_required') =>
    emitConnectionEvent(gw.t.runtime.store, gw.tenantId, gw.connections['bitbucket-cloud'], type, { reason: null });

  beforeAll(async () => {
    gw = await startEventGateway(kind);
  });
  afterAll(async () => gw?.close());

  it('streams new events and resumes after Last-Event-ID', async () => {
    await emit(); // before the stream opened: not sent
    const first = collect(gw);
    await new Promise((r) => setTimeout(r, 200));
    const a = [await emit(), await emit(), await emit()];
    await waitFor(() => first.events.length === 3, 10_000, 'three streamed events');
    expect(first.events.map((e) => e.id)).toEqual(a);
    first.stop();
    await first.done;
    const b = [await emit(), await emit()];
    const resumed = collect(gw, { lastEventId: a[2] ?? '' });
    await waitFor(() => resumed.events.length >= 2, 10_000, 'the events after Last-Event-ID');
    await new Promise((r) => setTimeout(r, 300));
    expect(resumed.events.map((e) => e.id)).toEqual(b);
    resumed.stop();
    await resumed.done;
  });

  it('filters by type', async () => {
    const only = collect(gw, { types: ['connection.deleted'] });
    await new Promise((r) => setTimeout(r, 200));
    await emit('connection.reauth_required');
    const wanted = await emit('connection.deleted');
    await waitFor(() => only.events.length === 1, 10_000, 'the filtered event');
    expect(only.events[0]?.id).toBe(wanted);
    only.stop();
    await only.done;
  });

  it('sends an event that commits after a later one was already sent, and heartbeats', async () => {
    const chunks: string[] = [];
    const controller = new AbortController();
    const sink = { signal: controller.signal, write: async (c: string) => void chunks.push(c) };
    const deps = { store: gw.t.runtime.store, notifier: gw.t.runtime.events.notifier, pollMs: 20, heartbeatMs: 100 };
    const request = { tenantId: gw.tenantId, types: undefined, connectionId: undefined, lastEventId: undefined };
    const running = runEventStream(deps, request, sink);
    await new Promise((r) => setTimeout(r, 50));
    const early = newId('evt'); // taken now, committed after a later id has been streamed
    const later = await emit();
    await waitFor(() => chunks.some((c) => c.includes(later)), 5000, 'the later event');
    const at = nowIso();
    const payload = JSON.stringify({ id: early, type: 'connection.deleted' });
    await gw.t.runtime.store.events.insertEvents([
      {
        id: early,
        tenant_id: gw.tenantId,
        connection_id: gw.connections['bitbucket-cloud'],
        hook_id: null,
        type: 'connection.deleted',
        provider: 'bitbucket-cloud',
        dedupe_key: null,
        occurred_at: at,
        received_at: at,
        payload,
        raw: null,
        raw_ref: null,
        vendor_event_key: 'connection.deleted',
      },
    ]);
    await waitFor(() => chunks.some((c) => c.includes(`id: ${early}`)), 5000, 'the late event');
    await waitFor(() => chunks.includes(': keep-alive\n\n'), 5000, 'a heartbeat');
    controller.abort();
    await running;
    expect(chunks.filter((c) => c.includes(`id: ${later}`))).toHaveLength(1);
  });

  it('ends open streams when the gateway shuts down', async () => {
    const open = collect(gw);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await gw.t.shutdown();
    await open.done;
    // Well before the keep-alive timeout (72 s). The few seconds are a spare socket undici opened without a
    // request, which Node's server.close() leaves to the client to drop.
    expect(Date.now() - started).toBeLessThan(8000);
  });
});
