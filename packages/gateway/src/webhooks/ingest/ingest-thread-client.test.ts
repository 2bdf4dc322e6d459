import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/harness.js';
import { fixtureBytes } from '../../test-support/webhook-fixtures.js';
import type { Committed } from '../notifier.js';
import { IngestThread } from './ingest-thread-client.js';
import type { DeliveryJob } from './store-delivery.js';

/** The SQLite ingest thread (the built dist/ file) behind a test gateway's runtime. */
describe('the SQLite ingest thread', () => {
  let t: TestApp;
  let thread: IngestThread;
  const committed: Committed[] = [];
  const body = fixtureBytes('bitbucket-cloud/pullrequest_created.json');
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    const sink = t.runtime.events.ingest;
    if (!(sink instanceof IngestThread)) throw new Error('the SQLite runtime should ingest through the thread');
    thread = sink;
    t.runtime.events.notifier.subscribe((what) => committed.push(what));
  });
  afterAll(async () => t?.close());

  const job = (overrides: Partial<DeliveryJob> = {}): DeliveryJob => ({
    hook: {
      id: 'hk_thread_test',
      tenantId: t.admin.tenant.id,
      connectionId: 'con_thread_test',
      provider: 'bitbucket-cloud',
      source: 'bitbucket-cloud',
    },
    body,
    headers: { 'x-event-key': 'pullrequest:created' },
    dedupeKey: `x-request-uuid:thread-${++n}`,
    receivedAtMs: Date.now(),
    ...overrides,
  });
  const autoCheckpoint = () => t.runtime.db.sqlite?.pragma('wal_autocheckpoint', { simple: true });

  it('commits a delivery before it answers, and signals the commit', async () => {
    const before = committed.length;
    const outcome = await thread.store(job());
    expect(outcome.status).toBe('accepted');
    const [id] = outcome.status === 'accepted' ? outcome.event_ids : [];
    if (id === undefined) throw new Error('no event id');
    const stored = await t.runtime.store.events.getEvent(t.admin.tenant.id, id, true);
    expect(stored).toMatchObject({ id, type: 'pull_request.opened', hook_id: 'hk_thread_test' });
    expect(stored?.raw).toBe(body.toString('utf8'));
    expect(committed.slice(before)).toEqual([{ events: 1, deliveries: 0 }]);
    expect(thread.running).toBe(true);
  });

  it('leaves the body it was given intact (the thread gets a copy)', async () => {
    const own = Buffer.from(body);
    await thread.store(job({ body: own }));
    expect(own.equals(body)).toBe(true);
  });

  it('answers a retried delivery, an unmapped event and a body that is not JSON', async () => {
    const first = job();
    expect((await thread.store(first)).status).toBe('accepted');
    expect(await thread.store({ ...first })).toEqual({ status: 'duplicate' });
    expect(await thread.store(job({ headers: { 'x-event-key': 'repo:fork' }, body: Buffer.from('{}') }))).toEqual({
      status: 'ignored',
    });
    expect(await thread.store(job({ body: Buffer.from('{"cut":') }))).toEqual({ status: 'invalid_json' });
  });

  it('fails only the delivery that fails', async () => {
    const bad = job({ hook: { ...job().hook, tenantId: 'ten_missing' } });
    const results = await Promise.allSettled([thread.store(job()), thread.store(bad), thread.store(job())]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const failure = results[1];
    expect(failure?.status === 'rejected' && String(failure.reason)).toMatch(/FOREIGN KEY/);
  });

  it('answers each call of a burst sent in batches with its own outcome', async () => {
    // 21 calls in one turn: posted as batches of 8, 8 and 5, a duplicate and a failure among them.
    const first = job();
    const bad = job({ hook: { ...job().hook, tenantId: 'ten_missing' } });
    const burst = [first, ...Array.from({ length: 18 }, () => job()), { ...first }, bad];
    const results = await Promise.allSettled(burst.map((j) => thread.store(j)));
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'failed'));
    expect(outcomes).toEqual([...Array.from({ length: 19 }, () => 'accepted'), 'duplicate', 'failed']);
    const ids = results.flatMap((r) =>
      r.status === 'fulfilled' && r.value.status === 'accepted' ? r.value.event_ids : [],
    );
    expect(new Set(ids).size).toBe(19);
    const stored = await Promise.all(ids.map((id) => t.runtime.store.events.getEvent(t.admin.tenant.id, id, false)));
    expect(stored.every((e) => e !== undefined)).toBe(true);
  });

  it('commits a burst in chunks of at most 32 deliveries, and a drain waits for the ones not parsed yet', async () => {
    // 300 calls in one turn reach the thread as 38 messages before it turns its event loop; parsed all at once they
    // would be committed (and answered) together. The drain is posted with them, so it reaches the thread before
    // any of them is parsed: it must still answer only after all of them.
    const before = committed.length;
    let answered = 0;
    const burst = Array.from({ length: 300 }, () => thread.store(job()).finally(() => answered++));
    await thread.drain();
    expect(answered).toBe(300);
    const outcomes = await Promise.all(burst);
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    const commits = committed.slice(before).map((c) => c.events);
    expect(commits.reduce((a, b) => a + b, 0)).toBe(300);
    expect(Math.max(...commits)).toBeLessThanOrEqual(32);
    expect(commits.length).toBeGreaterThanOrEqual(10);
  });

  it('commits rows made elsewhere (polling) through write()', async () => {
    const id = `evt_thread_write_${Date.now()}`;
    const at = new Date().toISOString();
    const row = {
      id,
      tenant_id: t.admin.tenant.id,
      connection_id: 'con_thread_test',
      hook_id: null,
      type: 'page.created',
      provider: 'atlassian-cloud',
      dedupe_key: null,
      occurred_at: at,
      received_at: at,
      payload: '{}',
      raw: null,
      raw_ref: null,
      vendor_event_key: 'page_created',
    };
    expect(await thread.write([row])).toEqual([id]);
    await thread.drain();
    expect(await t.runtime.store.events.getEvent(t.admin.tenant.id, id, false)).toMatchObject({ id });
  });

  it('turns the main connection’s automatic checkpoints off while it runs, and starts again after a close', async () => {
    expect(autoCheckpoint()).toBe(0);
    // Meanwhile the main connection's transactions go through the checkpoint thread's gate.
    expect(t.runtime.db.gate).toBeDefined();
    await t.runtime.store.transaction(async (tx) => tx.countTenants());
    await thread.close();
    expect(thread.running).toBe(false);
    expect(t.runtime.db.gate).toBeUndefined();
    expect(autoCheckpoint()).toBe(1000);
    expect((await thread.store(job())).status).toBe('accepted');
    expect(thread.running).toBe(true);
    expect(autoCheckpoint()).toBe(0);
  });
});
