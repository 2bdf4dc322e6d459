import { SwitchyardClient } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AtlassianFront, startAtlassianFront } from '../test-support/atlassian-front.js';
import { startTestApp, type TestApp } from '../test-support/harness.js';
import { prismMocks } from '../test-support/prism-client.js';
import { seedTokenConnection } from '../test-support/seed-connection.js';

const CLOUD_ID = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';

/**
 * The normalized Jira API's requests against Jira Cloud's OpenAPI spec (Prism, as in proxy-contract.test.ts):
 * the front records each request with Prism's `sl-violations`, and none may have any.
 */
describe('the Jira API against Jira Cloud’s OpenAPI spec (Prism)', () => {
  let t: TestApp;
  let front: AtlassianFront;
  let sdk: SwitchyardClient;
  let connectionId: string;
  beforeAll(async () => {
    const mocks = await prismMocks(['jira', 'confluence-v2', 'confluence-v1']);
    front = await startAtlassianFront(mocks, CLOUD_ID);
    t = await startTestApp('sqlite', {
      SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
      SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
      ATLASSIAN_API_URL: front.url,
    });
    sdk = new SwitchyardClient({
      baseUrl: await t.app.listen({ host: '127.0.0.1', port: 0 }),
      apiKey: t.admin.adminKey.key,
    });
    connectionId = await seedTokenConnection(t.runtime, {
      tenantId: t.admin.tenant.id,
      provider: 'atlassian-cloud',
      authType: 'api_token',
      username: 'jane@example.com',
      secret: 'scoped-token-1',
      siteUrl: 'https://acme.atlassian.net',
      cloudId: CLOUD_ID,
      products: ['jira'],
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await front?.close();
  });

  const sent = (method: string, path: string) =>
    front.records.filter((r) => r.method === method && r.path.split('?')[0] === `/ex/jira/${CLOUD_ID}${path}`);

  it('searches with GET /rest/api/3/search/jql', async () => {
    const page = await sdk.jira.search(connectionId, { jql: 'project = PROJ ORDER BY created DESC', limit: 10 });
    expect(Array.isArray(page.items)).toBe(true);
    const [search] = sent('GET', '/rest/api/3/search/jql');
    expect(search).toMatchObject({ status: 200, violations: [] });
  });

  it('creates an issue with an ADF description and reads it back', async () => {
    const issue = await sdk.jira.create(connectionId, {
      project_key: 'PROJ',
      issue_type: 'Task',
      summary: 'Build broken',
      description: 'The build fails.\n\n```\nnpm test\n```',
    });
    expect(issue.key).toEqual(expect.any(String));
    const [create] = sent('POST', '/rest/api/3/issue');
    expect(create).toMatchObject({ status: 201, violations: [] });
    expect(front.records.every((r) => r.violations.length === 0)).toBe(true);
  });
});
