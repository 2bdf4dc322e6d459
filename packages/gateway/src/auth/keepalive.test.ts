import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/harness.js';
import { clientAndEnv, seedOAuthGrant } from '../test-support/oauth-grants.js';
import { startOAuthServer, type TestOAuthServer } from '../test-support/oauth-server.js';
import { GrantManager } from './grant-manager.js';
import { KeepAlive } from './keepalive.js';

let server: TestOAuthServer | undefined;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  await server?.close();
  t = undefined;
  server = undefined;
});

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

async function setup() {
  server = await startOAuthServer({ flavor: 'atlassian' });
  const { client, env } = await clientAndEnv(server);
  t = await startTestApp('sqlite', env);
  const job = new KeepAlive({ ...t.runtime, grants: t.runtime.grants });
  const seed = async (refreshedDaysAgo: number, consentedDaysAgo = refreshedDaysAgo) => {
    const g = await seedOAuthGrant(t?.runtime as TestApp['runtime'], server as TestOAuthServer, client);
    await t?.runtime.store.connections.updateGrant(g.grantId, {
      refreshed_at: daysAgo(refreshedDaysAgo),
      consented_at: daysAgo(consentedDaysAgo),
    });
    return g;
  };
  return { s: server, app: t, job, seed };
}

describe('keep-alive job', () => {
  it('refreshes grants idle for a third of the inactivity expiry, and only those', async () => {
    const { s, app, job, seed } = await setup();
    const idle = await seed(40);
    const recent = await seed(2);
    expect(await job.runOnce()).toEqual({ refreshed: 1, failed: 0, flagged: 0 });
    expect(s.stats.tokenRequests.refresh_token).toBe(1);
    const row = await app.runtime.store.connections.getGrant(idle.grantId);
    expect(row?.version).toBe(2);
    expect(Date.parse(row?.refreshed_at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect((await app.runtime.store.connections.getGrant(recent.grantId))?.version).toBe(1);
    expect(await job.runOnce()).toEqual({ refreshed: 0, failed: 0, flagged: 0 });
  });

  it('a revoked idle grant ends in reauth_required; a transient failure leaves it active for the next run', async () => {
    const { s, app, job, seed } = await setup();
    const g = await seed(40);
    s.failTokenRequests(100);
    const quick = new GrantManager({ ...app.runtime, timing: { backoffBaseMs: 5, backoffCapMs: 10 } });
    const fast = new KeepAlive({ ...app.runtime, grants: quick });
    expect((await fast.runOnce()).failed).toBe(1);
    expect((await app.runtime.store.connections.getGrant(g.grantId))?.status).toBe('active');
    s.failTokenRequests(0);
    s.revokeAll();
    expect((await job.runOnce()).failed).toBe(1);
    expect((await app.runtime.store.connections.getGrant(g.grantId))?.status).toBe('reauth_required');
  });

  it('flags grants within 30 days of the absolute expiry after first consent', async () => {
    const { app, job, seed } = await setup();
    const old = await seed(1, 350);
    await seed(1, 200);
    expect((await job.runOnce()).flagged).toBe(1);
    const row = await app.runtime.store.connections.getGrant(old.grantId);
    expect(row?.last_error).toMatch(/ends this authorization on \d{4}-\d{2}-\d{2} whatever happens: reconnect/);
    expect(row?.status).toBe('active');
    expect(app.logs.text).toContain('grant nears its absolute expiry');
  });

  it('runs on its timer once started and stops cleanly; interval 0 never starts', async () => {
    const { s, app, seed } = await setup();
    await seed(40);
    const off = new KeepAlive({ ...app.runtime, config: { keepaliveIntervalSeconds: 0 } });
    off.start(1);
    await new Promise((r) => setTimeout(r, 200));
    await off.stop();
    expect(s.stats.tokenRequests.refresh_token).toBeUndefined();
    const on = new KeepAlive({ ...app.runtime, config: { keepaliveIntervalSeconds: 3600 } });
    on.start(1);
    for (let i = 0; i < 100 && s.stats.tokenRequests.refresh_token === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await on.stop();
    expect(s.stats.tokenRequests.refresh_token).toBe(1);
  });
});
