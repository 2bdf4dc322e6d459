import { afterEach, describe, expect, it } from 'vitest';
import { grantSecretFields } from '../auth/credential.js';
import { bearer, startTestApp, type TestApp } from '../test-support/harness.js';
import { clientAndEnv, type SeededGrant, seedOAuthGrant } from '../test-support/oauth-grants.js';
import { startOAuthServer, type TestOAuthServer } from '../test-support/oauth-server.js';
import { type ProxyUpstream, startProxyUpstream } from '../test-support/proxy-upstream.js';

let server: TestOAuthServer | undefined;
let up: ProxyUpstream | undefined;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  await server?.close();
  await up?.close();
  t = undefined;
  server = undefined;
  up = undefined;
});

/** An Atlassian 3LO grant at a real OAuth server (oidc-provider); its API at `apiUrl` (default: the same server). */
async function setup(apiUrl?: (server: TestOAuthServer) => string) {
  server = await startOAuthServer({ flavor: 'atlassian' });
  const { client, env } = await clientAndEnv(server);
  t = await startTestApp('sqlite', { ...env, ...(apiUrl === undefined ? {} : { ATLASSIAN_API_URL: apiUrl(server) }) });
  const seeded = await seedOAuthGrant(t.runtime, server, client);
  return { server, t, seeded };
}

const call = (app: TestApp, seeded: SeededGrant, method: string, path: string, payload?: string) =>
  app.app.inject({
    method: method as 'GET',
    url: `/v1/connections/${seeded.connectionId}/proxy${path}`,
    headers: {
      ...bearer(app.admin.adminKey.key),
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { payload }),
  });

/** Overwrite the stored access token, as if the vendor had revoked it: the next call gets a 401. */
const spoilAccessToken = (app: TestApp, seeded: SeededGrant) =>
  app.runtime.secrets.put(seeded.tenantId, 'grants', seeded.grantId, grantSecretFields.accessToken, 'revoked-token');

describe('the proxy over an Atlassian OAuth (3LO) connection', () => {
  it('routes /rest/… to /ex/jira/{cloudId} and /wiki/… to /ex/confluence/{cloudId} with the Bearer token', async () => {
    const { server, t, seeded } = await setup();
    const jira = await call(t, seeded, 'GET', '/rest/api/3/myself');
    expect(jira.statusCode, jira.body).toBe(200);
    expect(jira.json()).toMatchObject({ accountId: server.user.accountId });
    const wiki = await call(t, seeded, 'GET', '/wiki/rest/api/user/current');
    expect(wiki.statusCode, wiki.body).toBe(200);
    expect(wiki.json()).toMatchObject({ type: 'known', accountId: server.user.accountId });
    expect(server.stats.apiRequests).toBe(2);
    expect(server.stats.tokenRequests.refresh_token ?? 0).toBe(0);
    expect((await call(t, seeded, 'GET', '/jira/rest/api/3/myself')).statusCode).toBe(400);
  });

  it('refreshes once after a 401 and answers the retried call', async () => {
    const { server, t, seeded } = await setup();
    await spoilAccessToken(t, seeded);
    const res = await call(t, seeded, 'GET', '/rest/api/3/myself');
    expect(res.statusCode, res.body).toBe(200);
    expect(server.stats.apiRejected).toBe(1);
    expect(server.stats.tokenRequests.refresh_token).toBe(1);
    const grant = await t.runtime.store.connections.getGrant(seeded.grantId);
    expect(grant?.version).toBe(2);
  });

  it('sends a small request body again after the refresh, with the new token', async () => {
    const local = await startProxyUpstream();
    up = local;
    const { server, t, seeded } = await setup(() => local.url);
    await spoilAccessToken(t, seeded);
    local.answerNext({ status: 401, headers: { 'www-authenticate': 'Bearer' }, body: '{"code":401}' });
    const body = JSON.stringify({ fields: { summary: 'created after a refresh' } });
    const res = await call(t, seeded, 'POST', '/rest/api/3/issue', body);
    expect(res.statusCode, res.body).toBe(200);
    expect(server.stats.tokenRequests.refresh_token).toBe(1);
    const [first, second] = local.received.slice(-2);
    expect(first?.headers.authorization).toBe('Bearer revoked-token');
    expect(second?.headers.authorization).toMatch(/^Bearer (?!revoked-token)/);
    expect(second?.url).toBe(`/ex/jira/${'11111111-2222-4333-8444-555555555555'}/rest/api/3/issue`);
    expect(second?.body).toBe(body);
  });

  it('answers 424 REAUTH_REQUIRED once the grant is revoked, and then without calling the vendor', async () => {
    const { server, t, seeded } = await setup();
    server.revokeAll();
    const res = await call(t, seeded, 'GET', '/rest/api/3/myself');
    expect(res.statusCode, res.body).toBe(424);
    expect(res.json()).toMatchObject({ code: 'REAUTH_REQUIRED' });
    const connection = await t.runtime.store.connections.getConnection(seeded.tenantId, seeded.connectionId);
    expect(connection?.status).toBe('reauth_required');
    const calls = server.stats.apiRequests + server.stats.apiRejected;
    const again = await call(t, seeded, 'GET', '/rest/api/3/myself');
    expect(again.statusCode).toBe(424);
    expect(server.stats.apiRequests + server.stats.apiRejected).toBe(calls);
  });
});
