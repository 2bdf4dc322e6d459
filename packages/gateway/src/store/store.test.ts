import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { type Kind, type TestEnv, testEnv } from '../test-support/harness.js';
import { type Db, migrate, openDatabase } from './connect.js';
import type { EventRow } from './event-store.js';
import { newId, nowIso } from './ids.js';
import { KyselyStore } from './kysely-store.js';
import { migrations } from './migrations/index.js';
import type { ApiKeyRow, SecretRow, Store, TenantRow } from './store.js';

const tenantRow = (slug: string): TenantRow => ({ id: newId('ten'), slug, name: slug, created_at: nowIso() });
const keyRow = (tenantId: string, name: string): ApiKeyRow => ({
  id: newId('key'),
  tenant_id: tenantId,
  name,
  role: 'tenant',
  prefix: 'syk_x',
  key_hash: 'ab'.repeat(32),
  created_at: nowIso(),
  last_used_at: null,
  revoked_at: null,
});
const secretRow = (tenantId: string, ownerId: string, field: string, keyId = 'k1'): SecretRow => ({
  id: newId('sec'),
  tenant_id: tenantId,
  owner_table: 'oauth_apps',
  owner_id: ownerId,
  field,
  key_id: keyId,
  wrapped_key: 'wrapped',
  ciphertext: 'cipher',
  created_at: nowIso(),
  updated_at: nowIso(),
});

/** A `push` event received now through `hookId`, with the delivery id `dedupeKey` and its body `raw`. */
const eventRow = (tenantId: string, hookId: string, dedupeKey: string, raw: string | null): EventRow => ({
  id: newId('evt'),
  tenant_id: tenantId,
  connection_id: 'con_x',
  hook_id: hookId,
  type: 'push',
  provider: 'bitbucket-cloud',
  dedupe_key: dedupeKey,
  occurred_at: nowIso(),
  received_at: nowIso(),
  payload: '{}',
  raw,
  raw_ref: null,
  vendor_event_key: 'repo:push',
});

