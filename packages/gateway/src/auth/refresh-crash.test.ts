import { describe, expect, it } from 'vitest';
import { expiredGrantOverProcesses } from '../test-support/gateway-process-fixture.js';
import { type GatewayProcess, type SharedDatabase, testConnectionAt } from '../test-support/oauth-gateway-process.js';
import type { SeededGrant } from '../test-support/oauth-grants.js';
import type { TestOAuthServer } from '../test-support/oauth-server.js';

/**
 * A gateway process killed with SIGKILL in the middle of a refresh, then restarted. See docs/refresh.md
 * ("Crash analysis") for which half of the guarantee each case proves.
 */
const expiredGrant = expiredGrantOverProcesses();

async function setup(reuseLeewaySeconds: number) {
  const { server, db, grant, startGateway } = await expiredGrant({
    reuseLeewaySeconds,
    env: { SWITCHYARD_REFRESH_LEASE_SECONDS: '5' },
  });
  const gw = await startGateway();
  return { s: server, shared: db, g: grant, gw, restart: startGateway };
}

const check = (shared: SharedDatabase, gw: GatewayProcess, g: SeededGrant) =>
  testConnectionAt(gw, shared.adminKey, g.connectionId);

/** Kill `gw` after the token endpoint has rotated the refresh token and before the answer leaves the server. */
function killOnRefreshResponse(s: TestOAuthServer, gw: GatewayProcess): void {
  s.onTokenResponse = async (info) => {
    if (info.grantType !== 'refresh_token') return;
    s.onTokenResponse = undefined; // once
    await gw.kill();
  };
}

describe('crash during refresh (gateway processes, PostgreSQL)', () => {
  it('killed after the token endpoint rotated, before the commit: the rotated token is lost, and the restarted gateway recovers inside the provider’s reuse leeway (600 s)', async () => {
    const { s, shared, g, gw, restart } = await setup(600);
    killOnRefreshResponse(s, gw);
    expect(await check(shared, gw, g)).toEqual({ dropped: true });
    expect(s.stats.tokenRequests.refresh_token).toBe(1);
    expect(await shared.runtime.store.connections.getGrant(g.grantId)).toMatchObject({ version: 1 });

    const next = await restart();
    const answer = await check(shared, next, g);
    expect(answer).toMatchObject({ status: 200, body: { ok: true, status: 'active' } });
    // The restarted gateway waited out the dead one's lease, then refreshed with the consumed refresh token.
    expect(s.stats.tokenRequests.refresh_token).toBe(2);
    expect(s.stats.tokenErrors).toEqual({});
    expect(await shared.runtime.store.connections.getGrant(g.grantId)).toMatchObject({ version: 2, status: 'active' });
    expect(await check(shared, next, g)).toMatchObject({ status: 200, body: { ok: true } });
    expect(s.stats.tokenRequests.refresh_token).toBe(2);
  }, 60_000);

  it('killed after the token endpoint rotated, before the commit, with no reuse leeway: the grant ends in reauth_required with a clear REAUTH_REQUIRED', async () => {
    const { s, shared, g, gw, restart } = await setup(0);
    killOnRefreshResponse(s, gw);
    expect(await check(shared, gw, g)).toEqual({ dropped: true });

    const next = await restart();
    const answer = await check(shared, next, g);
    expect(answer).toMatchObject({
      status: 200,
      body: {
        ok: false,
        status: 'reauth_required',
        error: { code: 'REAUTH_REQUIRED', message: expect.stringMatching(/^Reconnect this connection/) },
      },
    });
    expect(s.stats.tokenErrors).toEqual({ invalid_grant: 1 });
    const grant = await shared.runtime.store.connections.getGrant(g.grantId);
    expect(grant).toMatchObject({ status: 'reauth_required', version: 1 });
    const conn = await shared.runtime.store.connections.getConnection(g.tenantId, g.connectionId);
    expect(conn?.status).toBe('reauth_required');
    // No silent retries: later calls answer REAUTH_REQUIRED without asking the provider again.
    expect(await check(shared, next, g)).toMatchObject({ body: { ok: false, error: { code: 'REAUTH_REQUIRED' } } });
    expect(s.stats.tokenRequests.refresh_token).toBe(2);
  }, 60_000);

  it('killed right after the commit, before the new token was used: the restarted gateway uses it with no extra token request', async () => {
    const { s, shared, g, gw, restart } = await setup(0);
    s.setApiDelay(5000); // if the gateway reaches its account lookup before the kill, it is held there
    let killed: Promise<number | undefined> | undefined;
    s.onTokenResponse = async (info) => {
      if (info.grantType !== 'refresh_token') return;
      // Do not hold the answer: watch the database and kill the gateway as soon as its commit is visible.
      killed = (async () => {
        for (;;) {
          const row = await shared.runtime.store.connections.getGrant(g.grantId);
          if ((row?.version ?? 0) >= 2) {
            await gw.kill();
            return row?.version;
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
    };
    expect(await check(shared, gw, g)).toEqual({ dropped: true });
    expect(await killed).toBe(2);

    s.setApiDelay(0);
    const next = await restart();
    expect(await check(shared, next, g)).toMatchObject({ status: 200, body: { ok: true, status: 'active' } });
    expect(s.stats.tokenRequests.refresh_token).toBe(1);
    expect(s.stats.tokenErrors).toEqual({});
    expect(await shared.runtime.store.connections.getGrant(g.grantId)).toMatchObject({ version: 2, lease_owner: null });
  }, 60_000);
});
