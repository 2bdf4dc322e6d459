import type { SwitchyardClient } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BitbucketContract,
  expectConforming as conform,
  expectNoRequestViolations,
  type RecordingFront,
  startBitbucketContract,
} from '../test-support/recording-front.js';

const HASH = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

/**
 * The repository-content routes against Bitbucket's OpenAPI specs (Prism): Cloud 2.0 (dynamic answers) and
 * Data Center 9.5 (core, build-status and insights roots). Whatever Prism answers, every request the gateway
 * sent must carry no request violation, and each upstream call of the routes must have been sent.
 */
describe('the Bitbucket repository-content API against Bitbucket’s OpenAPI specs (Prism)', () => {
  let c: BitbucketContract;
  let cloudFront: RecordingFront;
  let dcFront: RecordingFront;
  let sdk: SwitchyardClient;
  let cloud: string;
  let dc: string;
  beforeAll(async () => {
    c = await startBitbucketContract();
    ({ cloudFront, dcFront, sdk, cloud, dc } = c);
  }, 120_000);
  afterAll(async () => c?.close());

  const quiet = <T>(p: Promise<T>) => p.catch(() => undefined);
  const report = {
    title: 'Security scan',
    details: 'Two findings',
    result: 'FAIL' as const,
    reporter: 'Scanner',
    link: 'https://ci.example.com/scan/1',
    report_type: 'SECURITY' as const,
    data: [{ title: 'Report', type: 'LINK' as const, value: { text: 'open', href: 'https://ci.example.com/r' } }],
  };
  const annotation = {
    external_id: 'finding-1',
    message: 'Possible SQL injection',
    severity: 'HIGH' as const,
    type: 'VULNERABILITY' as const,
    path: 'src/db.py',
    line: 12,
    link: 'https://ci.example.com/finding/1',
  };

  describe('Bitbucket Cloud', () => {
    const repo = { workspace: 'acme', repo: 'widgets' };
    const at = '/2.0/repositories/acme/widgets';

    it('lists and creates branches, lists and reads commits', async () => {
      await quiet(sdk.bitbucket.branches(cloud, repo, { filter: 'feat', limit: 10 }));
      conform(cloudFront.seen, 'GET', `${at}/refs/branches`);
      await quiet(sdk.bitbucket.createBranch(cloud, repo, { name: 'release/1.0', from: 'main' }));
      await quiet(sdk.bitbucket.createBranch(cloud, repo, { name: 'hotfix', from: HASH }));
      // The 2.0 spec declares no request body for this operation (the API takes `{name, target: {hash}}`, as
      // the local-upstream test checks), so Prism refuses any JSON body with 415: a gap of the spec.
      conform(cloudFront.seen, 'POST', `${at}/refs/branches`, 415);
      await quiet(sdk.bitbucket.commits(cloud, repo, { ref: 'main', limit: 5 }));
      conform(cloudFront.seen, 'GET', `${at}/commits`);
      await quiet(sdk.bitbucket.commit(cloud, repo, HASH));
      conform(cloudFront.seen, 'GET', `${at}/commit/${HASH}`);
    });

    it('reads a file (or directory) at a ref', async () => {
      await quiet(sdk.bitbucket.directory(cloud, repo, HASH, 'README.md', { limit: 5 }));
      conform(cloudFront.seen, 'GET', `${at}/src/${HASH}/README.md`);
    });

    it('reads and sets build statuses', async () => {
      await quiet(sdk.bitbucket.buildStatuses(cloud, repo, HASH));
      conform(cloudFront.seen, 'GET', `${at}/commit/${HASH}/statuses`);
      await quiet(
        sdk.bitbucket.setBuildStatus(cloud, repo, HASH, {
          key: 'ci-build',
          state: 'INPROGRESS',
          url: 'https://ci.example.com/b/1',
          name: 'Build #1',
          description: 'Running',
          ref: 'main',
        }),
      );
      conform(cloudFront.seen, 'POST', `${at}/commit/${HASH}/statuses/build`);
    });

    it('puts, reads, annotates and deletes a Code Insights report', async () => {
      const path = `${at}/commit/${HASH}/reports/scanner-1`;
      await quiet(sdk.bitbucket.putReport(cloud, repo, HASH, 'scanner-1', report));
      conform(cloudFront.seen, 'PUT', path);
      await quiet(sdk.bitbucket.report(cloud, repo, HASH, 'scanner-1'));
      conform(cloudFront.seen, 'GET', path);
      await quiet(
        sdk.bitbucket.addAnnotations(cloud, repo, HASH, 'scanner-1', [
          { ...annotation, severity: 'CRITICAL', details: 'User input reaches the query' },
        ]),
      );
      conform(cloudFront.seen, 'POST', `${path}/annotations`);
      await quiet(sdk.bitbucket.deleteReport(cloud, repo, HASH, 'scanner-1'));
      conform(cloudFront.seen, 'DELETE', path);
    });

    it('searches code and walks every workspace’s repositories', async () => {
      await quiet(sdk.bitbucket.searchCode(cloud, 'acme', { q: 'needle lang:python', limit: 10 }));
      conform(cloudFront.seen, 'GET', '/2.0/workspaces/acme/search/code');
      const page = await sdk.bitbucket.allRepositories(cloud, { q: 'wid', limit: 10 });
      expect(Array.isArray(page.items)).toBe(true);
      conform(cloudFront.seen, 'GET', '/2.0/user/workspaces');
      expectNoRequestViolations(cloudFront.seen);
    });
  });

  describe('Bitbucket Data Center', () => {
    const repo = { workspace: 'PRJ', repo: 'widgets' };
    const at = '/rest/api/latest/projects/PRJ/repos/widgets';

    it('lists and creates branches, lists and reads commits, reads a raw file', async () => {
      await quiet(sdk.bitbucket.branches(dc, repo, { filter: 'feat', limit: 10 }));
      conform(dcFront.seen, 'GET', `${at}/branches`);
      await quiet(sdk.bitbucket.createBranch(dc, repo, { name: 'release/1.0', from: 'main' }));
      conform(dcFront.seen, 'POST', `${at}/branches`);
      await quiet(sdk.bitbucket.commits(dc, repo, { ref: 'main', limit: 5 }));
      conform(dcFront.seen, 'GET', `${at}/commits`);
      await quiet(sdk.bitbucket.commit(dc, repo, HASH));
      conform(dcFront.seen, 'GET', `${at}/commits/${HASH}`);
      await quiet(sdk.bitbucket.file(dc, repo, 'main', 'README.md').then((r) => r.arrayBuffer()));
      conform(dcFront.seen, 'GET', `${at}/raw/README.md`);
    });

    it('reads build statuses (build-status API) and sets one (core API, read back by key)', async () => {
      await quiet(sdk.bitbucket.buildStatuses(dc, repo, HASH));
      conform(dcFront.seen, 'GET', `/rest/build-status/latest/commits/${HASH}`);
      await quiet(
        sdk.bitbucket.setBuildStatus(dc, repo, HASH, {
          key: 'ci-build',
          state: 'STOPPED',
          url: 'https://ci.example.com/b/1',
          name: 'Build #1',
          ref: 'main',
        }),
      );
      conform(dcFront.seen, 'POST', `${at}/commits/${HASH}/builds`);
      conform(dcFront.seen, 'GET', `${at}/commits/${HASH}/builds`);
    });

    it('puts, reads, annotates and deletes a Code Insights report', async () => {
      const { report_type: _cloudOnly, ...dcReport } = report;
      const path = `/rest/insights/latest/projects/PRJ/repos/widgets/commits/${HASH}/reports/scanner-1`;
      await quiet(sdk.bitbucket.putReport(dc, repo, HASH, 'scanner-1', dcReport));
      conform(dcFront.seen, 'PUT', path);
      await quiet(sdk.bitbucket.report(dc, repo, HASH, 'scanner-1'));
      conform(dcFront.seen, 'GET', path);
      await quiet(sdk.bitbucket.addAnnotations(dc, repo, HASH, 'scanner-1', [annotation]));
      conform(dcFront.seen, 'POST', `${path}/annotations`);
      await quiet(sdk.bitbucket.deleteReport(dc, repo, HASH, 'scanner-1'));
      conform(dcFront.seen, 'DELETE', path);
    });

    it('lists repositories across projects', async () => {
      await quiet(sdk.bitbucket.allRepositories(dc, { q: 'wid', limit: 10 }));
      conform(dcFront.seen, 'GET', '/rest/api/latest/repos');
      expectNoRequestViolations(dcFront.seen);
    });
  });
});
