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
 * The normalized Jira API's requests against Jira Cloud's OpenAPI spec (Prism, as in proxy-contract.test.ts):
 * the front records each request with Prism's `sl-violations`, and none may have any.
 */
describe('the Jira API against Jira Cloud’s OpenAPI spec (Prism)', () => {
  let c: AtlassianContract;
  let front: AtlassianFront;
  let sdk: SwitchyardClient;
  let connectionId: string;
  beforeAll(async () => {
    c = await startAtlassianContract(CLOUD_ID, ['jira']);
    ({ front, sdk, connectionId } = c);
  }, 120_000);
  afterAll(async () => c?.close());

  const sent = (method: string, path: string) => sentTo(front.records, method, `/ex/jira/${CLOUD_ID}${path}`);

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
    expectNoRequestViolations(front.records);
  });
});