describe.each<Kind>(['sqlite', 'postgres'])('store on %s', (kind) => {
  let te: TestEnv;
  let db: Db;
  let store: Store;

  beforeAll(async () => {
    te = testEnv(kind);
    const config = loadConfig(te.env);
    db = openDatabase(config.database);
    const first = await migrate(db, config.database);
    expect(first.applied).toEqual(Object.keys(migrations).sort());
    expect(first.applied[0]).toBe('0001-initial');
    // Applying again is a no-op: migrations are versioned, not re-run.
    expect((await migrate(db, config.database)).applied).toEqual([]);
    store = new KyselyStore(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await te?.cleanup();
  });

  it('reports no pending migration and answers ping', async () => {
    await store.ping();
    expect(await store.pendingMigrations()).toEqual([]);
  });

  it('creates, finds and pages tenants in id order', async () => {
    const rows = [tenantRow('alpha'), tenantRow('beta'), tenantRow('gamma')];
    for (const r of rows) await store.insertTenant(r);
    expect(await store.countTenants()).toBe(3);
    expect(await store.getTenant(rows[1]?.id ?? '')).toEqual(rows[1]);
    expect(await store.getTenantBySlug('gamma')).toEqual(rows[2]);
    expect(await store.getTenant('ten_missing')).toBeUndefined();
    const first = await store.listTenants({ limit: 2 });
    expect(first.map((t) => t.slug)).toEqual(['alpha', 'beta']);
    const second = await store.listTenants({ limit: 2, after: first[1]?.id ?? '' });
    expect(second.map((t) => t.slug)).toEqual(['gamma']);
  });

  it('refuses a duplicate tenant slug', async () => {
    await expect(store.insertTenant(tenantRow('alpha'))).rejects.toThrow();
  });

  it('rolls a failed transaction back whole', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.insertTenant(tenantRow('rolled-back'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.getTenantBySlug('rolled-back')).toBeUndefined();
  });

  it('keeps API keys per tenant, revokes once and records use', async () => {
    const t1 = (await store.getTenantBySlug('alpha')) as TenantRow;
    const t2 = (await store.getTenantBySlug('beta')) as TenantRow;
    const k1 = keyRow(t1.id, 'one');
    const k2 = keyRow(t2.id, 'two');
    await store.insertApiKey(k1);
    await store.insertApiKey(k2);
    expect((await store.listApiKeys(t1.id, { limit: 10 })).map((k) => k.name)).toEqual(['one']);
    expect((await store.listApiKeys(undefined, { limit: 10 })).map((k) => k.name)).toEqual(['one', 'two']);
    const revoked = await store.revokeApiKey(k1.id, '2030-01-01T00:00:00.000Z');
    expect(revoked?.revoked_at).toBe('2030-01-01T00:00:00.000Z');
    // A second revoke keeps the first timestamp.
    expect((await store.revokeApiKey(k1.id, '2031-01-01T00:00:00.000Z'))?.revoked_at).toBe('2030-01-01T00:00:00.000Z');
    await store.touchApiKey(k2.id, '2030-02-02T00:00:00.000Z');
    expect((await store.getApiKey(k2.id))?.last_used_at).toBe('2030-02-02T00:00:00.000Z');
  });

  it('refuses an API key for a tenant that does not exist (foreign keys on)', async () => {
    await expect(store.insertApiKey(keyRow('ten_nope', 'orphan'))).rejects.toThrow();
  });

  it('upserts, reads and deletes secrets by owner and field', async () => {
    const t = (await store.getTenantBySlug('alpha')) as TenantRow;
    await store.putSecret(secretRow(t.id, 'app1', 'client_secret'));
    await store.putSecret({ ...secretRow(t.id, 'app1', 'client_secret'), ciphertext: 'cipher2' });
    await store.putSecret(secretRow(t.id, 'app1', 'other'));
    expect((await store.getSecret('oauth_apps', 'app1', 'client_secret'))?.ciphertext).toBe('cipher2');
    expect(await store.deleteSecrets('oauth_apps', 'app1')).toBe(2);
    expect(await store.getSecret('oauth_apps', 'app1', 'client_secret')).toBeUndefined();
  });

  it('re-wraps secrets with compare-and-swap on the key id', async () => {
    const t = (await store.getTenantBySlug('beta')) as TenantRow;
    for (let i = 0; i < 5; i++) await store.putSecret(secretRow(t.id, `o${i}`, 'f', i % 2 === 0 ? 'old' : 'new'));
    const old = await store.listSecretsNotWrappedBy('new', { limit: 10 });
    expect(old).toHaveLength(3);
    const target = old[0] as SecretRow;
    expect(await store.rewrapSecret(target.id, 'old', 'new', 'w2', nowIso())).toBe(true);
    // The row no longer has the expected key id: a second swap must not apply.
    expect(await store.rewrapSecret(target.id, 'old', 'new', 'w3', nowIso())).toBe(false);
    expect((await store.getSecret('oauth_apps', target.owner_id, 'f'))?.wrapped_key).toBe('w2');
    const page = await store.listSecretsNotWrappedBy('new', { limit: 1 });
    expect(page).toHaveLength(1);
    const rest = await store.listSecretsNotWrappedBy('new', { limit: 10, after: page[0]?.id ?? '' });
    expect(rest).toHaveLength(1);
  });

  it('stores events once per hook and delivery id, in a transaction and outside one', async () => {
    const tenant = tenantRow('events');
    await store.insertTenant(tenant);
    const push = (hookId: string, dedupeKey: string) => eventRow(tenant.id, hookId, dedupeKey, '{"push":{}}');
    // In a transaction (on SQLite, the ingest path's prepared statement; it tells a duplicate by the change count).
    const first = [push('hook_a', 'd1'), push('hook_a', 'd2'), push('hook_b', 'd1')];
    expect(await store.transaction((tx) => tx.events.insertEvents(first))).toEqual(first.map((r) => r.id));
    const again = [push('hook_a', 'd1'), push('hook_a', 'd3')];
    expect(await store.transaction((tx) => tx.events.insertEvents(again))).toEqual([again[1]?.id]);
    // Outside one (kysely's multi-row insert).
    const outside = [push('hook_b', 'd1'), push('hook_b', 'd2')];
    expect(await store.events.insertEvents(outside)).toEqual([outside[1]?.id]);
    // Only the delivery id's conflict is skipped: an event id used twice is an error, and rolls its batch back.
    const clash = push('hook_c', 'd1');
    await expect(
      store.transaction((tx) => tx.events.insertEvents([clash, { ...push('hook_c', 'd2'), id: clash.id }])),
    ).rejects.toThrow();
    expect(await store.events.getEvent(tenant.id, clash.id, false)).toBeUndefined();
    expect((await store.events.getEvent(tenant.id, first[0]?.id ?? '', true))?.raw).toBe('{"push":{}}');
  });

  it('keeps raw bodies in files on SQLite and in the rows on PostgreSQL, and reads them back either way', async () => {
    const tenant = tenantRow('raw-bodies');
    await store.insertTenant(tenant);
    const body = '{"pullrequest":{"title":"Grüße, café"}}';
    const bytes = Buffer.from(body);
    const delivered = (dedupeKey: string, raw: string | null) => eventRow(tenant.id, 'hook_raw', dedupeKey, raw);
    // Two events of one delivery share its bytes; one event has no body; one comes without its bytes.
    const rows = [
      { ...delivered('r1', body), rawBytes: bytes },
      { ...delivered('r1#1', body), rawBytes: bytes },
      delivered('r2', null),
      delivered('r3', '{"text":"only"}'),
    ];
    const ids = rows.map((r) => r.id);
    // Placed before the transaction (as the group commit does), or by the insert itself (the row outside one).
    const placed = store.events.placeBodies(rows.slice(0, 3));
    expect(placed.map((r) => r.raw_ref !== null)).toEqual(
      kind === 'sqlite' ? [true, true, false] : [false, false, false],
    );
    expect(await store.transaction((tx) => tx.events.insertEvents(placed))).toEqual(ids.slice(0, 3));
    expect(await store.events.insertEvents(rows.slice(3))).toEqual(ids.slice(3));
    const stored = await db.kysely
      .selectFrom('events')
      .select(['id', 'raw', 'raw_ref'])
      .where('tenant_id', '=', tenant.id)
      .orderBy('id')
      .execute();
    if (kind === 'sqlite') {
      expect(stored.map((r) => r.raw)).toEqual([null, null, null, null]);
      const [a, b, none, c] = stored.map((r) => r.raw_ref);
      expect(a).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}\.[0-9a-f]{12}-[01]\.raw:\d+:\d+$/);
      expect(b).toBe(a); // written once
      expect(none).toBeNull();
      expect(c).not.toBe(a);
    } else {
      expect(stored.map((r) => r.raw)).toEqual([body, body, null, '{"text":"only"}']);
      expect(stored.map((r) => r.raw_ref)).toEqual([null, null, null, null]);
    }
    const listed = await store.events.listEvents(tenant.id, { includeRaw: true }, { limit: 10 });
    expect(listed.map((e) => e.raw)).toEqual([body, body, null, '{"text":"only"}']);
    expect(listed.every((e) => !('raw_ref' in e))).toBe(true);
    expect((await store.events.getEvent(tenant.id, ids[1] ?? '', true))?.raw).toBe(body);
    expect(await store.events.getEvent(tenant.id, ids[1] ?? '', false)).not.toHaveProperty('raw');
  });

  it('deletes a tenant’s keys and secrets with the tenant (cascade)', async () => {
    const t = tenantRow('doomed');
    await store.insertTenant(t);
    await store.insertApiKey(keyRow(t.id, 'k'));
    await store.putSecret(secretRow(t.id, 'doomed-app', 'f'));
    await db.kysely.deleteFrom('tenants').where('id', '=', t.id).execute();
    expect(await store.listApiKeys(t.id, { limit: 10 })).toEqual([]);
    expect(await store.getSecret('oauth_apps', 'doomed-app', 'f')).toBeUndefined();
  });

  it(
    kind === 'sqlite'
      ? 'runs SQLite in WAL mode with foreign keys and a busy timeout'
      : 'keeps its tables in its own schema',
    async () => {
      if (kind === 'sqlite') {
        const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db.kysely);
        expect(mode.rows[0]?.journal_mode).toBe('wal');
        const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db.kysely);
        expect(fk.rows[0]?.foreign_keys).toBe(1);
        const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(db.kysely);
        expect(busy.rows[0]?.timeout).toBe(5000);
      } else {
        const schema = te.env.DATABASE_SCHEMA ?? '';
        expect(schema).toMatch(/^sy_test_/);
        const res = await sql<{ n: string }>`select count(*) as n from information_schema.tables
        where table_schema = ${schema} and table_name = 'tenants'`.execute(db.kysely);
        expect(Number(res.rows[0]?.n)).toBe(1);
      }
    },
  );
});

