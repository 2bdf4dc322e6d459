import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../http/clock.js';
import type { EventRow } from '../store/event-store.js';
import { newId } from '../store/ids.js';
import type { DeliveryStatus } from '../store/schema.js';
import { type Kind, startTestApp, type TestApp } from '../test-support/harness.js';
import { storeEvents } from '../webhooks/ingest/plan-deliveries.js';
import { EventRetention, type RetentionOptions } from './event-retention.js';

const DAY = 86_400_000;

describe.each<Kind>(['sqlite', 'postgres'])('event retention (%s)', (kind) => {
  let t: TestApp;
  const nowMs = Date.now();
  const clock: Clock = { now: () => nowMs, sleep: async () => undefined };
  const retention = (options: Partial<RetentionOptions> = {}) =>
    new EventRetention({ db: t.runtime.db, logger: t.runtime.logger, clock }, { days: 30, batch: 50, ...options });
  const q = () => t.runtime.db.kysely;
  const count = async (table: 'events' | 'deliveries' | 'delivery_attempts') =>
    Number(
      (
        await q()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** SQLite: the hours (`2026-12-06T04`) of the tenant's raw body files; none on PostgreSQL (bodies in rows). */
  const rawHours = () => {
    const dir = t.runtime.db.rawFiles?.dir;
    if (dir === undefined) return [];
    const names = readdirSync(path.join(dir, t.admin.tenant.id));
    return [...new Set(names.map((n) => n.slice(0, 13)))].sort();
  };
  const hourOf = (ageDays: number) => new Date(nowMs - ageDays * DAY).toISOString().slice(0, 13);

  /** `n` events received `ageDays` ago, each with one (pending) delivery to the tenant's subscription. */
  async function seed(n: number, ageDays: number): Promise<string[]> {
    const ms = nowMs - ageDays * DAY;
    const at = new Date(ms).toISOString();
    const rows: EventRow[] = Array.from({ length: n }, () => ({
      id: newId('evt', ms),
      tenant_id: t.admin.tenant.id,
      connection_id: 'con_gone',
      hook_id: null,
      type: 'push',
      provider: 'bitbucket-cloud',
      dedupe_key: null,
      occurred_at: at,
      received_at: at,
      payload: '{}',
      raw: `{"age_days":${ageDays}}`,
      raw_ref: null,
      vendor_event_key: 'repo:push',
    }));
    return (await storeEvents(t.runtime.store, rows, at)).inserted;
  }
  const settle = async (eventIds: string[], status: DeliveryStatus) => {
    await q().updateTable('deliveries').set({ status }).where('event_id', 'in', eventIds).execute();
  };

  let oldDone: string[];
  let oldPending: string[];
  let recent: string[];
  beforeAll(async () => {
    t = await startTestApp(kind);
    await t.runtime.store.events.insertSubscription({
      id: newId('sub'),
      tenant_id: t.admin.tenant.id,
      url: 'https://subscriber.example.com/hook',
      event_types: '["*"]',
      connection_id: null,
      status: 'active',
      disabled_reason: null,
      created_at: new Date(nowMs - 90 * DAY).toISOString(),
      updated_at: new Date(nowMs - 90 * DAY).toISOString(),
    });
    oldDone = await seed(230, 45);
    oldPending = await seed(3, 40);
    recent = await seed(4, 29);
    await settle(oldDone.slice(0, 200), 'succeeded');
    await settle(oldDone.slice(200, 220), 'dead');
    await settle(oldDone.slice(220), 'failed');
    await settle(recent, 'succeeded');
    const deliveries = await q().selectFrom('deliveries').select(['id', 'event_id']).execute();
    await q()
      .insertInto('delivery_attempts')
      .values(
        deliveries.map((d) => ({
          id: newId('att'),
          delivery_id: d.id,
          attempt: 1,
          worker: 'w',
          started_at: new Date(nowMs - 40 * DAY).toISOString(),
          duration_ms: 3,
          status_code: 200,
          error: null,
          outcome: 'succeeded' as const,
        })),
      )
      .execute();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps everything when the retention is 0 days', async () => {
    expect(await retention({ days: 0 }).runOnce()).toBe(0);
    expect(await count('events')).toBe(237);
    expect(rawHours()).toEqual(kind === 'sqlite' ? [hourOf(45), hourOf(40), hourOf(29)] : []);
  });

  it('stops after maxBatches, leaving the rest to the next run', async () => {
    expect(await retention({ maxBatches: 2 }).runOnce()).toBe(100);
    expect(await count('events')).toBe(137);
    // The hour's other events still point into its file.
    expect(rawHours()).toEqual(kind === 'sqlite' ? [hourOf(45), hourOf(40), hourOf(29)] : []);
  });

  it('deletes expired events with their deliveries and attempts, never one with a pending delivery', async () => {
    expect(await retention().runOnce()).toBe(130);
    const left = await q().selectFrom('events').select('id').orderBy('id').execute();
    expect(left.map((r) => r.id)).toEqual([...oldPending, ...recent].sort());
    expect(await count('deliveries')).toBe(7);
    expect(await count('delivery_attempts')).toBe(7);
    expect(await retention().runOnce()).toBe(0);
    // The expired hour's body file went with its last event; the kept events' bodies are still there.
    expect(rawHours()).toEqual(kind === 'sqlite' ? [hourOf(40), hourOf(29)] : []);
    const kept = await t.runtime.store.events.getEvent(t.admin.tenant.id, oldPending[0] ?? '', true);
    expect(kept?.raw).toBe('{"age_days":40}');
  });

  it('prunes a kept event once its delivery has finished', async () => {
    await settle(oldPending, 'dead');
    expect(await retention().runOnce()).toBe(3);
    expect((await q().selectFrom('events').select('id').execute()).map((r) => r.id).sort()).toEqual([...recent].sort());
    expect(rawHours()).toEqual(kind === 'sqlite' ? [hourOf(29)] : []);
  });
});
