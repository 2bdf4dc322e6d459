import { SwitchyardClient, type SwitchyardError } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/harness.js';

/** The SDK against a listening gateway: the client and the server share one contract. */
describe('SDK against the gateway', () => {
  let t: TestApp;
  let admin: SwitchyardClient;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
    admin = new SwitchyardClient({ baseUrl, apiKey: t.admin.adminKey.key });
  });
  afterAll(() => t.close());

  it('creates a tenant and a tenant key, which then sees only its own tenant', async () => {
    expect((await admin.health()).status).toBe('ok');
    expect((await admin.me()).tenant.slug).toBe('default');
    const acme = await admin.tenants.create({ name: 'Acme', slug: 'acme-sdk' });
    const created = await admin.forTenant(acme.id).keys.create({ name: 'bot' });
    expect(created.tenant_id).toBe(acme.id);

    const bot = new SwitchyardClient({ baseUrl, apiKey: created.key });
    expect((await bot.me()).tenant.id).toBe(acme.id);
    const other = await bot
      .forTenant(t.admin.tenant.id)
      .me()
      .catch((e: unknown) => e as SwitchyardError);
    expect(other).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect((other as SwitchyardError).requestId).toBeTruthy();

    await admin.keys.revoke(created.id);
    await expect(bot.me()).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('pages through every tenant with all()', async () => {
    for (let i = 0; i < 5; i++) await admin.tenants.create({ name: `T${i}`, slug: `page-${i}` });
    const slugs: string[] = [];
    for await (const tenant of admin.all((q) => admin.tenants.list(q), 2)) slugs.push(tenant.slug);
    expect(slugs).toEqual(expect.arrayContaining(['default', 'page-0', 'page-4']));
    expect(new Set(slugs).size).toBe(slugs.length);
  });
});
