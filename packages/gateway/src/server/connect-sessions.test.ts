import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, type ConnectGateway, startConnectGateway, storedCounts } from '../test-support/connect-gateway.js';

/** Connect sessions: a URL an app hands to its user's browser, single use, short-lived, without the API key. */
describe('connect sessions', () => {
  let gw: ConnectGateway;
  beforeAll(async () => {
    gw = await startConnectGateway();
    await gw.api('PUT', '/v1/oauth-apps/atlassian-cloud', {
      client_id: gw.client.clientId,
      client_secret: gw.client.clientSecret,
    });
  });
  afterAll(() => gw.close());

  async function createSession(body: Record<string, unknown> = {}) {
    const res = await gw.api('POST', '/v1/connect-sessions', {
      provider: 'atlassian-cloud',
      return_url: gw.returnUrl,
      ...body,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return res.body as { url: string; expires_at: string };
  }

  it('opens once in a browser without any API key and connects; the second open is refused', async () => {
    const session = await createSession({ name: 'From the app', metadata: { user: 'u-42' } });
    expect(session.url).toMatch(new RegExp(`^${gw.base}/connect/[A-Za-z0-9_-]{43}$`));
    const token = session.url.split('/').at(-1) ?? '';
    const rows = await gw.t.runtime.db.kysely.selectFrom('connect_sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));

    const end = await browse(gw, session.url);
    const id = end.params?.get('connection_id') ?? '';
    expect(id).toMatch(/^con_/);
    const conn = await gw.t.runtime.store.connections.getConnection(gw.t.admin.tenant.id, id);
    expect(conn).toMatchObject({ name: 'From the app', metadata: JSON.stringify({ user: 'u-42' }) });

    const again = await browse(gw, session.url);
    expect(again.params?.get('error')).toBe('session_used');
    expect((await storedCounts(gw.t)).connections).toBe(1);
    expect(gw.t.logs.text).not.toContain(token);
  });

  it('expires after 10 minutes, and an expired one stores nothing', async () => {
    await gw.t.runtime.db.kysely.deleteFrom('connections').execute();
    await gw.t.runtime.db.kysely.deleteFrom('grants').execute();
    await gw.t.runtime.db.kysely.deleteFrom('secrets').where('owner_table', '=', 'grants').execute();
    const session = await createSession();
    const ttl = Date.parse(session.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(9 * 60 * 1000);
    expect(ttl).toBeLessThanOrEqual(10 * 60 * 1000);
    const past = new Date(Date.now() - 1000).toISOString();
    await gw.t.runtime.db.kysely.updateTable('connect_sessions').set({ expires_at: past }).execute();
    const end = await browse(gw, session.url);
    expect(end.params?.get('error')).toBe('session_expired');
    expect(await storedCounts(gw.t)).toMatchObject({ grants: 0, connections: 0 });
  });

  it('an unknown token gets a 400 page; a session needs a return_url and a known provider', async () => {
    const res = await fetch(`${gw.base}/connect/${'x'.repeat(43)}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const noReturn = await gw.api('POST', '/v1/connect-sessions', { provider: 'atlassian-cloud' });
    expect(noReturn.status).toBe(400);
    const unknown = await gw.api('POST', '/v1/connect-sessions', { provider: 'gitlab', return_url: gw.returnUrl });
    expect(unknown.status).toBe(404);
    const badUrl = await gw.api('POST', '/v1/connect-sessions', {
      provider: 'atlassian-cloud',
      return_url: 'javascript:alert(1)',
    });
    expect(badUrl.status).toBe(400);
  });

  it('cannot be opened without going through the browser binding (no API key works instead)', async () => {
    const session = await createSession();
    const res = await fetch(session.url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.getSetCookie().join(';')).toMatch(/sy_connect_.*HttpOnly/i);
    expect(res.headers.get('location')?.startsWith(`${gw.as.url}/authorize?`)).toBe(true);
  });
});
