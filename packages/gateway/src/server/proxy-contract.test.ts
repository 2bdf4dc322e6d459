import type { ConnectionClient, SwitchyardClient } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  atlassianScopedToken,
  bitbucketCloudBearer,
  bitbucketDcBearer,
  startGateway,
} from '../test-support/api-fixture.js';
import { type AtlassianFront, startAtlassianFront } from '../test-support/atlassian-front.js';
import type { TestApp } from '../test-support/harness.js';
import { expectNoViolations, prismMocks } from '../test-support/prism-client.js';

const CLOUD_ID = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';

/** A Jira Cloud v3 description in ADF (FACTS §5): a paragraph with a mention, a code block and a table. */
const adf = {
  type: 'doc',
  version: 1,
  content: [
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: 'Broken build, see ' },
        { type: 'mention', attrs: { id: '5b10ac8d82e05b22cc7d4ef5', text: '@Jane' } },
      ],
    },
    { type: 'codeBlock', attrs: { language: 'ts' }, content: [{ type: 'text', text: 'expect(1).toBe(2);' }] },
  ],
};

/**
 * Contract tests of the proxy against Prism mocks generated from Atlassian's OpenAPI documents: each proxied
 * call must be one the vendor's spec accepts (no `sl-violations`), and must come back with the vendor's
 * status. Calls go through the SDK's `connection(id).fetch`, as a user's code would.
 */
describe('the proxy against the vendors’ OpenAPI specs (Prism)', () => {
  let t: TestApp;
  let front: AtlassianFront;
  let sdk: SwitchyardClient;
  /** A classic API token (site URL), a scoped token (/ex routes), Bitbucket Cloud and Data Center. */
  let site: ConnectionClient;
  let scoped: ConnectionClient;
  let bitbucket: ConnectionClient;
  let bitbucketDc: ConnectionClient;

  beforeAll(async () => {
    const mocks = await prismMocks(['jira', 'confluence-v2', 'confluence-v1', 'bitbucket-cloud', 'bitbucket-dc']);
    front = await startAtlassianFront(mocks, CLOUD_ID);
    const gw = await startGateway({ ATLASSIAN_API_URL: front.url, BITBUCKET_API_URL: mocks['bitbucket-cloud'] });
    ({ t, sdk } = gw);
    // A classic API token is created through the API: its live check asks the mocks who the token is.
    const created = await sdk.connections.create({
      provider: 'atlassian-cloud',
      site_url: front.url,
      auth: { type: 'api_token', email: 'jane@example.com', token: 'atlassian-api-token-1' },
    });
    expect(created.products).toEqual(['jira', 'confluence']);
    site = sdk.connection(created.id);
    // Scoped tokens need /_edge/tenant_info and Bitbucket DC's check reads X-AUSERNAME: no mock serves
    // those, so these connections are written through the store, as the create path would save them.
    scoped = sdk.connection(await gw.seed(atlassianScopedToken(CLOUD_ID, ['jira', 'confluence'])));
    bitbucket = sdk.connection(await gw.seed(bitbucketCloudBearer));
    bitbucketDc = sdk.connection(await gw.seed(bitbucketDcBearer(mocks['bitbucket-dc'], 'bbdc-http-token')));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await front?.close();
  });

  const json = { 'content-type': 'application/json', accept: 'application/json' };

  it('Jira v3: gets an issue (site URL, classic API token)', async () => {
    const res = await site.fetch('/rest/api/3/issue/PROJ-1?fields=summary,description&expand=names');
    expectNoViolations(res);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ key: expect.any(String), fields: expect.any(Object) });
  });

  it('Jira v3: creates an issue with an ADF description (through /ex/jira/{cloudId})', async () => {
    const body = {
      fields: { project: { key: 'PROJ' }, issuetype: { id: '10001' }, summary: 'Build broken', description: adf },
    };
    const res = await scoped.fetch('/rest/api/3/issue', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(body),
    });
    expectNoViolations(res);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id: expect.any(String), key: expect.any(String) });
    expect(front.records.at(-1)).toMatchObject({ method: 'POST', path: `/ex/jira/${CLOUD_ID}/rest/api/3/issue` });
  });

  it('Confluence v2: lists pages (through /ex/confluence/{cloudId}) and creates one', async () => {
    const list = await scoped.fetch('/wiki/api/v2/pages?limit=5&body-format=storage');
    expectNoViolations(list);
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ results: expect.any(Array) });
    const page = {
      spaceId: '65539',
      status: 'current',
      title: 'Runbook',
      body: { representation: 'storage', value: '<p>Hi</p>' },
    };
    const created = await site.fetch('/wiki/api/v2/pages', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(page),
    });
    expectNoViolations(created);
    expect(created.status).toBe(200);
  });

  it('Confluence v1: searches with CQL', async () => {
    const res = await site.fetch('/wiki/rest/api/search?cql=type%3Dpage%20AND%20space%3DDEV&limit=10');
    expectNoViolations(res);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ results: expect.any(Array) });
  });

  it('Bitbucket Cloud: lists a repository’s open pull requests (paths under the 2.0 root)', async () => {
    const res = await bitbucket.fetch('/repositories/acme/widgets/pullrequests?state=OPEN&pagelen=50');
    expectNoViolations(res);
    expect(res.status).toBe(200);
    expect(await res.json()).toBeTypeOf('object');
    const refused = await bitbucket.fetch('/2.0/repositories/acme/widgets');
    expect(refused.status).toBe(400);
  });

  it('Bitbucket Data Center: lists a project’s repositories', async () => {
    const res = await bitbucketDc.fetch('/rest/api/latest/projects/PROJ/repos?start=0&limit=25');
    expectNoViolations(res);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ values: expect.any(Array) });
  });

  it('fails a request the spec refuses: the check itself can fail', async () => {
    const res = await site.fetch('/rest/api/3/search/jql?maxResults=many');
    expect(res.status).toBe(400);
    expect(() => expectNoViolations(res)).toThrow(/maxresults must be integer/i);
  });

  it('sent nothing else the specs refuse, the account lookup at creation included', () => {
    const refused = front.records.filter((r) => r.violations.length > 0 && !r.path.includes('maxResults=many'));
    expect(refused).toEqual([]);
    expect(front.records.some((r) => r.path === '/rest/api/3/myself' && r.status === 200)).toBe(true);
  });
});
