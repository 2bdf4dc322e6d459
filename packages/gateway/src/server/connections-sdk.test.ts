import { SwitchyardClient, type SwitchyardError } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../test-support/fake-upstream.js';
import { startTestApp, type TestApp } from '../test-support/harness.js';

/** The SDK's providers and connections calls against a listening gateway and a local vendor. */
describe('SDK: providers and connections', () => {
  let up: FakeUpstream;
  let t: TestApp;
  let sdk: SwitchyardClient;
  let baseUrl: string;

  beforeAll(async () => {
    up = await startFakeUpstream();
    t = await startTestApp('sqlite', {
      SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
      SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
      ATLASSIAN_CLIENT_ID: 'env-client',
      ATLASSIAN_CLIENT_SECRET: 'env-client-secret-value',
    });
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
    sdk = new SwitchyardClient({ baseUrl, apiKey: t.admin.adminKey.key });
    up.accept('Bearer pat-sdk-0123456789abcdef', { id: '1', name: 'Jane', email: 'j@example.com', key: 'jane' });
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  it('lists the providers with their methods, fields, warnings and OAuth client state, and no secret', async () => {
    const { items } = await sdk.providers.list();
    expect(items.map((p) => p.id)).toEqual([
      'atlassian-cloud',
      'jira-dc',
      'confluence-dc',
      'bitbucket-cloud',
      'bitbucket-dc',
    ]);
    const atlassian = items.find((p) => p.id === 'atlassian-cloud');
    expect(atlassian?.oauth).toMatchObject({ pkce: false, client_configured: true, client_source: 'environment' });
    expect(atlassian?.oauth?.required_scopes).toEqual(['offline_access']);
    const bitbucket = items.find((p) => p.id === 'bitbucket-cloud');
    expect(bitbucket?.oauth).toMatchObject({ pkce: true, client_configured: false, client_source: null });
    expect(bitbucket?.auth_methods.find((m) => m.id === 'app_password')?.warning).toContain('28 July 2026');
    const jira = items.find((p) => p.id === 'jira-dc');
    expect(jira?.oauth?.needs_base_url).toBe(true);
    expect(jira?.auth_methods.find((m) => m.id === 'personal_access_token')?.fields).toEqual([
      expect.objectContaining({ name: 'base_url', secret: false }),
      expect.objectContaining({ name: 'token', secret: true }),
    ]);
    expect(JSON.stringify(items)).not.toContain('env-client-secret-value');
  });

  it('creates, lists, gets, updates, tests and deletes a connection', async () => {
    const created = await sdk.connections.create({
      provider: 'jira-dc',
      auth: { type: 'personal_access_token', token: 'pat-sdk-0123456789abcdef' },
      base_url: up.url,
      name: 'Jira',
    });
    expect(created).toMatchObject({ name: 'Jira', account: { id: 'jane' }, status: 'active' });
    expect((await sdk.connections.list({ provider: 'jira-dc' })).items.map((c) => c.id)).toContain(created.id);
    expect((await sdk.connections.get(created.id)).id).toBe(created.id);
    expect((await sdk.connections.update(created.id, { name: 'Jira prod' })).name).toBe('Jira prod');
    expect(await sdk.connections.test(created.id)).toMatchObject({ ok: true, account: { id: 'jane', name: 'Jane' } });
    await sdk.connections.delete(created.id);
    await sdk.connections.delete(created.id);
    const gone = await sdk.connections.get(created.id).catch((e: unknown) => e as SwitchyardError);
    expect(gone).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as { paths: Record<string, object> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/providers',
        '/v1/connections',
        '/v1/connections/{connection_id}',
        '/v1/connections/{connection_id}/test',
      ]),
    );
    expect(Object.keys(doc.paths['/v1/connections/{connection_id}'] ?? {})).toEqual(
      expect.arrayContaining(['get', 'patch', 'delete']),
    );
  });

  it('surfaces a refused credential as a VALIDATION error', async () => {
    const err = await sdk.connections
      .create({ provider: 'jira-dc', auth: { type: 'personal_access_token', token: 'nope-nope' }, base_url: up.url })
      .catch((e: unknown) => e as SwitchyardError);
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION' });
  });
});
