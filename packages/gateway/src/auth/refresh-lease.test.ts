import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/harness.js';
import { clientAndEnv, seedOAuthGrant } from '../test-support/oauth-grants.js';
import { startOAuthServer, type TestOAuthServer } from '../test-support/oauth-server.js';
import { grantSecretFields } from './credential.js';
import { GrantManager } from './grant-manager.js';

let server: TestOAuthServer | undefined;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  await server?.close();
  t = undefined;
  server = undefined;
});

async function setup() {
  server = await startOAuthServer({ flavor: 'atlassian' });
  const { client, env } = await clientAndEnv(server);
  t = await startTestApp('sqlite', { ...env, SWITCHYARD_REFRESH_LEASE_SECONDS: '5' });
  const g = await seedOAuthGrant(t.runtime, server, client, { expired: true });
  return { s: server, app: t, g };
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('refresh lease', () => {
  it('waits out a lease left by a replica that died, then refreshes', async () => {
    const { s, app, g } = await setup();
    const until = new Date(Date.now() + 1500).toISOString();
    await app.runtime.store.connections.updateGrant(g.grantId, { lease_owner: 'dead-replica', lease_until: until });
    const started = Date.now();
    const cred = await app.runtime.grants.authorize(g.grantId);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(cred.version).toBe(2);
    expect(s.stats.tokenRequests.refresh_token).toBe(1);
  });

  it('a waiting instance gets the holder’s REAUTH_REQUIRED, not a second token request', async () => {
    const { s, app, g } = await setup();
    const other = new GrantManager(app.runtime);
    s.revokeAll();
    const [a, b] = await Promise.all([
      rejection(app.runtime.grants.authorize(g.grantId)),
      rejection(other.authorize(g.grantId)),
    ]);
    expect(a).toMatchObject({ code: 'REAUTH_REQUIRED' });
    expect(b).toMatchObject({ code: 'REAUTH_REQUIRED' });
    expect(s.stats.tokenRequests.refresh_token).toBe(1);
  });

  it('a commit that loses its compare-and-swap keeps nothing of its refresh, logs loudly and answers the current grant', async () => {
    const { s, app, g } = await setup();
    const { store } = app.runtime;
    // Another writer changes the grant between the token response and the commit (a lease that ran out).
    s.onTokenResponse = async () => {
      const row = await store.connections.getGrant(g.grantId);
      await store.connections.updateGrant(g.grantId, { version: (row?.version ?? 0) + 1 });
    };
    const cred = await app.runtime.grants.authorize(g.grantId);
    expect(cred).toEqual({ grantId: g.grantId, version: 2, authorization: `Bearer ${g.tokens.accessToken}` });
    expect(app.logs.text).toContain('refresh lost its compare-and-swap');
    const rt = await app.runtime.secrets.get(g.tenantId, 'grants', g.grantId, grantSecretFields.refreshToken);
    expect(rt).toBe(g.tokens.refreshToken);
    expect((await store.connections.getGrant(g.grantId))?.lease_owner).toBeNull();
  });
});
