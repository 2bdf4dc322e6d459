import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSyncDeps } from '../services/webhook-sync/from-runtime.js';
import { WebhookRefresher } from '../services/webhook-sync/refresh-job.js';
import {
  bitbucketCloudBearer,
  bitbucketDcBearer,
  type GatewayCall,
  gatewayCall,
  LOCAL_UPSTREAMS,
  seedInto,
} from '../test-support/api-fixture.js';
import { type AtlassianFront, startAtlassianFront } from '../test-support/atlassian-front.js';
import { startTestApp, type TestApp } from '../test-support/harness.js';
import { prismMocks } from '../test-support/prism-client.js';
import {
  expectNoRequestViolations,
  type RecordingFront,
  startRecordingFront,
} from '../test-support/recording-front.js';
import { CLOUD_ID, seedAtlassian3lo } from '../test-support/webhook-sync-fixture.js';

const appWith = (env: Record<string, string>) =>
  startTestApp('sqlite', { ...LOCAL_UPSTREAMS, SWITCHYARD_PUBLIC_URL: 'https://switchyard.example.com', ...env });

const call = (t: TestApp, ...args: Parameters<GatewayCall>) => gatewayCall(t)(...args);

/**
 * The webhook registration requests against the vendors' OpenAPI specs (Prism): every request the sync, the
 * refresh job and the delete send must be free of request violations. One mock per block, so each starts
 * only the Prism it needs.
 */
describe('webhook registration against Bitbucket Cloud’s OpenAPI spec (Prism)', () => {
  let t: TestApp;
  let front: RecordingFront;
  beforeAll(async () => {
    front = await startRecordingFront((await prismMocks(['bitbucket-cloud']))['bitbucket-cloud']);
    t = await appWith({ BITBUCKET_API_URL: front.url });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await front?.close();
  });

  it('lists, creates and deletes repository and workspace hooks', async () => {
    const id = await seedInto(t, bitbucketCloudBearer);
    const body = { scope: { workspace: 'acme', repositories: ['acme/widgets'] } };
    const res = await call(t, 'POST', `/v1/connections/${id}/webhooks/sync`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(
      res.body.registrations.map((r: { status: string }) => r.status),
      JSON.stringify(res.body),
    ).toEqual(['registered', 'registered']);
    expect((await call(t, 'DELETE', `/v1/connections/${id}`)).status).toBe(204);
    const calls = front.seen.map((s) => `${s.method} ${s.path.split('?')[0]?.replace(/hooks\/[^/]+$/, 'hooks/{uid}')}`);
    expect(calls).toEqual([
      'GET /2.0/repositories/acme/widgets/hooks',
      'POST /2.0/repositories/acme/widgets/hooks',
      'GET /2.0/workspaces/acme/hooks',
      'POST /2.0/workspaces/acme/hooks',
      'DELETE /2.0/repositories/acme/widgets/hooks/{uid}',
      'DELETE /2.0/workspaces/acme/hooks/{uid}',
    ]);
    expectNoRequestViolations(front.seen);
  });
});

describe('webhook registration against Bitbucket Data Center’s OpenAPI spec (Prism)', () => {
  let t: TestApp;
  let front: RecordingFront;
  beforeAll(async () => {
    front = await startRecordingFront((await prismMocks(['bitbucket-dc']))['bitbucket-dc']);
    t = await appWith({});
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await front?.close();
  });

  it('lists and creates repository and project webhooks', async () => {
    const id = await seedInto(t, bitbucketDcBearer(front.url, 'bb-dc-token'));
    await call(t, 'POST', `/v1/connections/${id}/webhooks/sync`, {
      scope: { repositories: ['PRJ/widgets'], projects: ['PRJ'] },
    });
    expect(front.seen.map((s) => `${s.method} ${s.path.split('?')[0]}`)).toEqual([
      'GET /rest/api/latest/projects/PRJ/repos/widgets/webhooks',
      'POST /rest/api/latest/projects/PRJ/repos/widgets/webhooks',
      'GET /rest/api/latest/projects/PRJ/webhooks',
      'POST /rest/api/latest/projects/PRJ/webhooks',
    ]);
    expect(front.seen.every((s) => s.status < 300)).toBe(true);
    expectNoRequestViolations(front.seen);
  });
});

describe('webhook registration against Jira Cloud’s OpenAPI spec (Prism)', () => {
  let t: TestApp;
  let front: AtlassianFront;
  beforeAll(async () => {
    const { jira } = await prismMocks(['jira']);
    // Only Jira is called: the Confluence routes of the front point nowhere.
    const nowhere = 'http://127.0.0.1:9';
    front = await startAtlassianFront({ jira, 'confluence-v2': nowhere, 'confluence-v1': nowhere }, CLOUD_ID);
    t = await appWith({
      ATLASSIAN_API_URL: front.url,
      ATLASSIAN_CLIENT_ID: 'atlassian-client-id',
      ATLASSIAN_CLIENT_SECRET: 'atlassian-client-secret',
    });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await front?.close();
  });

  it('lists, registers, refreshes and deletes 3LO dynamic webhooks', async () => {
    const id = await seedAtlassian3lo(t, ['jira']);
    const res = await call(t, 'POST', `/v1/connections/${id}/webhooks/sync`, { jql: 'project = PROJ' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.registrations).toMatchObject([{ status: 'registered' }]);
    const deps = webhookSyncDeps(t.runtime);
    const [row] = await deps.registrations.listByConnection(t.admin.tenant.id, id);
    if (row === undefined) throw new Error('no registration');
    await deps.registrations.update(row.id, { expires_at: new Date(Date.now() + 86_400_000).toISOString() });
    expect(await new WebhookRefresher(deps).runOnce()).toMatchObject({ refreshed: 1 });
    expect((await call(t, 'DELETE', `/v1/connections/${id}`)).status).toBe(204);
    const api = `/ex/jira/${CLOUD_ID}/rest/api/3`;
    expect(front.records.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}`)).toEqual([
      `GET ${api}/webhook 200`,
      `POST ${api}/webhook 200`,
      `PUT ${api}/webhook/refresh 200`,
      `DELETE ${api}/webhook 202`,
    ]);
    expectNoRequestViolations(front.records);
  });
});
