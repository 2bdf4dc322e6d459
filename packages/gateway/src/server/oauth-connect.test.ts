import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantSecretFields } from '../auth/credential.js';
import { browse, type ConnectGateway, startConnectGateway, storedCounts } from '../test-support/connect-gateway.js';
import { bearer, type Kind } from '../test-support/harness.js';
import { CookieJar } from '../test-support/oauth-browser.js';

/** The raw bytes the database holds (SQLite file and WAL, or every PostgreSQL row as text). */
async function databaseText(gw: ConnectGateway): Promise<string> {
  const { config, runtime } = gw.t;
  if (config.database.kind === 'sqlite') {
    const file = config.database.file;
    const read = (f: string) => {
      try {
        return readFileSync(f).toString('latin1');
      } catch {
        return '';
      }
    };
    return read(file) + read(`${file}-wal`);
  }
  const tables = ['grants', 'connections', 'oauth_flows', 'secrets', 'oauth_apps'] as const;
  const rows = await Promise.all(tables.map((t) => runtime.db.kysely.selectFrom(t).selectAll().execute()));
  return JSON.stringify(rows);
}

for (const kind of ['sqlite', 'postgres'] as Kind[]) {
  describe(`Atlassian 3LO end to end (${kind})`, () => {
    let gw: ConnectGateway;
    beforeAll(async () => {
      gw = await startConnectGateway({ kind });
      const put = await gw.api('PUT', '/v1/oauth-apps/atlassian-cloud', {
        client_id: gw.client.clientId,
        client_secret: gw.client.clientSecret,
      });
      expect(put.status).toBe(200);
    });
    afterAll(() => gw.close());

    it('one site: the browser consents, the connection is stored with its account, tokens encrypted', async () => {
      const started = await gw.api('POST', '/v1/connect/atlassian-cloud', { return_url: gw.returnUrl, name: 'Acme' });
      expect(started.status).toBe(201);
      const { authorize_url } = started.body as { authorize_url: string; expires_at: string };
      expect(authorize_url.startsWith(`${gw.base}/connect/start/`)).toBe(true);

      const end = await browse(gw, authorize_url);
      expect(end.params?.get('error')).toBeNull();
      const ids = end.params?.get('connection_id')?.split(',') ?? [];
      expect(ids).toHaveLength(1);
      expect(end.url.search).not.toMatch(/token|code=/);
      expect(gw.as.stats.interactions).toMatchObject({ consent: 1 });

      const tenant = gw.t.admin.tenant.id;
      const conn = await gw.t.runtime.store.connections.getConnection(tenant, ids[0] ?? '');
      expect(conn).toMatchObject({
        provider: 'atlassian-cloud',
        name: 'Acme',
        status: 'active',
        cloud_id: '11111111-2222-4333-8444-555555555555',
        site_url: 'https://acme.atlassian.net',
        account_id: gw.as.user.accountId,
        account_name: gw.as.user.displayName,
      });
      expect(JSON.parse(conn?.products ?? '[]')).toEqual(['jira', 'confluence']);
      const grant = await gw.t.runtime.store.connections.getGrant(conn?.grant_id ?? '');
      expect(grant).toMatchObject({ auth_type: 'oauth2', version: 1, status: 'active', tenant_id: tenant });
      expect(grant?.oauth_app_id).toMatch(/^oap_/);
      expect(grant?.expires_at).not.toBeNull();
      expect(grant?.consented_at).not.toBeNull();

      const access = await gw.t.runtime.secrets.get(tenant, 'grants', grant?.id ?? '', grantSecretFields.accessToken);
      const refresh = await gw.t.runtime.secrets.get(tenant, 'grants', grant?.id ?? '', grantSecretFields.refreshToken);
      expect(access).toEqual(expect.any(String));
      expect(refresh).toEqual(expect.any(String));
      const bytes = await databaseText(gw);
      expect(bytes).not.toContain(access);
      expect(bytes).not.toContain(refresh);
      expect(bytes).not.toContain(gw.client.clientSecret);
      expect((await storedCounts(gw.t)).flowSecrets).toBe(0);
    });

    it('reconnecting the same account and site moves the connection to the new grant, without a duplicate', async () => {
      const first = await browse(gw, await startUrl(gw));
      const second = await browse(gw, await startUrl(gw));
      const [a, b] = [first.params?.get('connection_id'), second.params?.get('connection_id')];
      expect(a).toBeTruthy();
      expect(b).toBe(a);
      const conns = await gw.t.runtime.store.connections.listConnections(gw.t.admin.tenant.id, {}, { limit: 50 });
      expect(conns.filter((c) => c.account_id === gw.as.user.accountId)).toHaveLength(1);
      const counts = await storedCounts(gw.t);
      expect(counts.grants).toBe(1);
      expect(counts.grantSecrets).toBe(2);
    });

    it('?redirect=true binds the calling browser at once and answers 307 to the provider', async () => {
      const res = await fetch(`${gw.base}/v1/connect/atlassian-cloud?redirect=true`, {
        method: 'POST',
        headers: { ...bearer(gw.t.admin.adminKey.key), 'content-type': 'application/json' },
        body: JSON.stringify({ return_url: gw.returnUrl }),
        redirect: 'manual',
      });
      expect(res.status).toBe(307);
      const location = res.headers.get('location') ?? '';
      expect(location.startsWith(`${gw.as.url}/authorize?`)).toBe(true);
      const setCookie = res.headers.getSetCookie().join('\n');
      expect(setCookie).toMatch(/^sy_connect_[A-Za-z0-9_-]{22}=/);
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);
      expect(setCookie).not.toMatch(/Secure/i); // the public URL is http here

      const jar = new CookieJar();
      jar.store(new URL(gw.base), res.headers.getSetCookie());
      const end = await browse(gw, location, jar);
      expect(end.params?.get('connection_id')).toBeTruthy();
      // Without that cookie the same kind of start fails at the callback.
      const other = await fetch(`${gw.base}/v1/connect/atlassian-cloud?redirect=true`, {
        method: 'POST',
        headers: { ...bearer(gw.t.admin.adminKey.key), 'content-type': 'application/json' },
        body: JSON.stringify({ return_url: gw.returnUrl }),
        redirect: 'manual',
      });
      const lost = await browse(gw, other.headers.get('location') ?? '');
      expect(lost.params?.get('error')).toBe('browser_mismatch');
    });

    it('never writes a token, the client secret or a code into a log line', async () => {
      const text = gw.t.logs.text;
      expect(text).toContain('oauth flow completed');
      expect(text).not.toContain(gw.client.clientSecret);
      const tenant = gw.t.admin.tenant.id;
      for (const grant of await grantIds(gw)) {
        for (const field of [grantSecretFields.accessToken, grantSecretFields.refreshToken]) {
          const value = await gw.t.runtime.secrets.get(tenant, 'grants', grant, field);
          expect(value).toBeDefined();
          expect(text).not.toContain(value);
        }
      }
      expect(text).not.toMatch(/[?&]code=(?!\[REDACTED\])/);
    });
  });
}

async function startUrl(gw: ConnectGateway, body: Record<string, unknown> = {}): Promise<string> {
  const res = await gw.api('POST', '/v1/connect/atlassian-cloud', { return_url: gw.returnUrl, ...body });
  expect(res.status).toBe(201);
  return (res.body as { authorize_url: string }).authorize_url;
}

async function grantIds(gw: ConnectGateway): Promise<string[]> {
  return (await gw.t.runtime.db.kysely.selectFrom('grants').select('id').execute()).map((r) => r.id);
}
