import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Kind, startTestApp, type TestApp } from '../test-support/harness.js';

const envelope = (body: unknown, code: string) =>
  expect(body).toEqual({ status: 'error', code, message: expect.any(String), request_id: expect.any(String) });

describe.each<Kind>(['sqlite', 'postgres'])('API keys and tenants on %s', (kind) => {
  let t: TestApp;
  let adminKey: string;
  let acme: { id: string; slug: string };
  let acmeKey: string;
  let otherKey: { id: string; key: string };

  beforeAll(async () => {
    t = await startTestApp(kind);
    adminKey = t.admin.adminKey.key;
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: bearer(adminKey),
      payload: { name: 'Acme Corp' },
    });
    expect(created.statusCode).toBe(201);
    acme = created.json();
    expect(acme.slug).toBe('acme-corp');
    const key = await t.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(adminKey),
      payload: { name: 'acme bot', tenant_id: acme.id },
    });
    expect(key.statusCode).toBe(201);
    expect(key.headers['cache-control']).toBe('no-store');
    acmeKey = key.json().key;
    const other = await t.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(adminKey),
      payload: { name: 'default bot' },
    });
    otherKey = other.json();
  });
  afterAll(() => t?.close());

  it('mints keys with a readable prefix and 256 random bits, stored only as a hash', async () => {
    expect(acmeKey).toMatch(/^syk_[0-9a-z]{26}_[A-Za-z0-9_-]{43}$/);
    const [, id, secret] = /^syk_([0-9a-z]{26})_(.+)$/.exec(acmeKey) ?? [];
    expect(Buffer.from(secret ?? '', 'base64url')).toHaveLength(32);
    const row = await t.runtime.store.getApiKey(`key_${id}`);
    expect(row?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it('answers 401 without a key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/me' });
    expect(res.statusCode).toBe(401);
    envelope(res.json(), 'UNAUTHORIZED');
  });

  it('answers 401 for an unknown or malformed key', async () => {
    for (const key of ['nope', `syk_${'0'.repeat(26)}_${'A'.repeat(43)}`, `${acmeKey.slice(0, -1)}x`]) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) });
      expect(res.statusCode).toBe(401);
      envelope(res.json(), 'UNAUTHORIZED');
    }
  });

  it('answers 401 for a revoked key, and revoking twice is fine', async () => {
    const k = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/keys',
        headers: bearer(adminKey),
        payload: { name: 'short-lived' },
      })
    ).json();
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(k.key) })).statusCode).toBe(200);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/keys/${k.id}`, headers: bearer(adminKey) });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).toEqual(expect.any(String));
    const again = await t.app.inject({ method: 'DELETE', url: `/v1/keys/${k.id}`, headers: bearer(adminKey) });
    expect(again.json().revoked_at).toBe(revoked.json().revoked_at);
    const res = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(k.key) });
    expect(res.statusCode).toBe(401);
    envelope(res.json(), 'UNAUTHORIZED');
    expect(res.json().message).toMatch(/revoked/);
  });

  it('answers 403 when a tenant key names another tenant in X-Tenant-Id', async () => {
    const defaultId = t.admin.tenant.id;
    for (const header of [defaultId, 'default']) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/v1/me',
        headers: { ...bearer(acmeKey), 'x-tenant-id': header },
      });
      expect(res.statusCode).toBe(403);
      envelope(res.json(), 'FORBIDDEN');
    }
    const own = await t.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { ...bearer(acmeKey), 'x-tenant-id': acme.id },
    });
    expect(own.statusCode).toBe(200);
  });

  it('lets an admin key act for a tenant with X-Tenant-Id (id or slug)', async () => {
    for (const header of [acme.id, acme.slug]) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/v1/me',
        headers: { ...bearer(adminKey), 'x-tenant-id': header },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().tenant.id).toBe(acme.id);
      expect(res.json().acting_as_admin).toBe(true);
    }
    const keys = await t.app.inject({
      method: 'GET',
      url: '/v1/keys',
      headers: { ...bearer(adminKey), 'x-tenant-id': acme.id },
    });
    expect(keys.json().items.map((k: { tenant_id: string }) => k.tenant_id)).toEqual([acme.id]);
    const missing = await t.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { ...bearer(adminKey), 'x-tenant-id': 'no-such' },
    });
    expect(missing.statusCode).toBe(404);
  });

  it('keeps a tenant key inside its tenant', async () => {
    const keys = await t.app.inject({ method: 'GET', url: '/v1/keys', headers: bearer(acmeKey) });
    expect(keys.statusCode).toBe(200);
    expect(keys.json().items.every((k: { tenant_id: string }) => k.tenant_id === acme.id)).toBe(true);
    const forbidden = [
      { method: 'GET' as const, url: '/v1/tenants' },
      { method: 'POST' as const, url: '/v1/tenants', payload: { name: 'x' } },
      { method: 'POST' as const, url: '/v1/keys', payload: { name: 'x' } },
      { method: 'DELETE' as const, url: `/v1/keys/${otherKey.id}` },
      { method: 'GET' as const, url: `/v1/tenants/${t.admin.tenant.id}` },
    ];
    for (const req of forbidden) {
      const res = await t.app.inject({ ...req, headers: bearer(acmeKey) });
      expect(res.statusCode, `${req.method} ${req.url}`).toBe(403);
      envelope(res.json(), 'FORBIDDEN');
    }
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/tenants/${acme.slug}`, headers: bearer(acmeKey) })).statusCode,
    ).toBe(200);
  });

  it('refuses a duplicate tenant slug with CONFLICT', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: bearer(adminKey),
      payload: { name: 'Again', slug: 'acme-corp' },
    });
    expect(res.statusCode).toBe(409);
    envelope(res.json(), 'CONFLICT');
  });

  it('pages tenants with an opaque cursor', async () => {
    for (const name of ['p1', 'p2', 'p3']) {
      await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: bearer(adminKey), payload: { name } });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/tenants?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = (await t.app.inject({ method: 'GET', url, headers: bearer(adminKey) })).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((x: { slug: string }) => x.slug));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(['default', 'acme-corp', 'p1', 'p2', 'p3']);
    const bad = await t.app.inject({ method: 'GET', url: '/v1/tenants?cursor=%%%', headers: bearer(adminKey) });
    expect(bad.statusCode).toBe(400);
  });

  it('records last_used_at', async () => {
    const id = `key_${acmeKey.slice(4, 30)}`;
    await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(acmeKey) });
    await new Promise((r) => setTimeout(r, 50));
    expect((await t.runtime.store.getApiKey(id))?.last_used_at).toEqual(expect.any(String));
  });
});
