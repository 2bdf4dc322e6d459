import { afterEach, describe, expect, it } from 'vitest';
import {
  type GatewayProcess,
  type SharedDatabase,
  sharedDatabase,
  startGatewayProcess,
  testConnectionAt,
} from '../test-support/oauth-gateway-process.js';
import { clientAndEnv, seedOAuthGrant } from '../test-support/oauth-grants.js';
import { startOAuthServer, type TestOAuthServer } from '../test-support/oauth-server.js';

/** Two built gateways (real processes) on one PostgreSQL schema, racing for one expired OAuth grant. */
let server: TestOAuthServer | undefined;
let db: SharedDatabase | undefined;
const gateways: GatewayProcess[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.kill()));
  await db?.close();
  await server?.close();
  db = undefined;
  server = undefined;
});

describe('refresh across gateway processes (PostgreSQL)', () => {
  it('250 concurrent connection tests at each of two processes make exactly one token request', async () => {
    server = await startOAuthServer({ flavor: 'atlassian' });
    const { client, env } = await clientAndEnv(server);
    db = await sharedDatabase(env);
    const g = await seedOAuthGrant(db.runtime, server, client, { expired: true });
    gateways.push(...(await Promise.all([startGatewayProcess(db), startGatewayProcess(db)])));

    const calls = gateways.flatMap((gw) =>
      Array.from({ length: 250 }, () => testConnectionAt(gw, db?.adminKey ?? '', g.connectionId)),
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
