import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  bitbucketCloudBearer,
  seedBitbucketPair,
  startApiFixture,
} from '../test-support/api-fixture.js';

const cloudIssue = (id: number, extra: Record<string, unknown> = {}) => ({
  type: 'issue',
  id,
  title: `Issue ${id}`,
  content: { raw: 'It *breaks*', markup: 'markdown', html: '<p>It <em>breaks</em></p>' },
  kind: 'bug',
  priority: 'major',
  state: 'new',
  reporter: { type: 'user', account_id: 'a1', display_name: 'Jane' },
  assignee: null,
  repository: { type: 'repository', uuid: '{r1}', full_name: 'acme/web' },
  created_on: '2026-11-01T08:00:00.000000+00:00',
  updated_on: '2026-11-02T08:00:00.000000+00:00',
  links: {
    self: { href: `https://api.bitbucket.org/2.0/repositories/acme/web/issues/${id}` },
    html: { href: `https://bitbucket.org/acme/web/issues/${id}` },
  },
  ...extra,
});

describe('/v1/connections/{id}/bitbucket/repositories/{ws}/{repo}/issues', () => {
  let f: ApiFixture;
  let cloud: string;
  let dc: string;
  beforeAll(async () => {
    f = await startApiFixture((url) => ({ BITBUCKET_API_URL: url }));
    ({ cloud, dc } = await seedBitbucketPair(f, bitbucketCloudBearer));
  });
  afterAll(async () => {
    await f?.close();
  });

  const issues = () => `/v1/connections/${cloud}/bitbucket/repositories/acme/web/issues`;

  it('lists issues newest first with Bitbucket’s filter, as BitbucketIssue', async () => {
    f.answer({ values: [cloudIssue(4)], next: `${f.up.url}/2.0/repositories/acme/web/issues?page=2` });
    const page = await f.call('GET', `${issues()}?q=${encodeURIComponent('state="new"')}&limit=10`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(f.last().parsed.pathname).toBe('/2.0/repositories/acme/web/issues');
    expect(Object.fromEntries(f.last().parsed.searchParams)).toEqual({
      q: 'state="new"',
      sort: '-created_on',
      pagelen: '10',
    });
    expect(page.body?.items).toEqual([
      {
        id: 4,
        title: 'Issue 4',
        content: 'It *breaks*',
        content_format: 'markdown',
        kind: 'bug',
        priority: 'major',
        state: 'new',
        reporter: expect.objectContaining({ id: 'a1', display_name: 'Jane' }),
        assignee: null,
        created_at: '2026-11-01T08:00:00.000Z',
        updated_at: '2026-11-02T08:00:00.000Z',
        vendor_ids: { id: 4, repository_uuid: '{r1}' },
        links: {
          web: 'https://bitbucket.org/acme/web/issues/4',
          api: 'https://api.bitbucket.org/2.0/repositories/acme/web/issues/4',
        },
      },
    ]);
    expect(page.body?.next_cursor).toEqual(expect.any(String));
  });

  it('creates an issue with Markdown content and an assignee, and gets one', async () => {
    f.answer(cloudIssue(5, { assignee: { type: 'user', account_id: 'a2', display_name: 'Bob' } }), 201);
    const created = await f.call('POST', issues(), {
      title: 'Issue 5',
      content: 'It *breaks*',
      kind: 'task',
      priority: 'blocker',
      assignee_account_id: 'a2',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(f.last()).toMatchObject({ method: 'POST', url: '/2.0/repositories/acme/web/issues' });
    expect(JSON.parse(f.last().body)).toEqual({
      type: 'issue',
      title: 'Issue 5',
      content: { raw: 'It *breaks*', markup: 'markdown' },
      kind: 'task',
      priority: 'blocker',
      assignee: { type: 'user', account_id: 'a2' },
    });
    expect(created.body).toMatchObject({ id: 5, assignee: { id: 'a2' } });
    expect((await f.call('POST', issues(), { title: 'x', kind: 'epic' })).status).toBe(400);

    f.answer(cloudIssue(5, { content: { raw: 'plain words', markup: 'plaintext' } }));
    const got = await f.call('GET', `${issues()}/5`);
    expect(f.last().url).toBe('/2.0/repositories/acme/web/issues/5');
    expect(got.body).toMatchObject({ id: 5, content: 'plain words', content_format: 'plain' });
  });

  it('names the cause when the repository has no issue tracker', async () => {
    f.answer({ type: 'error', error: { message: 'Repository has no issue tracker.' } }, 404);
    const res = await f.call('GET', issues());
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'VENDOR_ERROR', details: [{ path: 'repo', message: 'no issue tracker' }] });
    expect(res.body?.message).toContain('acme/web has no issue tracker');
    expect(res.body?.message).toContain('Issue tracker');

    f.answer({ type: 'error', error: { message: 'Resource not found' } }, 404);
    const missing = await f.call('GET', `${issues()}/99`);
    expect(missing.status).toBe(404);
    expect(missing.body?.message).toContain('issue #99');
    expect(missing.body?.message).toContain('issue tracker is disabled');
  });

  it('refuses the issue tracker on Data Center before calling it, and works through the SDK', async () => {
    const before = f.up.received.length;
    const res = await f.call('GET', `/v1/connections/${dc}/bitbucket/repositories/PRJ/web/issues`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION' });
    expect(res.body?.message).toContain('Data Center has no issue tracker');
    expect(f.up.received.length).toBe(before);

    const sdk = f.sdk;
    f.answer(cloudIssue(6));
    expect(await sdk.bitbucket.issue(cloud, { workspace: 'acme', repo: 'web' }, 6)).toMatchObject({ id: 6 });
    f.answer({ values: [cloudIssue(7)] });
    const page = await sdk.bitbucket.issues(cloud, { workspace: 'acme', repo: 'web' }, { q: 'kind="bug"' });
    expect(page).toMatchObject({ items: [{ id: 7 }], next_cursor: null });
    expect(f.last().parsed.searchParams.get('q')).toBe('kind="bug"');
  });
});
