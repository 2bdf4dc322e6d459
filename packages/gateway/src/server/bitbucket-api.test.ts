import { SwitchyardError } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, seedBitbucketPair, startApiFixture } from '../test-support/api-fixture.js';

const cloudRepo = (slug: string) => ({
  uuid: `{${slug}-uuid}`,
  full_name: `acme/${slug}`,
  name: slug,
  is_private: true,
  scm: 'git',
  workspace: { slug: 'acme' },
  links: { html: { href: `https://bitbucket.org/acme/${slug}` } },
});

const cloudPr = (id: number, state = 'OPEN') => ({
  id,
  title: `PR ${id}`,
  description: 'Does *things*',
  state,
  author: { account_id: 'a1', display_name: 'Jane' },
  source: { branch: { name: 'feature' }, commit: { hash: 'abc' }, repository: cloudRepo('web') },
  destination: { branch: { name: 'main' }, commit: { hash: 'def' }, repository: cloudRepo('web') },
  participants: [],
  reviewers: [],
  created_on: '2026-01-02T03:04:05.000000+00:00',
});

const dcRepo = (slug: string) => ({
  id: 7,
  slug,
  name: slug,
  scmId: 'git',
  public: false,
  project: { id: 1, key: 'PRJ', name: 'Project' },
});

const dcPr = (id: number, state = 'OPEN', version = 3) => ({
  id,
  version,
  title: `PR ${id}`,
  state,
  author: { user: { id: 5, name: 'alice', slug: 'alice', displayName: 'Alice' } },
  fromRef: { id: 'refs/heads/feature', displayId: 'feature', latestCommit: 'abc', repository: dcRepo('web') },
  toRef: { id: 'refs/heads/main', displayId: 'main', latestCommit: 'def', repository: dcRepo('web') },
  reviewers: [],
  participants: [],
  createdDate: 1767323045000,
});

