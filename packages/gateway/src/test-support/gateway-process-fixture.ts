import { afterEach } from 'vitest';
import {
  type GatewayProcess,
  type SharedDatabase,
  sharedDatabase,
  startGatewayProcess,
} from './oauth-gateway-process.js';
import { clientAndEnv, type SeededGrant, seedOAuthGrant } from './oauth-grants.js';
import { startOAuthServer, type TestOAuthServer } from './oauth-server.js';

export interface ExpiredGrantSetup {
  server: TestOAuthServer;
  db: SharedDatabase;
  grant: SeededGrant;
  /** Start a gateway process over the shared database; it is killed after the test. */
  startGateway(): Promise<GatewayProcess>;
}

export interface ExpiredGrantOptions {
  /** The OAuth server's refresh token reuse leeway (default 0). */
  reuseLeewaySeconds?: number;
  /** Extra gateway environment on top of the OAuth client's. */
  env?: Record<string, string>;
}

/**
 * For refresh tests over real gateway processes: an Atlassian OAuth server and a shared PostgreSQL schema
 * holding one expired OAuth grant. Call at module level: it registers the afterEach that kills every
 * gateway started and closes the database and the OAuth server, and answers the per-test setup.
 */
export function expiredGrantOverProcesses(): (opts?: ExpiredGrantOptions) => Promise<ExpiredGrantSetup> {
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
  return async (opts = {}) => {
    const s = await startOAuthServer({ flavor: 'atlassian', reuseLeewaySeconds: opts.reuseLeewaySeconds ?? 0 });
    server = s;
    const { client, env } = await clientAndEnv(s);
    const shared = await sharedDatabase({ ...env, ...opts.env });
    db = shared;
    const grant = await seedOAuthGrant(shared.runtime, s, client, { expired: true });
    const startGateway = async () => {
      const gw = await startGatewayProcess(shared);
      gateways.push(gw);
      return gw;
    };
    return { server: s, db: shared, grant, startGateway };
  };
}
