import type { SwitchyardClient } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BitbucketContract,
  expectConforming as conform,
  expectNoRequestViolations,
  type RecordingFront,
  startBitbucketContract,
} from '../test-support/recording-front.js';

/**
 * The pull request extras against Bitbucket's OpenAPI specs (Prism): Cloud 2.0 (dynamic answers) and Data
 * Center 9.5. Each call is made through the SDK; whatever Prism answers, the requests the gateway sent must
 * carry no request violation.
 */
describe('the Bitbucket pull request extras against Bitbucket’s OpenAPI specs (Prism)', () => {
  let c: BitbucketContract;
  let cloudFront: RecordingFront;
  let dcFront: RecordingFront;
  let sdk: SwitchyardClient;
  let cloud: string;
  let dc: string;
  beforeAll(async () => {
    c = await startBitbucketContract({ 'x-ausername': 'jdoe' });
    ({ cloudFront, dcFront, sdk, cloud, dc } = c);
  }, 120_000);
  afterAll(async () => c?.close());

  const quiet = <T>(p: Promise<T>) => p.catch(() => undefined);

  describe('Bitbucket Cloud', () => {
    const repo = { workspace: 'acme', repo: 'widgets' };
    const pr = '/2.0/repositories/acme/widgets/pullrequests/1';

    it('creates with reviewers and updates (read, then PUT)', async () => {
      await quiet(
        sdk.bitbucket.createPullRequest(cloud, repo, {
          title: 'T',
          source_branch: 'a',
          destination_branch: 'main',
          reviewers: ['{d7a1c3e2-0000-4000-8000-000000000001}', '557058:abc'],
        }),
      );
      conform(cloudFront.seen, 'POST', '/2.0/repositories/acme/widgets/pullrequests');
      await quiet(
        sdk.bitbucket.updatePullRequest(cloud, repo, 1, {
          title: 'New',
          description: 'Text',
          destination_branch: 'release',
          reviewers: ['557058:abc'],
        }),
      );
      conform(cloudFront.seen, 'GET', pr);
      conform(cloudFront.seen, 'PUT', pr);
    });

    it('requests changes and withdraws', async () => {
      await quiet(sdk.bitbucket.requestChanges(cloud, repo, 1));
      await quiet(sdk.bitbucket.withdrawChangeRequest(cloud, repo, 1));
      conform(cloudFront.seen, 'POST', `${pr}/request-changes`);
      conform(cloudFront.seen, 'DELETE', `${pr}/request-changes`);
    });

    it('adds inline comments and replies, edits and deletes', async () => {
      await quiet(sdk.bitbucket.addComment(cloud, repo, 1, { body: 'x', inline: { path: 'src/a.ts', line: 3 } }));
      await quiet(
        sdk.bitbucket.addComment(cloud, repo, 1, {
          body: 'y',
          parent_id: '7',
          inline: { path: 'src/a.ts', line: 2, side: 'old' },
        }),
      );
      conform(cloudFront.seen, 'POST', `${pr}/comments`);
      await quiet(sdk.bitbucket.editComment(cloud, repo, 1, '7', { body: 'z' }));
      await quiet(sdk.bitbucket.deleteComment(cloud, repo, 1, '7'));
      conform(cloudFront.seen, 'PUT', `${pr}/comments/7`);
      conform(cloudFront.seen, 'DELETE', `${pr}/comments/7`);
    });

    it('asks for the diff, diffstat and activity', async () => {
      await quiet(sdk.bitbucket.diff(cloud, repo, 1));
      await quiet(sdk.bitbucket.diffstat(cloud, repo, 1, { limit: 5 }));
      await quiet(sdk.bitbucket.activity(cloud, repo, 1, { limit: 5 }));
      conform(cloudFront.seen, 'GET', `${pr}/diff`);
      conform(cloudFront.seen, 'GET', `${pr}/diffstat`);
      conform(cloudFront.seen, 'GET', `${pr}/activity`);
      expectNoRequestViolations(cloudFront.seen);
    });
  });

  describe('Bitbucket Data Center', () => {
    const repo = { workspace: 'PRJ', repo: 'widgets' };
    const pr = '/rest/api/latest/projects/PRJ/repos/widgets/pull-requests/1';

    it('creates with reviewers and updates with the version (read, then PUT)', async () => {
      await quiet(
        sdk.bitbucket.createPullRequest(dc, repo, {
          title: 'T',
          source_branch: 'a',
          destination_branch: 'main',
          reviewers: ['jdoe'],
        }),
      );
      conform(dcFront.seen, 'POST', '/rest/api/latest/projects/PRJ/repos/widgets/pull-requests');
      await quiet(sdk.bitbucket.updatePullRequest(dc, repo, 1, { title: 'New', destination_branch: 'release' }));
      conform(dcFront.seen, 'GET', pr);
      conform(dcFront.seen, 'PUT', pr);
    });

    it('requests changes as the participant status', async () => {
      await quiet(sdk.bitbucket.requestChanges(dc, repo, 1));
      await quiet(sdk.bitbucket.withdrawChangeRequest(dc, repo, 1));
      conform(dcFront.seen, 'GET', '/rest/api/latest/application-properties');
      conform(dcFront.seen, 'GET', '/rest/api/latest/users/jdoe');
      // The user's slug comes from Prism's example user, not from X-AUSERNAME.
      const puts = dcFront.seen.filter((r) => r.method === 'PUT' && r.path.startsWith(`${pr}/participants/`));
      expect(puts).toHaveLength(2);
      for (const put of puts) expect(put.violations).toEqual([]);
    });

    it('replies, edits and deletes comments', async () => {
      await quiet(sdk.bitbucket.addComment(dc, repo, 1, { body: 'y', parent_id: '7' }));
      conform(dcFront.seen, 'POST', `${pr}/comments`);
      await quiet(sdk.bitbucket.editComment(dc, repo, 1, '7', { body: 'z' }));
      await quiet(sdk.bitbucket.deleteComment(dc, repo, 1, '7'));
      conform(dcFront.seen, 'GET', `${pr}/comments/7`);
      conform(dcFront.seen, 'PUT', `${pr}/comments/7`);
      conform(dcFront.seen, 'DELETE', `${pr}/comments/7`);
    });

    it('asks for the diff, the changes and the activities', async () => {
      await quiet(sdk.bitbucket.diff(dc, repo, 1));
      await quiet(sdk.bitbucket.diffstat(dc, repo, 1, { limit: 5 }));
      await quiet(sdk.bitbucket.activity(dc, repo, 1, { limit: 5 }));
      conform(dcFront.seen, 'GET', `${pr}.diff`);
      conform(dcFront.seen, 'GET', `${pr}/changes`);
      conform(dcFront.seen, 'GET', `${pr}/activities`);
    });

    it('reads the file diff for an inline comment, then anchors it', async () => {
      // A one-segment path: Prism does not route a `{path}` parameter that holds a slash.
      const before = dcFront.seen.length;
      await quiet(sdk.bitbucket.addComment(dc, repo, 1, { body: 'x', inline: { path: 'a.ts', line: 3 } }));
      conform(dcFront.seen, 'GET', `${pr}/diff/a.ts`);
      const post = dcFront.seen.slice(before).find((r) => r.method === 'POST');
      expect(post).toMatchObject({ path: `${pr}/comments`, violations: [] });
    });
  });

  it('sent no request either spec refuses', () => {
    expectNoRequestViolations([...cloudFront.seen, ...dcFront.seen]);
  });
});
