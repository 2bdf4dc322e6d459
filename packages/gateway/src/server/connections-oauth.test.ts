import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../test-support/harness.js';
import { clientAndEnv, seedOAuthGrant } from '../test-support/oauth-grants.js';
import { type OAuthServerFlavor, startOAuthServer, type TestOAuthServer } from '../test-support/oauth-server.js';

/**
 * OAuth connections are made by the connect flow; their views, tests and deletion go through the same routes as
 * token connections. The peer is the oidc-provider test server, behaving like Atlassian's and Bitbucket's.
 */
const cert = readFileSync(
  path.join(path.dirname(fileURLToPath(import.meta.url)), '../test-support/tls/upstream-cert.pem'),
  'utf8',
);
let server: TestOAuthServer | undefined;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  await server?.close();
  t = undefined;
  server = undefined;
});

async function setup(flavor: OAuthServerFlavor) {
  server = await startOAuthServer({ flavor });
  const { client, env } = await clientAndEnv(server);
  t = await startTestApp('sqlite', env);
  const app = t;
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    app.app.inject({
      method,
      url,
      headers: bearer(app.admin.adminKey.key),
      ...(payload === undefined ? {} : { payload }),
    });
  return { s: server, client, app, api };
}

describe('OAuth connections through the connection routes', () => {
  it('Atlassian: the view shows no secret; the test refreshes an expired token once and calls /ex/jira', async () => {
    const { s, client, app, api } = await setup('atlassian');
    const seeded = await seedOAuthGrant(app.runtime, s, client, { expired: true });
    const view = await api('GET', `/v1/connections/${seeded.connectionId}`);
    expect(view.json()).toMatchObject({
      provider: 'atlassian-cloud',
      auth: { type: 'oauth2', hint: null },
      cloud_id: '11111111-2222-4333-8444-555555555555',
      products: ['jira', 'confluence'],
    });
    expect(view.body).not.toContain(seeded.tokens.accessToken);
    expect(view.body).not.toContain(seeded.tokens.refreshToken ?? 'no refresh token');

    const res = (await api('POST', `/v1/connections/${seeded.connectionId}/test`)).json();
    expect(res).toMatchObject({
      ok: true,
      status: 'active',
      account: { id: s.user.accountId, name: s.user.displayName },
    });
    expect(s.stats.tokenRequests.refresh_token).toBe(1);
    expect(s.stats.apiRequests).toBeGreaterThanOrEqual(1);
    const after = (await api('GET', `/v1/connections/${seeded.connectionId}`)).json();
    expect(Date.parse(after.expires_at)).toBeGreaterThan(Date.now());
    expect(after.last_used_at).not.toBeNull();
  });

  it('a revoked grant answers REAUTH_REQUIRED in the test result and marks the connection', async () => {
    const { s, client, app, api } = await setup('bitbucket');
    const seeded = await seedOAuthGrant(app.runtime, s, client);
    s.revokeAll();
    const res = (await api('POST', `/v1/connections/${seeded.connectionId}/test`)).json();
    expect(res).toMatchObject({ ok: false, status: 'reauth_required', error: { code: 'REAUTH_REQUIRED' } });
    expect(res.error.message).toContain('POST /v1/connect/bitbucket-cloud');
  });

  it('refuses to rotate an OAuth credential through PATCH, but renames; delete takes the grant and its tokens', async () => {
    const { s, client, app, api } = await setup('atlassian');
    const seeded = await seedOAuthGrant(app.runtime, s, client);
    const rotate = await api('PATCH', `/v1/connections/${seeded.connectionId}`, { auth: { token: 'x' } });
    expect(rotate.json().message).toContain('reconnect it with POST /v1/connect/atlassian-cloud');
    expect((await api('PATCH', `/v1/connections/${seeded.connectionId}`, { name: 'Acme' })).json().name).toBe('Acme');
    const ca = await api('PATCH', `/v1/connections/${seeded.connectionId}`, { ca_pem: cert });
    expect(ca.statusCode).toBe(200);
    const row = await app.runtime.store.connections.getConnection(seeded.tenantId, seeded.connectionId);
    expect(row?.ca_pem).toContain('BEGIN CERTIFICATE');
    expect((await api('DELETE', `/v1/connections/${seeded.connectionId}`)).statusCode).toBe(204);
    expect(await app.runtime.store.connections.getGrant(seeded.grantId)).toBeUndefined();
    expect(await app.runtime.store.getSecret('grants', seeded.grantId, 'refresh_token')).toBeUndefined();
  });
});
