import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, type ConnectGateway, startConnectGateway } from '../test-support/connect-gateway.js';
import { CookieJar, followRedirects } from '../test-support/oauth-browser.js';

/** OAuth apps per tenant, the environment fallback, and tenant isolation of apps, flows and connections. */
describe('OAuth apps and tenant isolation', () => {
  let gw: ConnectGateway;
  let keyB: string;
  let tenantB: string;
  const bodies: string[] = [];

  beforeAll(async () => {
    gw = await startConnectGateway();
    const tenant = await gw.api('POST', '/v1/tenants', { name: 'Beta', slug: 'beta' });
    tenantB = (tenant.body as { id: string }).id;
    const key = await gw.api('POST', '/v1/keys', { name: 'beta-bot', tenant_id: tenantB });
    keyB = (key.body as { key: string }).key;
  });
  afterAll(() => gw.close());

  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    const res = await gw.api(method, path, body, key);
    bodies.push(res.text);
    return res;
  };

  it('sets, lists and deletes a tenant’s app; the secret is write-only', async () => {
    const put = await call('PUT', '/v1/oauth-apps/atlassian-cloud', {
      client_id: gw.client.clientId,
      client_secret: gw.client.clientSecret,
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      provider: 'atlassian-cloud',
      client_id: gw.client.clientId,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const list = await call('GET', '/v1/oauth-apps');
    expect(list.body).toEqual({ items: [put.body], next_cursor: null });
    expect((await call('PUT', '/v1/oauth-apps/gitlab', { client_id: 'a', client_secret: 'b' })).status).toBe(404);
    expect((await call('PUT', '/v1/oauth-apps/atlassian-cloud', { client_id: 'a' })).status).toBe(400);
    const openapi = await fetch(`${gw.base}/openapi.json`).then((r) => r.text());
    expect(openapi).toContain('/v1/oauth-apps/{provider}');
  });

  it('another tenant sees none of it, cannot delete it, and cannot start a flow on it', async () => {
    expect((await call('GET', '/v1/oauth-apps', undefined, keyB)).body).toEqual({ items: [], next_cursor: null });
    expect((await call('DELETE', '/v1/oauth-apps/atlassian-cloud', undefined, keyB)).status).toBe(204);
    expect(((await call('GET', '/v1/oauth-apps')).body as { items: unknown[] }).items).toHaveLength(1);
    const start = await call('POST', '/v1/connect/atlassian-cloud', {}, keyB);
    expect(start.status).toBe(424);
    expect(start.body).toMatchObject({ code: 'NOT_CONNECTED' });
    expect((start.body as { message: string }).message).toContain('PUT /v1/oauth-apps/atlassian-cloud');
  });

  it('a flow belongs to the tenant that started it: another tenant’s browser cannot finish it', async () => {
    await call(
      'PUT',
      '/v1/oauth-apps/atlassian-cloud',
      { client_id: gw.client.clientId, client_secret: gw.client.clientSecret },
      keyB,
    );
    const startA = await call('POST', '/v1/connect/atlassian-cloud', { return_url: gw.returnUrl });
    const startB = await call('POST', '/v1/connect/atlassian-cloud', { return_url: gw.returnUrl }, keyB);
    const jarA = new CookieJar();
    const jarB = new CookieJar();
    const toCallback = { stopAt: `${gw.base}/oauth/callback` };
    const cbA = await followRedirects((startA.body as { authorize_url: string }).authorize_url, {
      ...toCallback,
      jar: jarA,
    });
    const cbB = await followRedirects((startB.body as { authorize_url: string }).authorize_url, {
      ...toCallback,
      jar: jarB,
    });
    // Tenant A's browser presents tenant B's callback: refused.
    expect((await browse(gw, cbB.url.href, jarA)).params?.get('error')).toBe('browser_mismatch');
    const doneB = await browse(gw, cbB.url.href, jarB);
    const idB = doneB.params?.get('connection_id') ?? '';
    const doneA = await browse(gw, cbA.url.href, jarA);
    const idA = doneA.params?.get('connection_id') ?? '';
    const { connections } = gw.t.runtime.store;
    expect((await connections.getConnection(tenantB, idB))?.tenant_id).toBe(tenantB);
    expect(await connections.getConnection(gw.t.admin.tenant.id, idB)).toBeUndefined();
    expect(await connections.getConnection(tenantB, idA)).toBeUndefined();
    // The same account and site in two tenants are two connections, each on its own grant.
    expect(idA).not.toBe(idB);
  });

  it('removing the tenant app removes its secret; without an app no flow starts', async () => {
    expect((await call('DELETE', '/v1/oauth-apps/atlassian-cloud')).status).toBe(204);
    expect(((await call('GET', '/v1/oauth-apps')).body as { items: unknown[] }).items).toHaveLength(0);
    expect((await call('POST', '/v1/connect/atlassian-cloud', {})).status).toBe(424);
    const secrets = await gw.t.runtime.db.kysely
      .selectFrom('secrets')
      .selectAll()
      .where('owner_table', '=', 'oauth_apps')
      .execute();
    expect(secrets).toHaveLength(1); // tenant B's only
  });

  it('never answers or logs a client secret', () => {
    for (const text of bodies) expect(text).not.toContain(gw.client.clientSecret);
    expect(gw.t.logs.text).not.toContain(gw.client.clientSecret);
  });
});

describe('the environment OAuth app', () => {
  it('is used when the tenant has none, and its secret stays out of answers and logs', async () => {
    const secret = 'env-secret-value-0123456789abcdef';
    const gw = await startConnectGateway({
      env: { ATLASSIAN_CLIENT_ID: 'env-client', ATLASSIAN_CLIENT_SECRET: secret },
    });
    try {
      await gw.as.clients.register('env-client', secret, [`${gw.base}/oauth/callback`]);
      const start = await gw.api('POST', '/v1/connect/atlassian-cloud', { return_url: gw.returnUrl });
      expect(start.status).toBe(201);
      const end = await browse(gw, (start.body as { authorize_url: string }).authorize_url);
      const id = end.params?.get('connection_id') ?? '';
      const conn = await gw.t.runtime.store.connections.getConnection(gw.t.admin.tenant.id, id);
      expect((await gw.t.runtime.store.connections.getGrant(conn?.grant_id ?? ''))?.oauth_app_id).toBe('env');
      expect((await gw.api('GET', '/v1/oauth-apps')).text).not.toContain(secret);
      expect(gw.t.logs.text).not.toContain(secret);
    } finally {
      await gw.close();
    }
  });
});