describe('raw bodies on SQLite, with SWITCHYARD_SQLITE_RAW_FILES on and off', () => {
  it('stores new bodies in the rows when off, and reads the bodies already in files either way', async () => {
    const te = testEnv('sqlite');
    const dbs: Db[] = [];
    const open = async (rawFiles: 'true' | 'false') => {
      const config = loadConfig({ ...te.env, SWITCHYARD_SQLITE_RAW_FILES: rawFiles });
      const db = openDatabase(config.database);
      dbs.push(db);
      await migrate(db, config.database);
      return { db, store: new KyselyStore(db) };
    };
    try {
      const on = await open('true');
      const tenant = tenantRow('raw-toggle');
      await on.store.insertTenant(tenant);
      const delivered = (dedupeKey: string, raw: string) => eventRow(tenant.id, 'hook_toggle', dedupeKey, raw);
      const inFile = delivered('a', '{"in":"file"}');
      await on.store.transaction((tx) => tx.events.insertEvents([inFile]));
      await on.db.destroy();

      const off = await open('false');
      const inRow = delivered('b', '{"in":"row"}');
      await off.store.transaction((tx) => tx.events.insertEvents(off.store.events.placeBodies([inRow])));
      const rows = await off.db.kysely
        .selectFrom('events')
        .select(['id', 'raw', 'raw_ref'])
        .where('tenant_id', '=', tenant.id)
        .orderBy('id')
        .execute();
      expect(rows.map((r) => [r.raw, r.raw_ref === null])).toEqual([
        [null, false],
        ['{"in":"row"}', true],
      ]);
      const listed = await off.store.events.listEvents(tenant.id, { includeRaw: true }, { limit: 10 });
      expect(listed.map((e) => e.raw)).toEqual(['{"in":"file"}', '{"in":"row"}']);
    } finally {
      for (const db of dbs) await db.destroy().catch(() => undefined);
      await te.cleanup();
    }
  });
});
