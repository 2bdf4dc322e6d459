import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { tokenGrantRow } from '../services/grant-row.js';
import type { GrantRow } from '../store/connection-store.js';
import { newId } from '../store/ids.js';
import { startTestApp, type TestApp } from '../test-support/harness.js';
import { clientAndEnv, seedOAuthGrant } from '../test-support/oauth-grants.js';
import { startOAuthServer, type TestOAuthServer } from '../test-support/oauth-server.js';
import { testOAuthTarget } from '../test-support/oauth-tokens.js';
import { grantSecretFields } from './credential.js';
import { GrantManager } from './grant-manager.js';
import { refreshTokens } from './oauth-client.js';

let server: TestOAuthServer | undefined;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  await server?.close();
  t = undefined;
  server = undefined;
});

async function setup(opts: { flavor?: 'atlassian' | 'bitbucket' } = {}) {
  server = await startOAuthServer({ flavor: opts.flavor ?? 'atlassian' });
  const { client, env } = await clientAndEnv(server);
  t = await startTestApp('sqlite', env);
  return { server, client, t, grants: t.runtime.grants };
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as AppError,
  );
const me = (s: TestOAuthServer, authorization: string) => fetch(`${s.url}/me`, { headers: { authorization } });

async function insertTokenGrant(
  app: TestApp,
  authType: GrantRow['auth_type'],
  username: string | null,
  field: string,
  secret: string,
) {
  const tenant = (await app.runtime.store.getTenantBySlug('default'))?.id ?? '';
  const id = newId('grt');
  const at = new Date().toISOString();
  await app.runtime.store.connections.insertGrant(
    tokenGrantRow({ id, tenantId: tenant, provider: 'jira-dc', authType, username, at }),
  );
  await app.runtime.secrets.put(tenant, 'grants', id, field, secret);
  return id;
}

describe('GrantManager: token credentials', () => {
  it('applies API tokens and basic auth as Basic, access tokens as Bearer; a 401 is TOKEN_EXPIRED and marks the grant', async () => {
    t = await startTestApp('sqlite');
    const apiToken = await insertTokenGrant(t, 'api_token', 'a@example.com', grantSecretFields.token, 'tok');
    const basic = await insertTokenGrant(t, 'basic', 'jdoe', grantSecretFields.password, 'pw:with:colons');
    const bearer = await insertTokenGrant(t, 'bearer', null, grantSecretFields.token, 'pat-1');
    const { grants } = t.runtime;
    expect((await grants.authorize(apiToken)).authorization).toBe(`Basic ${btoa('a@example.com:tok')}`);
    expect((await grants.authorize(basic)).authorization).toBe(`Basic ${btoa('jdoe:pw:with:colons')}`);
    const used = await grants.authorize(bearer);
    expect(used).toEqual({ grantId: bearer, version: 1, authorization: 'Bearer pat-1' });

    const err = await rejection(grants.afterUnauthorized(used));
    expect(err).toMatchObject({ code: 'TOKEN_EXPIRED', status: 424 });
    expect(err?.message).toContain('PATCH /v1/connections/');
    expect((await t.runtime.store.connections.getGrant(bearer))?.status).toBe('error');
  });

  it('an unknown grant is NOT_CONNECTED', async () => {
    t = await startTestApp('sqlite');
    expect(await rejection(t.runtime.grants.authorize('grt_missing'))).toMatchObject({ code: 'NOT_CONNECTED' });
  });
});

