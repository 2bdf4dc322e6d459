import type { SwitchyardClient } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudRepoCounts } from '../services/bitbucket/summary.js';
import { connectionBitbucket } from '../services/bitbucket/transport.js';
import {
  type BitbucketContract,
  expectNoRequestViolations,
  type RecordingFront,
  sentTo,
  startBitbucketContract,
} from '../test-support/recording-front.js';

const P1 = '{11111111-2222-3333-4444-555555555555}';
const S1 = '{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}';
const enc = encodeURIComponent;

/**
 * The pipelines, issues and summary calls against Bitbucket Cloud's and Data Center's OpenAPI specs (Prism):
 * none of the requests the gateway sends may carry a request violation. Cloud's pipelines `sort` enum gets
 * the descending `-created_on` the real API takes (test-support/prism-specs.ts).
 */
describe('Bitbucket pipelines, issues and summary against the OpenAPI specs (Prism)', () => {
  let c: BitbucketContract;
  let cloudFront: RecordingFront;
  let dcFront: RecordingFront;
  let sdk: SwitchyardClient;
  let cloud: string;
  let dc: string;
  const repo = { workspace: 'acme', repo: 'widgets' };
  beforeAll(async () => {
    c = await startBitbucketContract();
    ({ cloudFront, dcFront, sdk, cloud, dc } = c);
  }, 120_000);
  afterAll(async () => c?.close());

  const sent = (method: string, path: string) => sentTo(cloudFront.seen, method, `/2.0${path}`);
  const base = '/repositories/acme/widgets';

  it('lists, gets, runs and stops pipelines, and reads steps and a step log', async () => {
    await sdk.bitbucket.pipelines(cloud, repo, { status: 'FAILED', limit: 10 });
    await sdk.bitbucket.pipeline(cloud, repo, P1).catch(() => undefined);
    await sdk.bitbucket
      .runPipeline(cloud, repo, {
        branch: 'main',
        pipeline: 'deploy',
        variables: [{ key: 'ENV', value: 'prod', secured: true }],
      })
      .catch(() => undefined);
    await sdk.bitbucket.stopPipeline(cloud, repo, P1);
    await sdk.bitbucket.pipelineSteps(cloud, repo, P1, { limit: 5 });
    const log = await sdk.bitbucket.stepLog(cloud, repo, P1, S1, { range: 'bytes=0-99' });
    await log.text();

    const [list] = sent('GET', `${base}/pipelines`);
    expect(list).toMatchObject({ status: 200, violations: [] });
    expect(list?.path).toContain('sort=-created_on');
    expect(sent('GET', `${base}/pipelines/${enc(P1)}`)[0]?.violations).toEqual([]);
    const [run] = sent('POST', `${base}/pipelines`);
    expect(run).toMatchObject({ status: 201, violations: [] });
    expect(sent('POST', `${base}/pipelines/${enc(P1)}/stopPipeline`)[0]).toMatchObject({
      status: 204,
      violations: [],
    });
    expect(sent('GET', `${base}/pipelines/${enc(P1)}/steps`)[0]).toMatchObject({ status: 200, violations: [] });
    expect(sent('GET', `${base}/pipelines/${enc(P1)}/steps/${enc(S1)}/log`)[0]?.violations).toEqual([]);
  });

  it('lists, creates and gets issues', async () => {
    await sdk.bitbucket.issues(cloud, repo, { q: 'state="new"', limit: 5 }).catch(() => undefined);
    await sdk.bitbucket
      .createIssue(cloud, repo, {
        title: 'Broken build',
        content: 'It *breaks*',
        kind: 'bug',
        priority: 'critical',
        assignee_account_id: '557058:abc',
      })
      .catch(() => undefined);
    await sdk.bitbucket.issue(cloud, repo, 1).catch(() => undefined);
    expect(sent('GET', `${base}/issues`)[0]?.violations).toEqual([]);
    const [create] = sent('POST', `${base}/issues`);
    expect(create).toMatchObject({ status: 201, violations: [] });
    expect(sent('GET', `${base}/issues/1`)[0]?.violations).toEqual([]);
  });

  it('summarizes a Cloud workspace and a Data Center project', async () => {
    await sdk.bitbucket.workspaceSummary(cloud, 'acme', { repositories_limit: 2 });
    expect(sent('GET', '/repositories/acme')[0]).toMatchObject({ status: 200, violations: [] });
    // Prism's generated repository list carries no usable slugs: the per-repository calls are made directly.
    const { runtime, admin } = c.t;
    const deps = { config: runtime.config, outbound: runtime.outbound, targets: runtime.targets };
    const bb = await connectionBitbucket(deps, admin.tenant.id, cloud);
    await cloudRepoCounts(bb, 'acme', 'widgets', Date.parse('2026-01-01T00:00:00Z'));
    const open = sent('GET', `${base}/pullrequests`).find((r) => r.path.endsWith('?state=OPEN&pagelen=50'));
    expect(open).toMatchObject({ status: 200, violations: [] });
    const runs = sent('GET', `${base}/pipelines`).find((r) => r.path.endsWith('?sort=-created_on&pagelen=100'));
    expect(runs).toMatchObject({ status: 200, violations: [] });
    const s = await sdk.bitbucket.workspaceSummary(dc, 'PRJ', { repositories_limit: 2 });
    expect(s.pipelines).toBeNull();
    const repos = dcFront.seen.find((r) => r.path.startsWith('/rest/api/latest/projects/PRJ/repos?'));
    expect(repos).toMatchObject({ status: 200, violations: [] });
    expect(dcFront.seen.some((r) => r.path.includes('/pull-requests?state=OPEN'))).toBe(true);
    expectNoRequestViolations([...dcFront.seen, ...cloudFront.seen]);
  });
});
