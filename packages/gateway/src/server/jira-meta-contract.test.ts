import type { SwitchyardClient } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtlassianFront } from '../test-support/atlassian-front.js';
import {
  type AtlassianContract,
  expectNoRequestViolations,
  sentTo,
  startAtlassianContract,
} from '../test-support/recording-front.js';

const CLOUD_ID = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';

/**
 * Create metadata and assignable-user requests against Jira Cloud's OpenAPI spec (Prism, as in
 * jira-contract.test.ts): the front records each request with Prism's `sl-violations`, and none may have any.
 */
describe('the Jira create-metadata and user API against Jira Cloud’s OpenAPI spec (Prism)', () => {
  let c: AtlassianContract;
  let front: AtlassianFront;
  let sdk: SwitchyardClient;
  let connectionId: string;
  beforeAll(async () => {
    c = await startAtlassianContract(CLOUD_ID, ['jira']);
    ({ front, sdk, connectionId } = c);
  }, 120_000);
  afterAll(async () => c?.close());

  const sent = (path: string) => sentTo(front.records, 'GET', `/ex/jira/${CLOUD_ID}${path}`);

  it('lists issue types with GET /rest/api/3/issue/createmeta/{project}/issuetypes', async () => {
    const page = await sdk.jira.issueTypes(connectionId, 'PROJ', { limit: 20 });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items[0]).toMatchObject({ id: expect.any(String), name: expect.any(String) });
    const [call] = sent('/rest/api/3/issue/createmeta/PROJ/issuetypes');
    expect(call).toMatchObject({ status: 200, violations: [] });
  });

  it('lists create fields with GET /rest/api/3/issue/createmeta/{project}/issuetypes/{id}', async () => {
    const page = await sdk.jira.createFields(connectionId, 'PROJ', '10001');
    expect(page.items[0]).toMatchObject({ id: expect.any(String), required: expect.any(Boolean) });
    const [call] = sent('/rest/api/3/issue/createmeta/PROJ/issuetypes/10001');
    expect(call).toMatchObject({ status: 200, violations: [] });
  });

  it('searches assignable users with GET /rest/api/3/user/assignable/search', async () => {
    await sdk.jira.assignableUsers(connectionId, { project: 'PROJ', query: 'jane', limit: 5 });
    const [call] = sent('/rest/api/3/user/assignable/search');
    expect(call).toMatchObject({ status: 200, violations: [] });
    expectNoRequestViolations(front.records);
  });
});
