import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { type Kind, LogCapture, startTestApp, type TestApp } from '../test-support/harness.js';
import { clientAndEnv, seedOAuthGrant } from '../test-support/oauth-grants.js';
import { startOAuthServer, type TestOAuthServer } from '../test-support/oauth-server.js';

let server: TestOAuthServer | undefined;
let t: TestApp | undefined;
let second: Runtime | undefined;
afterEach(async () => {
  await second?.close();
  await t?.close();
  await server?.close();
  second = undefined;
  t = undefined;
  server = undefined;
});

async function setup(kind: Kind) {
  server = await startOAuthServer({ flavor: 'atlassian', accessTokenTtlSeconds: 3600 });
  const { client, env } = await clientAndEnv(server);
  t = await startTestApp(kind, env);
  const g = await seedOAuthGrant(t.runtime, server, client, { expired: true });
  return { s: server, app: t, g };
}

describe('refresh storm', () => {
  for (const kind of ['sqlite', 'postgres'] as const) {
    it(`${kind}: 500 concurrent authorize() on an expired token make exactly one token request and share its result`, async () => {
      const { s, app, g } = await setup(kind);
      const creds = await Promise.all(Array.from({ length: 500 }, () => app.runtime.grants.authorize(g.grantId)));
      expect(s.stats.tokenRequests.refresh_token).toBe(1);
      expect(new Set(creds.map((c) => c.authorization)).size).toBe(1);
      expect(creds[0]?.version).toBe(2);
      expect(creds[0]?.authorization).not.toBe(`Bearer ${g.tokens.accessToken}`);
    });
  }

  it('postgres: two GrantManagers over two connection pools, 500 callers each → exactly one token request', async () => {
    const { s, app, g } = await setup('postgres');
    second = await createRuntime(app.config, createLogger('info', new LogCapture()));
    expect(second.grants.owner).not.toBe(app.runtime.grants.owner);
    const callers = [app.runtime.grants, second.grants].flatMap((m) =>
      Array.from({ length: 500 }, () => m.authorize(g.grantId)),
    );
    const creds = await Promise.all(callers);
    expect(s.stats.tokenRequests.refresh_token).toBe(1);
    expect(new Set(creds.map((c) => c.authorization)).size).toBe(1);
    const row = await app.runtime.store.connections.getGrant(g.grantId);
    expect(row).toMatchObject({ version: 2, lease_owner: null, lease_until: null });
  });

  it('postgres: a 401 storm across two replicas also refreshes once', async () => {
    const { s, app, g } = await setup('postgres');
    second = await createRuntime(app.config, createLogger('info', new LogCapture()));
    const used = await app.runtime.grants.authorize(g.grantId); // version 2 after the first refresh
    s.resetStats();
    const callers = [app.runtime.grants, second.grants].flatMap((m) =>
      Array.from({ length: 100 }, () => m.afterUnauthorized(used)),
    );
    const creds = await Promise.all(callers);
    expect(s.stats.tokenRequests.refresh_token).toBe(1);
    expect(new Set(creds.map((c) => c.version))).toEqual(new Set([3]));
  });
});
