import type { SwitchyardClient } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bitbucketCloudBearer, startGateway } from '../test-support/api-fixture.js';
import type { TestApp } from '../test-support/harness.js';
import { prismMocks } from '../test-support/prism-client.js';
import {
  expectNoRequestViolations,
  type RecordingFront,
  sentTo,
  startRecordingFront,
} from '../test-support/recording-front.js';

/**
 * The normalized Bitbucket API's pull request calls against Bitbucket Cloud's OpenAPI spec (Prism, as in
 * jira-contract.test.ts): none of the requests the gateway sends may carry a request violation.
 */
describe('the Bitbucket API against Bitbucket Cloud’s OpenAPI spec (Prism)', () => {
  let t: TestApp;
  let front: RecordingFront;
  let sdk: SwitchyardClient;
  let connectionId: string;
  const repo = { workspace: 'acme', repo: 'widgets' };
  beforeAll(async () => {
    const mocks = await prismMocks(['bitbucket-cloud']);
    front = await startRecordingFront(mocks['bitbucket-cloud']);
    const gw = await startGateway({ BITBUCKET_API_URL: front.url });
    ({ t, sdk } = gw);
    connectionId = await gw.seed(bitbucketCloudBearer);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await front?.close();
  });

  const sent = (method: string, path: string) => sentTo(front.seen, method, `/2.0${path}`);

  it('lists pull requests by state', async () => {
    const page = await sdk.bitbucket.pullRequests(connectionId, repo, { state: 'MERGED', limit: 10 });
    expect(Array.isArray(page.items)).toBe(true);
    const [list] = sent('GET', '/repositories/acme/widgets/pullrequests');
    expect(list).toMatchObject({ status: 200, violations: [] });
  });

  it('creates a pull request from a source to a destination branch', async () => {
    await sdk.bitbucket
      .createPullRequest(connectionId, repo, {
        title: 'Fix the build',
        source_branch: 'fix/build',
        destination_branch: 'main',
        description: 'It was *broken*.',
      })
      .catch(() => undefined);
    const [create] = sent('POST', '/repositories/acme/widgets/pullrequests');
    expect(create?.violations).toEqual([]);
    expect(create?.status).toBeLessThan(300);
  });

  it('approves and merges with a strategy', async () => {
    await sdk.bitbucket.approve(connectionId, repo, 1).catch(() => undefined);
    await sdk.bitbucket.merge(connectionId, repo, 1, { strategy: 'squash' }).catch(() => undefined);
    expect(sent('POST', '/repositories/acme/widgets/pullrequests/1/approve')[0]?.violations).toEqual([]);
    expect(sent('POST', '/repositories/acme/widgets/pullrequests/1/merge')[0]?.violations).toEqual([]);
    expectNoRequestViolations(front.seen);
  });
});
