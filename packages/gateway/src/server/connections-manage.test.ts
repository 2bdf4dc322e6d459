import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantSecretFields } from '../auth/credential.js';
import { basic, type FakeUpstream, startFakeUpstream } from '../test-support/fake-upstream.js';
import { bearer, type Kind, startTestApp, type TestApp } from '../test-support/harness.js';

const jane = { id: '5b10ac', name: 'Jane Doe', email: 'jane@example.com', key: 'jdoe' };
const bob = { id: '77aa', name: 'Bob', email: 'bob@example.com', key: 'bob' };
const OLD = 'pat-old-0123456789abcdefOLD1';
const NEW = 'pat-new-0123456789abcdefNEW2';

describe.each<Kind>(['sqlite', 'postgres'])('managing connections (%s)', (kind) => {
  let up: FakeUpstream;
  let t: TestApp;
  let otherKey: string;
  const admin = () => bearer(t.admin.adminKey.key);
  const api = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: Record<string, unknown>,
    headers = admin(),
  ) => t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  const createPat = async (token = OLD, name?: string) => {
    const res = await api('POST', '/v1/connections', {
      provider: 'jira-dc',
      auth: { type: 'personal_access_token', token },
      base_url: up.url,
      ...(name === undefined ? {} : { name }),
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; auth: { hint: string } };
  };
  const grantOf = async (connectionId: string) => {
    const row = await t.runtime.store.connections.getConnection(t.admin.tenant.id, connectionId);
    return row === undefined ? undefined : t.runtime.store.connections.getGrant(row.grant_id);
  };

  beforeAll(async () => {
    up = await startFakeUpstream();
    t = await startTestApp(kind, {
      SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
      SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
      BITBUCKET_API_URL: up.url,
    });
    up.accept(`Bearer ${OLD}`, jane);
    up.accept(`Bearer ${NEW}`, jane);
    up.accept('Bearer pat-bob-0123456789abcdef', bob);
    up.accept(basic('jane@example.com', 'bb-token-0123456789'), jane);
    const tenant = await api('POST', '/v1/tenants', { name: 'Other', slug: `other-${kind}` });
    otherKey = (await api('POST', '/v1/keys', { name: 'other', tenant_id: tenant.json().id })).json().key;
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  it('lists with cursor pagination and filters by provider and status', async () => {
    const a = await createPat(OLD, 'a');
    const b = await createPat(OLD, 'b');
    const bb = await api('POST', '/v1/connections', {
      provider: 'bitbucket-cloud',
      auth: { type: 'api_token', email: 'jane@example.com', token: 'bb-token-0123456789' },
    });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api('GET', `/v1/connections?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(page.statusCode).toBe(200);
      ids.push(...page.json().items.map((c: { id: string }) => c.id));
      cursor = page.json().next_cursor;
    } while (cursor !== null);
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id, bb.json().id]));
    expect(new Set(ids).size).toBe(ids.length);
    const onlyBb = (await api('GET', '/v1/connections?provider=bitbucket-cloud')).json().items;
    expect(onlyBb.map((c: { id: string }) => c.id)).toEqual([bb.json().id]);
    expect((await api('GET', '/v1/connections?status=error')).json().items).toEqual([]);
    expect((await api('GET', '/v1/connections?status=nope')).json().code).toBe('VALIDATION');
  });

  it('rotates a token after checking it live: new hint, next grant version, the new secret stored', async () => {
    const c = await createPat(OLD);
    const before = await grantOf(c.id);
    const res = await api('PATCH', `/v1/connections/${c.id}`, {
      auth: { token: NEW },
      name: 'rotated',
      metadata: { x: 1 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'rotated',
      metadata: { x: 1 },
      auth: { hint: '••••NEW2' },
      status: 'active',
    });
    const after = await grantOf(c.id);
    expect(after?.version).toBe((before?.version ?? 0) + 1);
    const stored = await t.runtime.secrets.get(t.admin.tenant.id, 'grants', after?.id ?? '', grantSecretFields.token);
    expect(stored).toBe(NEW);
    expect(up.requests.at(-1)?.authorization).toBe(`Bearer ${NEW}`);
  });

  it('keeps the old token when the new one is refused, or signs in as someone else', async () => {
    const c = await createPat(OLD);
    const before = await grantOf(c.id);
    const bad = await api('PATCH', `/v1/connections/${c.id}`, { auth: { token: 'not-accepted-anywhere' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('rejected the credential');
    const other = await api('PATCH', `/v1/connections/${c.id}`, { auth: { token: 'pat-bob-0123456789abcdef' } });
    expect(other.statusCode).toBe(400);
    expect(other.json().message).toContain('signs in as Bob, not as Jane Doe');
    expect(await grantOf(c.id)).toEqual(before);
    expect(await t.runtime.secrets.get(t.admin.tenant.id, 'grants', before?.id ?? '', grantSecretFields.token)).toBe(
      OLD,
    );
  });

  it('re-guards a changed base URL and refuses it for Cloud connections', async () => {
    const c = await createPat(OLD);
    const moved = await api('PATCH', `/v1/connections/${c.id}`, { base_url: `${up.url}/jira` });
    expect(moved.json()).toMatchObject({ base_url: `${up.url}/jira`, status: 'active' });
    const meta = await api('PATCH', `/v1/connections/${c.id}`, { base_url: 'https://169.254.169.254' });
    expect(meta.json().message).toContain('link-local/metadata address; refused');
    expect((await api('GET', `/v1/connections/${c.id}`)).json().base_url).toBe(`${up.url}/jira`);
    const bb = (await api('GET', '/v1/connections?provider=bitbucket-cloud')).json().items[0];
    const cloud = await api('PATCH', `/v1/connections/${bb.id}`, { base_url: up.url });
    expect(cloud.json()).toMatchObject({ code: 'VALIDATION', details: [{ path: 'base_url' }] });
    expect((await api('PATCH', `/v1/connections/${c.id}`, {})).json().code).toBe('VALIDATION');
  });

  it('tests live: ok with latency and account; a revoked token marks the connection, a rotation heals it', async () => {
    const token = 'pat-test-0123456789abcdefTEST';
    up.accept(`Bearer ${token}`, jane);
    const c = await createPat(token);
    const ok = await api('POST', `/v1/connections/${c.id}/test`);
    expect(ok.json()).toMatchObject({
      ok: true,
      status: 'active',
      account: { id: 'jdoe', name: 'Jane Doe' },
      error: null,
    });
    expect(ok.json().latency_ms).toBeGreaterThanOrEqual(0);

    up.revoke(`Bearer ${token}`);
    const failed = await api('POST', `/v1/connections/${c.id}/test`);
    expect(failed.statusCode).toBe(200);
    expect(failed.json()).toMatchObject({
      ok: false,
      status: 'error',
      account: null,
      error: { code: 'TOKEN_EXPIRED' },
    });
    const view = (await api('GET', `/v1/connections/${c.id}`)).json();
    expect(view).toMatchObject({ status: 'error', last_error: expect.stringContaining('401') });

    const healed = await api('PATCH', `/v1/connections/${c.id}`, { auth: { token: NEW } });
    expect(healed.json()).toMatchObject({ status: 'active', last_error: null });
    expect((await api('POST', `/v1/connections/${c.id}/test`)).json().ok).toBe(true);
  });

  it('reports an unreachable vendor without marking the connection broken', async () => {
    const c = await createPat(OLD);
    const row = await t.runtime.store.connections.getConnection(t.admin.tenant.id, c.id);
    await t.runtime.store.connections.updateConnection(t.admin.tenant.id, c.id, { site_url: 'http://127.0.0.1:9' });
    const res = (await api('POST', `/v1/connections/${c.id}/test`)).json();
    expect(res).toMatchObject({ ok: false, status: 'active', error: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(res.error.message).toContain('Could not reach 127.0.0.1:9');
    await t.runtime.store.connections.updateConnection(t.admin.tenant.id, c.id, { site_url: row?.site_url ?? null });
  });

  it('deletes idempotently, with the grant and its secrets', async () => {
    const c = await createPat(OLD);
    const grant = await grantOf(c.id);
    expect((await api('DELETE', `/v1/connections/${c.id}`)).statusCode).toBe(204);
    expect((await api('DELETE', `/v1/connections/${c.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/v1/connections/${c.id}`)).statusCode).toBe(404);
    expect(await t.runtime.store.connections.getGrant(grant?.id ?? '')).toBeUndefined();
    expect(await t.runtime.store.getSecret('grants', grant?.id ?? '', grantSecretFields.token)).toBeUndefined();
    const deleted = await t.runtime.store.events.listEvents(
      grant?.tenant_id ?? '',
      { type: 'connection.deleted', connectionId: c.id },
      { limit: 10 },
    );
    expect(deleted).toHaveLength(1); // once, though DELETE was sent twice
  });

  it('isolates tenants: another tenant’s connection is not found, not changed, not tested, not deleted', async () => {
    const c = await createPat(OLD, 'mine');
    const other = bearer(otherKey);
    expect((await api('GET', `/v1/connections/${c.id}`, undefined, other)).statusCode).toBe(404);
    expect((await api('PATCH', `/v1/connections/${c.id}`, { name: 'theirs' }, other)).statusCode).toBe(404);
    expect((await api('POST', `/v1/connections/${c.id}/test`, undefined, other)).statusCode).toBe(404);
    expect((await api('DELETE', `/v1/connections/${c.id}`, undefined, other)).statusCode).toBe(204);
    expect((await api('GET', '/v1/connections', undefined, other)).json().items).toEqual([]);
    expect((await api('GET', `/v1/connections/${c.id}`)).json()).toMatchObject({ id: c.id, name: 'mine' });
  });
});
