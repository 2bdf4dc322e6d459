import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppliedCredential, CredentialSource } from '../auth/credential.js';
import { startTestApp, type TestApp } from '../test-support/harness.js';
import { seedTokenConnection } from '../test-support/seed-connection.js';
import { ProxyTargets } from './proxy-targets.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A credential source that counts its calls and hands out numbered tokens. */
function countingGrants() {
  const calls = { authorize: 0, afterUnauthorized: 0 };
  let version = 1;
  const source: CredentialSource = {
    authorize: async (grantId) => {
      calls.authorize++;
      return { grantId, version, authorization: `Bearer token-${version}` };
    },
    afterUnauthorized: async (used: AppliedCredential) => {
      calls.afterUnauthorized++;
      version = used.version + 1;
      return { grantId: used.grantId, version, authorization: `Bearer token-${version}` };
    },
  };
  return { calls, source };
}

async function setup(ttlMs: number) {
  t = await startTestApp('sqlite');
  const app = t;
  const tenantId = app.admin.tenant.id;
  const id = await seedTokenConnection(app.runtime, {
    tenantId,
    provider: 'jira-dc',
    authType: 'bearer',
    username: null,
    secret: 'pat',
    siteUrl: 'https://jira.example.com',
    products: ['jira'],
  });
  const grants = countingGrants();
  const reads = vi.spyOn(app.runtime.store.connections, 'getConnection');
  const targets = new ProxyTargets({ ...app.runtime, grants: grants.source }, { ttlMs });
  return { app, tenantId, id, grants, reads, targets };
}

describe('ProxyTargets', () => {
  it('reads a connection once for concurrent and repeated calls, and reuses its credential', async () => {
    const { tenantId, id, grants, reads, targets } = await setup(60_000);
    const all = await Promise.all(Array.from({ length: 10 }, () => targets.get(tenantId, id)));
    expect(new Set(all).size).toBe(1);
    expect(reads).toHaveBeenCalledTimes(1);
    const target = all[0];
    expect(target?.budget).toMatchObject({ key: id });
    expect(await target?.credential.authorize()).toMatchObject({ authorization: 'Bearer token-1' });
    expect(await target?.credential.authorize()).toMatchObject({ authorization: 'Bearer token-1' });
    expect(grants.calls.authorize).toBe(1);
  });

  it('keeps the credential the grant manager answers after a 401', async () => {
    const { tenantId, id, grants, targets } = await setup(60_000);
    const target = await targets.get(tenantId, id);
    const used = await target.credential.authorize();
    expect(await target.credential.afterUnauthorized(used)).toMatchObject({ authorization: 'Bearer token-2' });
    expect(await (await targets.get(tenantId, id)).credential.authorize()).toMatchObject({
      authorization: 'Bearer token-2',
    });
    expect(grants.calls.authorize).toBe(1);
  });

  it('sees a deleted connection after its time to live', async () => {
    const { app, tenantId, id, targets } = await setup(40);
    await targets.get(tenantId, id);
    await app.runtime.store.connections.deleteConnection(tenantId, id);
    await expect(Promise.resolve(targets.get(tenantId, id))).resolves.toBeDefined();
    await new Promise((r) => setTimeout(r, 60));
    await expect(Promise.resolve(targets.get(tenantId, id))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('sees a deleted connection at once when invalidated', async () => {
    const { app, tenantId, id, targets } = await setup(60_000);
    await targets.get(tenantId, id);
    await app.runtime.store.connections.deleteConnection(tenantId, id);
    targets.invalidate(tenantId, id);
    await expect(Promise.resolve(targets.get(tenantId, id))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers 424 REAUTH_REQUIRED for a connection that needs a reconnect', async () => {
    const { app, tenantId, id, targets } = await setup(60_000);
    await app.runtime.store.connections.updateConnection(tenantId, id, { status: 'reauth_required' });
    await expect(Promise.resolve(targets.get(tenantId, id))).rejects.toMatchObject({
      code: 'REAUTH_REQUIRED',
      status: 424,
    });
  });
});