describe('GrantManager: OAuth grants', () => {
  it('uses a fresh access token as it is, and refreshes an expired one, committing the rotated refresh token', async () => {
    const { server: s, client, t: app, grants } = await setup();
    const fresh = await seedOAuthGrant(app.runtime, s, client);
    const cred = await grants.authorize(fresh.grantId);
    expect(cred).toEqual({ grantId: fresh.grantId, version: 1, authorization: `Bearer ${fresh.tokens.accessToken}` });
    expect(s.stats.tokenRequests.refresh_token).toBeUndefined();

    const expired = await seedOAuthGrant(app.runtime, s, client, { expired: true });
    const next = await grants.authorize(expired.grantId);
    expect(next.version).toBe(2);
    expect(next.authorization).not.toBe(`Bearer ${expired.tokens.accessToken}`);
    expect((await me(s, next.authorization)).status).toBe(200);
    expect(s.stats.tokenRequests.refresh_token).toBe(1);
    const row = await app.runtime.store.connections.getGrant(expired.grantId);
    expect(row).toMatchObject({ version: 2, status: 'active', lease_owner: null, last_error: null });
    expect(Date.parse(row?.expires_at ?? '')).toBeGreaterThan(Date.now());
    const storedRt = await app.runtime.secrets.get(
      expired.tenantId,
      'grants',
      expired.grantId,
      grantSecretFields.refreshToken,
    );
    expect(storedRt).toBeDefined();
    expect(storedRt).not.toBe(expired.tokens.refreshToken);
    expect(app.logs.text).not.toContain(storedRt ?? '');
    const metrics = await app.app.inject({ url: '/metrics' });
    expect(metrics.body).toContain(
      'switchyard_oauth_refreshes_total{provider="atlassian-cloud",outcome="refreshed"} 1',
    );
  });

  it('after a 401 refreshes once even before expiry, unless another caller already did', async () => {
    const { server: s, client, t: app, grants } = await setup({ flavor: 'bitbucket' });
    const g = await seedOAuthGrant(app.runtime, s, client);
    const used = await grants.authorize(g.grantId);
    const [a, b] = await Promise.all([grants.afterUnauthorized(used), grants.afterUnauthorized(used)]);
    expect(a).toEqual(b);
    expect(a.version).toBe(2);
    expect(s.stats.tokenRequests.refresh_token).toBe(1);
    // A caller still holding the old credential gets the current one without a new refresh.
    expect(await grants.afterUnauthorized(used)).toEqual(a);
    expect(s.stats.tokenRequests.refresh_token).toBe(1);
  });

  it('invalid_grant puts the grant and its connections in reauth_required; later calls answer 424 without a token request', async () => {
    const { server: s, client, t: app, grants } = await setup();
    const g = await seedOAuthGrant(app.runtime, s, client, { expired: true });
    s.revokeAll();
    const err = await rejection(grants.authorize(g.grantId));
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'REAUTH_REQUIRED', status: 424 });
    expect(err?.message).toMatch(/^Reconnect this connection: .*POST \/v1\/connect\/atlassian-cloud/);
    expect((await app.runtime.store.connections.getGrant(g.grantId))?.status).toBe('reauth_required');
    const conn = await app.runtime.store.connections.getConnection(g.tenantId, g.connectionId);
    expect(conn).toMatchObject({ status: 'reauth_required', last_error: expect.stringContaining('revoked') });
    // Subscribers are told once, with a connection.reauth_required event in the log.
    const events = await app.runtime.store.events.listEvents(
      g.tenantId,
      { type: 'connection.reauth_required', connectionId: g.connectionId },
      { limit: 10 },
    );
    expect(events).toHaveLength(1);
    const requests = s.stats.tokenRequests.refresh_token;
    expect(await rejection(grants.authorize(g.grantId))).toMatchObject({ code: 'REAUTH_REQUIRED' });
    expect(s.stats.tokenRequests.refresh_token).toBe(requests);
  });

  it('a refresh token consumed by someone else is detected as a revoked grant', async () => {
    const { server: s, client, t: app, grants } = await setup();
    const g = await seedOAuthGrant(app.runtime, s, client, { expired: true });
    await grants.authorize(g.grantId); // rotates: the seeded refresh token is now consumed
    const { def, ctx } = testOAuthTarget(s);
    await rejection(refreshTokens(def, ctx, client, g.tokens.refreshToken ?? '')); // a leaked copy replayed
    const used = await grants.authorize(g.grantId);
    expect((await me(s, used.authorization)).status).toBe(401);
    expect(await rejection(grants.afterUnauthorized(used))).toMatchObject({ code: 'REAUTH_REQUIRED' });
    expect((await app.runtime.store.connections.getGrant(g.grantId))?.status).toBe('reauth_required');
  });

  it('retries transient token endpoint failures and keeps the grant active when they persist', async () => {
    const { server: s, client, t: app } = await setup();
    const fast = new GrantManager({ ...app.runtime, timing: { backoffBaseMs: 5, backoffCapMs: 20 } });
    const g = await seedOAuthGrant(app.runtime, s, client, { expired: true });
    s.failTokenRequests(2, 502);
    expect((await fast.authorize(g.grantId)).version).toBe(2);
    expect(s.stats.injectedFailures).toBe(2);

    const h = await seedOAuthGrant(app.runtime, s, client, { expired: true });
    s.failTokenRequests(100, 503);
    const err = await rejection(fast.authorize(h.grantId));
    expect(err).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(s.stats.injectedFailures).toBe(2 + 4);
    const row = await app.runtime.store.connections.getGrant(h.grantId);
    expect(row).toMatchObject({ status: 'active', version: 1, lease_owner: null });
    expect(row?.last_error).toContain('refresh failed');
    s.failTokenRequests(0);
    expect((await fast.authorize(h.grantId)).version).toBe(2);
  });

  it('Data Center: refreshes at the instance through the host guard, which refuses a loopback instance unless allowlisted', async () => {
    server = await startOAuthServer({ flavor: 'data-center' });
    const { client, env } = await clientAndEnv(server);
    t = await startTestApp('sqlite', env);
    const g = await seedOAuthGrant(t.runtime, server, client, { expired: true });
    const cred = await t.runtime.grants.authorize(g.grantId);
    expect(cred.version).toBe(2);
    expect(
      (await fetch(`${server.url}/rest/api/2/myself`, { headers: { authorization: cred.authorization } })).status,
    ).toBe(200);

    const strict = await startTestApp('sqlite', { SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1' });
    try {
      const h = await seedOAuthGrant(strict.runtime, server, client, { expired: true });
      const err = await rejection(strict.runtime.grants.authorize(h.grantId));
      expect(err).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('SWITCHYARD_ALLOWED_HOSTS') });
      expect(server.stats.tokenRequests.refresh_token).toBe(1);
      expect((await strict.runtime.store.connections.getGrant(h.grantId))?.status).toBe('active');
    } finally {
      await strict.close();
    }
  });

  it('a grant without a refresh token needs a reconnect', async () => {
    const { server: s, client, t: app, grants } = await setup();
    const g = await seedOAuthGrant(app.runtime, s, client, { expired: true });
    await app.runtime.store.deleteSecrets('grants', g.grantId);
    await app.runtime.secrets.put(g.tenantId, 'grants', g.grantId, grantSecretFields.accessToken, 'old');
    expect(await rejection(grants.authorize(g.grantId))).toMatchObject({ code: 'REAUTH_REQUIRED' });
    expect(s.stats.tokenRequests.refresh_token).toBeUndefined();
  });
});
