import { SwitchyardClient, SwitchyardError } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../test-support/harness.js';
import { type ProxyUpstream, startProxyUpstream } from '../test-support/proxy-upstream.js';
import { seedTokenConnection } from '../test-support/seed-connection.js';

const json = { 'content-type': 'application/json' };

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
  let up: ProxyUpstream;
  let t: TestApp;
  let base: string;
  let cloud: string;
  let dc: string;
  beforeAll(async () => {
    up = await startProxyUpstream();
    t = await startTestApp('sqlite', {
      SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
      SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
      BITBUCKET_API_URL: up.url,
    });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const seed = (s: Omit<Parameters<typeof seedTokenConnection>[1], 'tenantId'>) =>
      seedTokenConnection(t.runtime, { tenantId: t.admin.tenant.id, ...s });
    cloud = await seed({
      provider: 'bitbucket-cloud',
      authType: 'api_token',
      username: 'jane@example.com',
      secret: 'bb-cloud-token-1',
      siteUrl: null,
      products: ['bitbucket'],
    });
    dc = await seed({
      provider: 'bitbucket-dc',
      authType: 'bearer',
      username: null,
      secret: 'bb-dc-token-1',
      siteUrl: `${up.url}/bbdc`,
      products: ['bitbucket'],
    });
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
    const res = await t.app.inject({
      method,
      url,
      headers: bearer(t.admin.adminKey.key),
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    return { status: res.statusCode, body: res.body === '' ? null : (res.json() as Record<string, unknown>) };
  };
  const answer = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
    up.answerNext({ status, headers: { ...json, ...headers }, body: JSON.stringify(body) });
  const last = (n = 1) => {
    const r = up.received.at(-n);
    if (r === undefined) throw new Error('the upstream saw nothing');
    return { ...r, parsed: new URL(r.url, 'http://x') };
  };

  it('pages Cloud repositories by the opaque `next` link, and refuses a cursor off the API root', async () => {
    answer({ values: [cloudRepo('web')], pagelen: 1, next: `${up.url}/2.0/repositories/acme?pagelen=1&page=2` });
    const first = await call('GET', `/v1/connections/${cloud}/bitbucket/workspaces/acme/repositories?limit=1`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(last().parsed.pathname).toBe('/2.0/repositories/acme');
    expect(last().parsed.searchParams.get('pagelen')).toBe('1');
    expect(first.body?.items).toMatchObject([{ slug: 'web', full_name: 'acme/web', workspace: 'acme' }]);
    const cursor = first.body?.next_cursor as string;
    expect(cursor).not.toContain('page=2');

    answer({ values: [cloudRepo('api')], pagelen: 1 });
    const second = await call(
      'GET',
      `/v1/connections/${cloud}/bitbucket/workspaces/acme/repositories?limit=1&cursor=${cursor}`,
    );
    expect(last().url).toBe('/2.0/repositories/acme?pagelen=1&page=2');
    expect(second.body).toMatchObject({ items: [{ slug: 'api' }], next_cursor: null });

    const before = up.received.length;
    const evil = Buffer.from(JSON.stringify({ n: 'https://evil.example/2.0/x' })).toString('base64url');
    const refused = await call('GET', `/v1/connections/${cloud}/bitbucket/workspaces/acme/repositories?cursor=${evil}`);
    expect(refused.status).toBe(400);
    expect(up.received.length).toBe(before);
  });

  it('answers the Cloud user, workspaces and one repository', async () => {
    answer({ account_id: 'a1', uuid: '{u1}', display_name: 'Jane', nickname: 'jane' });
    expect((await call('GET', `/v1/connections/${cloud}/bitbucket/user`)).body).toMatchObject({
      id: 'a1',
      display_name: 'Jane',
    });
    expect(last().url).toBe('/2.0/user');
    answer({ values: [{ permission: 'owner', workspace: { uuid: '{w1}', slug: 'acme', name: 'Acme' } }] });
    const ws = await call('GET', `/v1/connections/${cloud}/bitbucket/workspaces`);
    expect(last().parsed.pathname).toBe('/2.0/user/workspaces');
    expect(ws.body).toEqual({
      items: [{ id: '{w1}', slug: 'acme', name: 'Acme', links: { web: null, api: null } }],
      next_cursor: null,
    });
    answer(cloudRepo('web'));
    const repo = await call('GET', `/v1/connections/${cloud}/bitbucket/repositories/acme/web`);
    expect(last().url).toBe('/2.0/repositories/acme/web');
    expect(repo.body).toMatchObject({ id: '{web-uuid}', is_private: true });
  });

  it('lists Cloud pull requests by state and creates one with source and destination branches', async () => {
    answer({ values: [cloudPr(1, 'MERGED')] });
    const merged = await call(
      'GET',
      `/v1/connections/${cloud}/bitbucket/repositories/acme/web/pull-requests?state=MERGED`,
    );
    expect(last().parsed.pathname).toBe('/2.0/repositories/acme/web/pullrequests');
    expect(last().parsed.searchParams.getAll('state')).toEqual(['MERGED']);
    expect(merged.body).toMatchObject({ items: [{ id: 1, state: 'MERGED', source: { branch: 'feature' } }] });

    answer({ values: [] });
    await call('GET', `/v1/connections/${cloud}/bitbucket/repositories/acme/web/pull-requests?state=ALL`);
    expect(last().parsed.searchParams.getAll('state')).toEqual(['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']);

    answer(cloudPr(2), 201);
    const created = await call('POST', `/v1/connections/${cloud}/bitbucket/repositories/acme/web/pull-requests`, {
      title: 'PR 2',
      source_branch: 'feature',
      destination_branch: 'main',
      description: 'Does *things*',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(last()).toMatchObject({ method: 'POST', url: '/2.0/repositories/acme/web/pullrequests' });
    expect(JSON.parse(last().body)).toEqual({
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
    answer({ approved: true });
    expect((await call('POST', `${pr}/approve`)).status).toBe(204);
    expect(last()).toMatchObject({ method: 'POST', url: '/2.0/repositories/acme/web/pullrequests/2/approve' });
    up.answerNext({ status: 204 });
    expect((await call('DELETE', `${pr}/approve`)).status).toBe(204);
    expect(last()).toMatchObject({ method: 'DELETE', url: '/2.0/repositories/acme/web/pullrequests/2/approve' });

    answer(cloudPr(2, 'MERGED'));
    const merged = await call('POST', `${pr}/merge`, { strategy: 'squash' });
    expect(merged.body).toMatchObject({ state: 'MERGED' });
    expect(last().url).toBe('/2.0/repositories/acme/web/pullrequests/2/merge');
    expect(JSON.parse(last().body)).toEqual({ type: 'pullrequest', merge_strategy: 'squash' });

    answer({ id: 9, content: { raw: 'LGTM' }, user: { account_id: 'a1' } }, 201);
    const comment = await call('POST', `${pr}/comments`, { body: 'LGTM' });
    expect(comment.status).toBe(201);
    expect(JSON.parse(last().body)).toEqual({ content: { raw: 'LGTM' } });
    expect(comment.body).toMatchObject({ id: '9', body: 'LGTM', author: { id: 'a1' } });
  });

  it('maps a vendor 409 to CONFLICT with the vendor’s status and message', async () => {
    answer({ type: 'error', error: { message: 'You can’t merge: there are conflicts' } }, 409);
    const res = await call('POST', `/v1/connections/${cloud}/bitbucket/repositories/acme/web/pull-requests/2/merge`);
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body).toMatchObject({ status: 'error', code: 'CONFLICT' });
    expect(res.body?.message).toContain('conflicts');
  });

  it('talks /rest/api/latest to Data Center: projects as workspaces, nextPageStart paging', async () => {
    answer({
      values: [{ id: 1, key: 'PRJ', name: 'Project' }],
      isLastPage: false,
      start: 0,
      limit: 1,
      nextPageStart: 1,
    });
    const first = await call('GET', `/v1/connections/${dc}/bitbucket/workspaces?limit=1`);
    expect(last().parsed.pathname).toBe('/bbdc/rest/api/latest/projects');
    expect(last().parsed.searchParams.get('start')).toBe('0');
    expect(first.body?.items).toMatchObject([{ id: '1', slug: 'PRJ', name: 'Project' }]);
    answer({ values: [{ id: 2, key: 'OPS' }], isLastPage: true, start: 1, limit: 1 });
    const second = await call(
      'GET',
      `/v1/connections/${dc}/bitbucket/workspaces?limit=1&cursor=${first.body?.next_cursor}`,
    );
    expect(last().parsed.searchParams.get('start')).toBe('1');
    expect(second.body).toMatchObject({ items: [{ slug: 'OPS' }], next_cursor: null });

    answer({ values: [dcRepo('web')], isLastPage: true });
    const repos = await call('GET', `/v1/connections/${dc}/bitbucket/workspaces/PRJ/repositories`);
    expect(last().parsed.pathname).toBe('/bbdc/rest/api/latest/projects/PRJ/repos');
    expect(repos.body?.items).toMatchObject([{ full_name: 'PRJ/web', workspace: 'PRJ', is_private: true }]);
  });

  it('handles Data Center pull requests: state, create refs, approval as participant, versioned merge', async () => {
    const prs = `/v1/connections/${dc}/bitbucket/repositories/PRJ/web/pull-requests`;
    answer({ values: [dcPr(4, 'DECLINED')], isLastPage: true });
    const declined = await call('GET', `${prs}?state=DECLINED`);
    expect(last().parsed.pathname).toBe('/bbdc/rest/api/latest/projects/PRJ/repos/web/pull-requests');
    expect(last().parsed.searchParams.get('state')).toBe('DECLINED');
    expect(declined.body).toMatchObject({ items: [{ id: 4, state: 'DECLINED', version: 3 }] });
    expect((await call('GET', `${prs}?state=SUPERSEDED`)).status).toBe(400);

    answer(dcPr(5), 201);
    await call('POST', prs, { title: 'PR 5', source_branch: 'feature', destination_branch: 'main' });
    expect(JSON.parse(last().body)).toEqual({
      title: 'PR 5',
      fromRef: { id: 'refs/heads/feature' },
      toRef: { id: 'refs/heads/main' },
    });

    answer({}, 200, { 'x-ausername': 'alice' });
    answer({ id: 5, name: 'alice', slug: 'alice', displayName: 'Alice' });
    answer({ status: 'APPROVED' });
    expect((await call('POST', `${prs}/5/approve`)).status).toBe(204);
    expect(last(3).url).toBe('/bbdc/rest/api/latest/application-properties');
    expect(last()).toMatchObject({
      method: 'PUT',
      url: '/bbdc/rest/api/latest/projects/PRJ/repos/web/pull-requests/5/participants/alice',
    });
    expect(JSON.parse(last().body)).toEqual({ status: 'APPROVED' });

    answer(dcPr(5, 'OPEN', 7));
    answer(dcPr(5, 'MERGED', 8));
    const merged = await call('POST', `${prs}/5/merge`, { strategy: 'fast_forward' });
    expect(merged.body).toMatchObject({ state: 'MERGED' });
    expect(last().url).toBe('/bbdc/rest/api/latest/projects/PRJ/repos/web/pull-requests/5/merge?version=7');
    expect(JSON.parse(last().body)).toEqual({ strategyId: 'ff-only' });

    answer({
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
    const comments = await call('GET', `${prs}/5/comments`);
    expect(last().parsed.pathname).toBe('/bbdc/rest/api/latest/projects/PRJ/repos/web/pull-requests/5/activities');
    expect(comments.body).toMatchObject({ items: [{ id: '11', body: 'nice' }], next_cursor: null });
  });

  it('is reachable through the SDK', async () => {
    const sdk = new SwitchyardClient({ baseUrl: base, apiKey: t.admin.adminKey.key });
    answer(cloudPr(3));
    const pr = await sdk.bitbucket.pullRequest(cloud, { workspace: 'acme', repo: 'web' }, 3);
    expect(pr).toMatchObject({ id: 3, title: 'PR 3' });
    answer({ type: 'error', error: { message: 'Repository not found' } }, 404);
    const err = await sdk.bitbucket.repository(cloud, { workspace: 'acme', repo: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchyardError);
    expect(err).toMatchObject({ status: 404, code: 'VENDOR_ERROR' });
  });
});