describe('/v1/connections/{id}/bitbucket', () => {
  let f: ApiFixture;
  let cloud: string;
  let dc: string;
  beforeAll(async () => {
    f = await startApiFixture((url) => ({ BITBUCKET_API_URL: url }));
    ({ cloud, dc } = await seedBitbucketPair(f));
  });
  afterAll(async () => {
    await f?.close();
  });

  it('pages Cloud repositories by the opaque `next` link, and refuses a cursor off the API root', async () => {
    f.answer({ values: [cloudRepo('web')], pagelen: 1, next: `${f.up.url}/2.0/repositories/acme?pagelen=1&page=2` });
    const first = await f.call('GET', `/v1/connections/${cloud}/bitbucket/workspaces/acme/repositories?limit=1`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(f.last().parsed.pathname).toBe('/2.0/repositories/acme');
    expect(f.last().parsed.searchParams.get('pagelen')).toBe('1');
    expect(first.body?.items).toMatchObject([{ slug: 'web', full_name: 'acme/web', workspace: 'acme' }]);
    const cursor = first.body?.next_cursor as string;
    expect(cursor).not.toContain('page=2');

    f.answer({ values: [cloudRepo('api')], pagelen: 1 });
    const second = await f.call(
      'GET',
      `/v1/connections/${cloud}/bitbucket/workspaces/acme/repositories?limit=1&cursor=${cursor}`,
    );
    expect(f.last().url).toBe('/2.0/repositories/acme?pagelen=1&page=2');
    expect(second.body).toMatchObject({ items: [{ slug: 'api' }], next_cursor: null });

    const before = f.up.received.length;
    const evil = Buffer.from(JSON.stringify({ n: 'https://evil.example/2.0/x' })).toString('base64url');
    const refused = await f.call(
      'GET',
      `/v1/connections/${cloud}/bitbucket/workspaces/acme/repositories?cursor=${evil}`,
    );
    expect(refused.status).toBe(400);
    expect(f.up.received.length).toBe(before);
  });

  it('answers the Cloud user, workspaces and one repository', async () => {
    f.answer({ account_id: 'a1', uuid: '{u1}', display_name: 'Jane', nickname: 'jane' });
    expect((await f.call('GET', `/v1/connections/${cloud}/bitbucket/user`)).body).toMatchObject({
      id: 'a1',
      display_name: 'Jane',
    });
    expect(f.last().url).toBe('/2.0/user');
    f.answer({ values: [{ permission: 'owner', workspace: { uuid: '{w1}', slug: 'acme', name: 'Acme' } }] });
    const ws = await f.call('GET', `/v1/connections/${cloud}/bitbucket/workspaces`);
    expect(f.last().parsed.pathname).toBe('/2.0/user/workspaces');
    expect(ws.body).toEqual({
      items: [{ id: '{w1}', slug: 'acme', name: 'Acme', links: { web: null, api: null } }],
      next_cursor: null,
    });
    f.answer(cloudRepo('web'));
    const repo = await f.call('GET', `/v1/connections/${cloud}/bitbucket/repositories/acme/web`);
    expect(f.last().url).toBe('/2.0/repositories/acme/web');
    expect(repo.body).toMatchObject({ id: '{web-uuid}', is_private: true });
  });

  it('lists Cloud pull requests by state and creates one with source and destination branches', async () => {
    f.answer({ values: [cloudPr(1, 'MERGED')] });
    const merged = await f.call(
      'GET',
      `/v1/connections/${cloud}/bitbucket/repositories/acme/web/pull-requests?state=MERGED`,
    );
    expect(f.last().parsed.pathname).toBe('/2.0/repositories/acme/web/pullrequests');
    expect(f.last().parsed.searchParams.getAll('state')).toEqual(['MERGED']);
    expect(merged.body).toMatchObject({ items: [{ id: 1, state: 'MERGED', source: { branch: 'feature' } }] });

    f.answer({ values: [] });
    await f.call('GET', `/v1/connections/${cloud}/bitbucket/repositories/acme/web/pull-requests?state=ALL`);
    expect(f.last().parsed.searchParams.getAll('state')).toEqual(['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']);

    f.answer(cloudPr(2), 201);
    const created = await f.call('POST', `/v1/connections/${cloud}/bitbucket/repositories/acme/web/pull-requests`, {
      title: 'PR 2',
      source_branch: 'feature',
      destination_branch: 'main',
      description: 'Does *things*',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(f.last()).toMatchObject({ method: 'POST', url: '/2.0/repositories/acme/web/pullrequests' });
    expect(JSON.parse(f.last().body)).toEqual({
      type: 'pullrequest',
      title: 'PR 2',
      source: { branch: { name: 'feature' } },
      destination: { branch: { name: 'main' } },
      description: 'Does *things*',
    });
    expect(created.body).toMatchObject({ id: 2, description: 'Does *things*', description_format: 'markdown' });
  });

  it('approves, unapproves, merges and comments on Cloud', async () => {
    const pr = `/v1/connections/${cloud}/bitbucket/repositories/acme/web/pull-requests/2`;
    f.answer({ approved: true });
    expect((await f.call('POST', `${pr}/approve`)).status).toBe(204);
    expect(f.last()).toMatchObject({ method: 'POST', url: '/2.0/repositories/acme/web/pullrequests/2/approve' });
    f.up.answerNext({ status: 204 });
    expect((await f.call('DELETE', `${pr}/approve`)).status).toBe(204);
    expect(f.last()).toMatchObject({ method: 'DELETE', url: '/2.0/repositories/acme/web/pullrequests/2/approve' });

    f.answer(cloudPr(2, 'MERGED'));
    const merged = await f.call('POST', `${pr}/merge`, { strategy: 'squash' });
    expect(merged.body).toMatchObject({ state: 'MERGED' });
    expect(f.last().url).toBe('/2.0/repositories/acme/web/pullrequests/2/merge');
    expect(JSON.parse(f.last().body)).toEqual({ type: 'pullrequest', merge_strategy: 'squash' });

    f.answer({ id: 9, content: { raw: 'LGTM' }, user: { account_id: 'a1' } }, 201);
    const comment = await f.call('POST', `${pr}/comments`, { body: 'LGTM' });
    expect(comment.status).toBe(201);
    expect(JSON.parse(f.last().body)).toEqual({ type: 'pullrequest_comment', content: { raw: 'LGTM' } });
    expect(comment.body).toMatchObject({ id: '9', body: 'LGTM', author: { id: 'a1' } });
  });

  it('maps a vendor 409 to CONFLICT with the vendor’s status and message', async () => {
    f.answer({ type: 'error', error: { message: 'You can’t merge: there are conflicts' } }, 409);
    const res = await f.call('POST', `/v1/connections/${cloud}/bitbucket/repositories/acme/web/pull-requests/2/merge`);
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body).toMatchObject({ status: 'error', code: 'CONFLICT' });
    expect(res.body?.message).toContain('conflicts');
  });

  it('talks /rest/api/latest to Data Center: projects as workspaces, nextPageStart paging', async () => {
    f.answer({
      values: [{ id: 1, key: 'PRJ', name: 'Project' }],
      isLastPage: false,
      start: 0,
      limit: 1,
      nextPageStart: 1,
    });
    const first = await f.call('GET', `/v1/connections/${dc}/bitbucket/workspaces?limit=1`);
    expect(f.last().parsed.pathname).toBe('/bbdc/rest/api/latest/projects');
    expect(f.last().parsed.searchParams.get('start')).toBe('0');
    expect(first.body?.items).toMatchObject([{ id: '1', slug: 'PRJ', name: 'Project' }]);
    f.answer({ values: [{ id: 2, key: 'OPS' }], isLastPage: true, start: 1, limit: 1 });
    const second = await f.call(
      'GET',
      `/v1/connections/${dc}/bitbucket/workspaces?limit=1&cursor=${first.body?.next_cursor}`,
    );
    expect(f.last().parsed.searchParams.get('start')).toBe('1');
    expect(second.body).toMatchObject({ items: [{ slug: 'OPS' }], next_cursor: null });

    f.answer({ values: [dcRepo('web')], isLastPage: true });
    const repos = await f.call('GET', `/v1/connections/${dc}/bitbucket/workspaces/PRJ/repositories`);
    expect(f.last().parsed.pathname).toBe('/bbdc/rest/api/latest/projects/PRJ/repos');
    expect(repos.body?.items).toMatchObject([{ full_name: 'PRJ/web', workspace: 'PRJ', is_private: true }]);
  });

  it('handles Data Center pull requests: state, create refs, approval as participant, versioned merge', async () => {
    const prs = `/v1/connections/${dc}/bitbucket/repositories/PRJ/web/pull-requests`;
    f.answer({ values: [dcPr(4, 'DECLINED')], isLastPage: true });
    const declined = await f.call('GET', `${prs}?state=DECLINED`);
    expect(f.last().parsed.pathname).toBe('/bbdc/rest/api/latest/projects/PRJ/repos/web/pull-requests');
    expect(f.last().parsed.searchParams.get('state')).toBe('DECLINED');
    expect(declined.body).toMatchObject({ items: [{ id: 4, state: 'DECLINED', version: 3 }] });
    expect((await f.call('GET', `${prs}?state=SUPERSEDED`)).status).toBe(400);

    f.answer(dcPr(5), 201);
    await f.call('POST', prs, { title: 'PR 5', source_branch: 'feature', destination_branch: 'main' });
    expect(JSON.parse(f.last().body)).toEqual({
      title: 'PR 5',
      fromRef: { id: 'refs/heads/feature' },
      toRef: { id: 'refs/heads/main' },
    });

    f.answer({}, 200, { 'x-ausername': 'alice' });
    f.answer({ id: 5, name: 'alice', slug: 'alice', displayName: 'Alice' });
    f.answer({ status: 'APPROVED' });
    expect((await f.call('POST', `${prs}/5/approve`)).status).toBe(204);
    expect(f.last(3).url).toBe('/bbdc/rest/api/latest/application-properties');
    expect(f.last()).toMatchObject({
      method: 'PUT',
      url: '/bbdc/rest/api/latest/projects/PRJ/repos/web/pull-requests/5/participants/alice',
    });
    expect(JSON.parse(f.last().body)).toEqual({ status: 'APPROVED' });

    f.answer(dcPr(5, 'OPEN', 7));
    f.answer(dcPr(5, 'MERGED', 8));
    const merged = await f.call('POST', `${prs}/5/merge`, { strategy: 'fast_forward' });
    expect(merged.body).toMatchObject({ state: 'MERGED' });
    expect(f.last().url).toBe('/bbdc/rest/api/latest/projects/PRJ/repos/web/pull-requests/5/merge?version=7');
    expect(JSON.parse(f.last().body)).toEqual({ strategyId: 'ff-only' });

    f.answer({
      values: [
        { action: 'APPROVED' },
        {
          action: 'COMMENTED',
          commentAction: 'ADDED',
          comment: { id: 11, text: 'nice', author: { id: 5, name: 'alice' } },
        },
      ],
      isLastPage: true,
    });
    const comments = await f.call('GET', `${prs}/5/comments`);
    expect(f.last().parsed.pathname).toBe('/bbdc/rest/api/latest/projects/PRJ/repos/web/pull-requests/5/activities');
    expect(comments.body).toMatchObject({ items: [{ id: '11', body: 'nice' }], next_cursor: null });
  });

  it('is reachable through the SDK', async () => {
    const sdk = f.sdk;
    f.answer(cloudPr(3));
    const pr = await sdk.bitbucket.pullRequest(cloud, { workspace: 'acme', repo: 'web' }, 3);
    expect(pr).toMatchObject({ id: 3, title: 'PR 3' });
    f.answer({ type: 'error', error: { message: 'Repository not found' } }, 404);
    const err = await sdk.bitbucket.repository(cloud, { workspace: 'acme', repo: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchyardError);
    expect(err).toMatchObject({ status: 404, code: 'VENDOR_ERROR' });
  });
});
