import { describe, expect, it } from 'vitest';
import { expiredGrantOverProcesses } from '../test-support/gateway-process-fixture.js';
import { testConnectionAt } from '../test-support/oauth-gateway-process.js';

/** Two built gateways (real processes) on one PostgreSQL schema, racing for one expired OAuth grant. */
const setup = expiredGrantOverProcesses();

describe('refresh across gateway processes (PostgreSQL)', () => {
  it('250 concurrent connection tests at each of two processes make exactly one token request', async () => {
    const { server, db, grant: g, startGateway } = await setup();
    const gateways = await Promise.all([startGateway(), startGateway()]);

    const calls = gateways.flatMap((gw) =>
      Array.from({ length: 250 }, () => testConnectionAt(gw, db.adminKey, g.connectionId)),
    );
    const answers = await Promise.all(calls);

    expect(server.stats.tokenRequests.refresh_token).toBe(1);
    for (const a of answers) {
      expect(a).toMatchObject({ status: 200, body: { ok: true, status: 'active' } });
    }
    expect(server.stats.apiRequests).toBe(500);
    expect(server.stats.apiRejected).toBe(0);
    const row = await db.runtime.store.connections.getGrant(g.grantId);
    expect(row).toMatchObject({ version: 2, status: 'active', lease_owner: null });
  }, 60_000);
});
