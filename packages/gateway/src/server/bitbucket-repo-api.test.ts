import { SwitchyardError } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, seedBitbucketPair, startApiFixture } from '../test-support/api-fixture.js';

const HASH = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

const cloudRepo = (ws: string, slug: string) => ({
  uuid: `{${slug}-uuid}`,
  full_name: `${ws}/${slug}`,
  name: slug,
  is_private: true,
  workspace: { slug: ws },
  links: { html: { href: `https://bitbucket.org/${ws}/${slug}` } },
});

describe('/v1/connections/{id}/bitbucket repository content', () => {
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

  const cRepo = () => `/v1/connections/${cloud}/bitbucket/repositories/acme/web`;
  const dRepo = () => `/v1/connections/${dc}/bitbucket/repositories/PRJ/web`;

  it('lists Cloud branches with a name filter and the default flag from mainbranch', async () => {
    f.answer({
      values: [
        { type: 'branch', name: 'main', target: { hash: HASH }, links: { html: { href: 'https://bb/main' } } },
        { type: 'branch', name: 'feature/x', target: { hash: 'ff00ff00' } },
      ],
      next: `${f.up.url}/2.0/repositories/acme/web/refs/branches?page=2`,
    });
    f.answer({ mainbranch: { name: 'main' } });
    const res = await f.call('GET', `${cRepo()}/branches?limit=2&filter=ma"in`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const list = f.last(2).parsed;
    expect(list.pathname).toBe('/2.0/repositories/acme/web/refs/branches');
    expect(list.searchParams.get('q')).toBe('name ~ "ma\\"in"');
    expect(list.searchParams.get('pagelen')).toBe('2');
    expect(f.last().parsed.pathname).toBe('/2.0/repositories/acme/web');
    expect(res.body?.items).toEqual([
      {
        name: 'main',
        ref: 'refs/heads/main',
        target: HASH,
        is_default: true,
        vendor_ids: {},
        links: { web: 'https://bb/main', api: null },
      },
      expect.objectContaining({ name: 'feature/x', is_default: false, target: 'ff00ff00' }),
    ]);
    expect(typeof res.body?.next_cursor).toBe('string');
  });

  it('creates a Cloud branch from a branch name by resolving its commit first', async () => {
    f.answer({ values: [{ hash: HASH }] });
    f.answer({ type: 'branch', name: 'release/1', target: { hash: HASH } }, 201);
    const res = await f.call('POST', `${cRepo()}/branches`, { name: 'release/1', from: 'feature/x' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(f.last(2).parsed.pathname).toBe('/2.0/repositories/acme/web/commits');
    expect(f.last(2).parsed.searchParams.get('include')).toBe('feature/x');
    expect(f.last()).toMatchObject({ method: 'POST', url: '/2.0/repositories/acme/web/refs/branches' });
    expect(f.last().json).toEqual({ name: 'release/1', target: { hash: HASH } });
    expect(res.body).toMatchObject({ name: 'release/1', target: HASH, is_default: false });
    expect((await f.call('POST', `${cRepo()}/branches`, { name: 'a..b', from: 'main' })).status).toBe(400);
  });

  it('pages Cloud commits from a ref and reads one commit', async () => {
    f.answer({
      values: [{ hash: HASH, message: 'Fix', date: '2026-01-02T03:04:05+00:00', parents: [{ hash: 'p1' }] }],
    });
    const page = await f.call('GET', `${cRepo()}/commits?branch=feature/x&limit=5`);
    expect(f.last().parsed.pathname).toBe('/2.0/repositories/acme/web/commits');
    expect(f.last().parsed.searchParams.get('include')).toBe('feature/x');
    expect(page.body).toMatchObject({ items: [{ hash: HASH, message: 'Fix', parents: ['p1'] }], next_cursor: null });
    f.answer({ hash: HASH, message: 'Fix', author: { raw: 'Jane <jane@example.com>' } });
    const one = await f.call('GET', `${cRepo()}/commits/${HASH}`);
    expect(f.last().url).toBe(`/2.0/repositories/acme/web/commit/${HASH}`);
    expect(one.body).toMatchObject({ hash: HASH, message: 'Fix' });
    expect((await f.call('GET', `${cRepo()}/commits/not-a-hash`)).status).toBe(400);
  });

  it('streams a Cloud file with its content type, and lists a directory as a page of entries', async () => {
    const bytes = 'x'.repeat(300_000);
    f.up.answerNext({
      status: 200,
      headers: {
        'content-type': 'text/x-python',
        'content-disposition': 'attachment',
        etag: '"abc"',
        'set-cookie': 'a=b',
      },
      body: bytes,
    });
    const file = await f.call('GET', `${cRepo()}/src/${HASH}/lib/app%20main.py`);
    expect(file.status).toBe(200);
    expect(f.last().parsed.pathname).toBe(`/2.0/repositories/acme/web/src/${HASH}/lib/app%20main.py`);
    expect(file.headers['content-type']).toBe('text/x-python');
    expect(file.headers.etag).toBe('"abc"');
    expect(file.headers['set-cookie']).toBeUndefined();
    expect(file.raw.length).toBe(300_000);

    f.answer({
      values: [
        { type: 'commit_directory', path: 'lib/sub', commit: { hash: HASH } },
        { type: 'commit_file', path: 'lib/a.py', size: 12, commit: { hash: HASH } },
      ],
      next: `${f.up.url}/2.0/repositories/acme/web/src/${HASH}/lib/?page=2`,
    });
    const dir = await f.call('GET', `${cRepo()}/src/main/lib?limit=2`);
    expect(f.last().parsed.searchParams.get('pagelen')).toBe('2');
    expect(dir.body?.items).toEqual([
      { path: 'lib/sub', type: 'directory', size: null, commit: HASH, links: { web: null, api: null } },
      { path: 'lib/a.py', type: 'file', size: 12, commit: HASH, links: { web: null, api: null } },
    ]);
    f.answer({ values: [{ type: 'commit_file', path: 'lib/z.py' }] });
    const more = await f.call('GET', `${cRepo()}/src/main/lib?cursor=${dir.body?.next_cursor}`);
    expect(f.last().url).toBe(`/2.0/repositories/acme/web/src/${HASH}/lib/?page=2`);
    expect(more.body).toMatchObject({ items: [{ path: 'lib/z.py' }], next_cursor: null });

    const before = f.up.received.length;
    expect((await f.call('GET', `${cRepo()}/src/main/a%2F..%2Fsecret`)).status).toBe(400);
    expect(f.up.received.length).toBe(before);
  });

  it('refuses a Cloud redirect off the origin (Git LFS) instead of following it', async () => {
    f.up.answerNext({ status: 302, headers: { location: 'https://media.example/lfs/blob' }, body: '' });
    const res = await f.call('GET', `${cRepo()}/src/main/big.bin`);
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'VENDOR_ERROR' });
  });

  it('reads and sets Cloud build statuses', async () => {
    f.answer({
      values: [
        {
          type: 'build',
          key: 'ci-1',
          state: 'INPROGRESS',
          name: 'Build',
          url: 'https://ci/1',
          refname: 'main',
          updated_on: '2026-01-02T03:04:05+00:00',
        },
      ],
    });
    const list = await f.call('GET', `${cRepo()}/commits/${HASH}/statuses`);
    expect(f.last().parsed.pathname).toBe(`/2.0/repositories/acme/web/commit/${HASH}/statuses`);
    expect(list.body?.items).toEqual([
      expect.objectContaining({
        key: 'ci-1',
        state: 'INPROGRESS',
        ref: 'main',
        updated_at: '2026-01-02T03:04:05.000Z',
      }),
    ]);
    f.answer({ type: 'build', key: 'ci-1', state: 'STOPPED', url: 'https://ci/1' }, 201);
    const set = await f.call('POST', `${cRepo()}/commits/${HASH}/statuses`, {
      key: 'ci-1',
      state: 'STOPPED',
      url: 'https://ci/1',
      ref: 'refs/heads/main',
    });
    expect(set.status, JSON.stringify(set.body)).toBe(201);
    expect(f.last().url).toBe(`/2.0/repositories/acme/web/commit/${HASH}/statuses/build`);
    expect(f.last().json).toEqual({
      type: 'build',
      key: 'ci-1',
      url: 'https://ci/1',
      state: 'STOPPED',
      refname: 'main',
    });
    expect(set.body).toMatchObject({ key: 'ci-1', state: 'STOPPED' });
  });

  it('puts, reads and deletes a Cloud Code Insights report, and adds annotations', async () => {
    const report = `${cRepo()}/commits/${HASH}/reports/sec-scan`;
    f.answer({ type: 'report', uuid: '{r1}', external_id: 'sec-scan', title: 'Scan', result: 'FAILED', data: [] });
    const put = await f.call('PUT', report, { title: 'Scan', result: 'FAIL', report_type: 'SECURITY' });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(f.last()).toMatchObject({
      method: 'PUT',
      url: `/2.0/repositories/acme/web/commit/${HASH}/reports/sec-scan`,
    });
    expect(f.last().json).toEqual({
      type: 'report',
      external_id: 'sec-scan',
      title: 'Scan',
      report_type: 'SECURITY',
      result: 'FAILED',
      data: [],
    });
    expect(put.body).toMatchObject({ key: 'sec-scan', result: 'FAIL', vendor_ids: { uuid: '{r1}' } });

    f.answer({ type: 'report', external_id: 'sec-scan', title: 'Scan', result: 'PENDING' });
    expect((await f.call('GET', report)).body).toMatchObject({ result: 'PENDING' });

    f.answer([{ type: 'report_annotation' }]);
    const ann = await f.call('POST', `${report}/annotations`, {
      annotations: [
        {
          external_id: 'a1',
          message: 'SQL injection',
          severity: 'CRITICAL',
          type: 'VULNERABILITY',
          path: 'db.py',
          line: 3,
        },
      ],
    });
    expect(ann.status, JSON.stringify(ann.body)).toBe(204);
    expect(f.last().json).toEqual([
      {
        type: 'report_annotation',
        external_id: 'a1',
        annotation_type: 'VULNERABILITY',
        summary: 'SQL injection',
        severity: 'CRITICAL',
        path: 'db.py',
        line: 3,
      },
    ]);
    f.up.answerNext({ status: 204 });
    expect((await f.call('DELETE', report)).status).toBe(204);
    expect(f.last().method).toBe('DELETE');
  });

  it('maps Cloud code search hits with their matching lines', async () => {
    f.answer({
      values: [
        {
          type: 'code_search_result',
          content_match_count: 1,
          content_matches: [
            {
              lines: [
                { line: 9, segments: [{ text: 'const ' }, { text: 'needle', match: true }, { text: ' = 1;' }] },
                { line: 10, segments: [{ text: '}' }] },
              ],
            },
          ],
          path_matches: [{ text: 'src/a.ts' }],
          file: { path: 'src/a.ts', type: 'commit_file', commit: { hash: HASH, repository: cloudRepo('acme', 'web') } },
        },
      ],
    });
    const res = await f.call(
      'GET',
      `/v1/connections/${cloud}/bitbucket/workspaces/acme/search/code?q=needle%20lang:ts`,
    );
    expect(f.last().parsed.pathname).toBe('/2.0/workspaces/acme/search/code');
    expect(f.last().parsed.searchParams.get('search_query')).toBe('needle lang:ts');
    expect(f.last().parsed.searchParams.get('fields')).toBe('+values.file.commit.repository');
    expect(res.body?.items).toEqual([
      {
        path: 'src/a.ts',
        repository: expect.objectContaining({ full_name: 'acme/web' }),
        commit: HASH,
        match_count: 1,
        lines: [
          { line: 9, text: 'const needle = 1;', matches: ['needle'] },
          { line: 10, text: '}', matches: [] },
        ],
        path_matched: false,
        links: { web: null, api: null },
      },
    ]);
  });

  it('walks Cloud workspaces for the repositories of all of them, with an opaque cursor', async () => {
    const all = `/v1/connections/${cloud}/bitbucket/repositories`;
    const spaces = { values: [{ workspace: { slug: 'acme' } }, { workspace: { slug: 'beta' } }] };
    f.answer(spaces);
    f.answer({ values: [cloudRepo('acme', 'web')], next: `${f.up.url}/2.0/repositories/acme?page=2` });
    const first = await f.call('GET', `${all}?limit=1&q=we`);
    expect(f.last(2).parsed.pathname).toBe('/2.0/user/workspaces');
    expect(f.last().parsed.pathname).toBe('/2.0/repositories/acme');
    expect(f.last().parsed.searchParams.get('q')).toBe('name ~ "we"');
    expect(first.body?.items).toMatchObject([{ full_name: 'acme/web' }]);
    expect(String(first.body?.next_cursor)).not.toContain('acme');

    f.answer({ values: [cloudRepo('acme', 'api')] });
    const second = await f.call('GET', `${all}?limit=1&cursor=${first.body?.next_cursor}`);
    expect(f.last().url).toBe('/2.0/repositories/acme?page=2');
    expect(second.body?.items).toMatchObject([{ full_name: 'acme/api' }]);

    f.answer(spaces);
    f.answer({ values: [cloudRepo('beta', 'tool')] });
    const third = await f.call('GET', `${all}?limit=1&cursor=${second.body?.next_cursor}`);
    expect(f.last().parsed.pathname).toBe('/2.0/repositories/beta');
    expect(third.body).toMatchObject({ items: [{ full_name: 'beta/tool' }], next_cursor: null });

    const before = f.up.received.length;
    const evil = Buffer.from(JSON.stringify({ i: 0, r: 'https://evil.example/2.0/x' })).toString('base64url');
    expect((await f.call('GET', `${all}?cursor=${evil}`)).status).toBe(400);
    expect(f.up.received.length).toBe(before);
  });

  it('skips Cloud workspaces with no matching repository within one call', async () => {
    const before = f.up.received.length;
    f.answer({ values: [{ workspace: { slug: 'empty' } }, { workspace: {} }, { workspace: { slug: 'gamma' } }] });
    f.answer({ values: [] });
    f.answer({ values: [cloudRepo('gamma', 'svc')] });
    const res = await f.call('GET', `/v1/connections/${cloud}/bitbucket/repositories?q=svc`);
    expect(f.up.received.slice(before).map((r) => new URL(r.url, 'http://x').pathname)).toEqual([
      '/2.0/user/workspaces',
      '/2.0/repositories/empty',
      '/2.0/repositories/gamma',
    ]);
    expect(res.body).toEqual({ items: [expect.objectContaining({ full_name: 'gamma/svc' })], next_cursor: null });
  });

  it('talks to Data Center: branches, commits, raw files and all repositories', async () => {
    f.answer({
      values: [{ id: 'refs/heads/main', displayId: 'main', latestCommit: HASH, isDefault: true }],
      isLastPage: true,
    });
    const branches = await f.call('GET', `${dRepo()}/branches?filter=ma`);
    expect(f.last().parsed.pathname).toBe('/bbdc/rest/api/latest/projects/PRJ/repos/web/branches');
    expect(f.last().parsed.searchParams.get('filterText')).toBe('ma');
    expect(branches.body?.items).toEqual([
      {
        name: 'main',
        ref: 'refs/heads/main',
        target: HASH,
        is_default: true,
        vendor_ids: { id: 'refs/heads/main' },
        links: { web: `${f.up.url}/bbdc/projects/PRJ/repos/web/browse?at=refs%2Fheads%2Fmain`, api: null },
      },
    ]);

    f.answer({ id: 'refs/heads/rel', displayId: 'rel', latestCommit: HASH });
    const created = await f.call('POST', `${dRepo()}/branches`, { name: 'rel', from: 'main' });
    expect(created.status).toBe(201);
    expect(f.last().json).toEqual({ name: 'rel', startPoint: 'main' });

    f.answer({ values: [{ id: HASH, message: 'Fix', authorTimestamp: 1767323045000, parents: [] }], isLastPage: true });
    const commits = await f.call('GET', `${dRepo()}/commits?ref=main`);
    expect(f.last().parsed.searchParams.get('until')).toBe('main');
    expect(commits.body?.items).toMatchObject([
      {
        hash: HASH,
        date: '2026-01-02T03:04:05.000Z',
        links: { web: `${f.up.url}/bbdc/projects/PRJ/repos/web/commits/${HASH}` },
      },
    ]);

    f.up.answerNext({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'hello\n' });
    const raw = await f.call('GET', `${dRepo()}/src/feature%2Fx/docs/READ%20ME.md`);
    expect(f.last().parsed.pathname).toBe('/bbdc/rest/api/latest/projects/PRJ/repos/web/raw/docs/READ%20ME.md');
    expect(f.last().parsed.searchParams.get('at')).toBe('feature/x');
    expect(raw.raw.toString()).toBe('hello\n');
    expect((await f.call('GET', `${dRepo()}/src/main/`)).status).toBe(400);

    f.answer({ values: [{ id: 7, slug: 'web', project: { id: 1, key: 'PRJ' } }], isLastPage: true });
    const repos = await f.call('GET', `/v1/connections/${dc}/bitbucket/repositories?q=we`);
    expect(f.last().parsed.pathname).toBe('/bbdc/rest/api/latest/repos');
    expect(f.last().parsed.searchParams.get('name')).toBe('we');
    expect(repos.body?.items).toMatchObject([{ full_name: 'PRJ/web' }]);
  });

  it('uses the Data Center build-status and insights REST roots', async () => {
    f.answer({
      values: [{ key: 'ci', state: 'CANCELLED', url: 'https://ci/9', dateAdded: 1767323045000 }],
      isLastPage: true,
    });
    const list = await f.call('GET', `${dRepo()}/commits/${HASH}/statuses`);
    expect(f.last().parsed.pathname).toBe(`/bbdc/rest/build-status/latest/commits/${HASH}`);
    expect(list.body?.items).toMatchObject([{ key: 'ci', state: 'STOPPED', updated_at: '2026-01-02T03:04:05.000Z' }]);

    f.up.answerNext({ status: 204 });
    f.answer({
      key: 'ci',
      state: 'CANCELLED',
      url: 'https://ci/9',
      ref: 'refs/heads/main',
      updatedDate: 1767323045000,
    });
    const set = await f.call('POST', `${dRepo()}/commits/${HASH}/statuses`, {
      key: 'ci',
      state: 'STOPPED',
      url: 'https://ci/9',
      ref: 'main',
    });
    expect(set.status, JSON.stringify(set.body)).toBe(201);
    expect(f.last(2)).toMatchObject({
      method: 'POST',
      url: `/bbdc/rest/api/latest/projects/PRJ/repos/web/commits/${HASH}/builds`,
    });
    expect(f.last(2).json).toEqual({ key: 'ci', url: 'https://ci/9', state: 'CANCELLED', ref: 'refs/heads/main' });
    expect(f.last().url).toBe(`/bbdc/rest/api/latest/projects/PRJ/repos/web/commits/${HASH}/builds?key=ci`);
    expect(set.body).toMatchObject({ key: 'ci', state: 'STOPPED', ref: 'refs/heads/main' });

    const report = `${dRepo()}/commits/${HASH}/reports/cov`;
    f.answer({ key: 'cov', title: 'Coverage', data: [{ title: 'Lines', type: 'PERCENTAGE', value: 81 }] });
    const put = await f.call('PUT', report, {
      title: 'Coverage',
      result: 'PENDING',
      logo_url: 'https://ci/logo.png',
      data: [{ title: 'Lines', type: 'PERCENTAGE', value: 81 }],
    });
    expect(f.last().url).toBe(`/bbdc/rest/insights/latest/projects/PRJ/repos/web/commits/${HASH}/reports/cov`);
    expect(f.last().json).toEqual({
      title: 'Coverage',
      logoUrl: 'https://ci/logo.png',
      data: [{ title: 'Lines', type: 'PERCENTAGE', value: 81 }],
    });
    expect(put.body).toMatchObject({ key: 'cov', result: 'PENDING', report_type: null, data: [{ value: 81 }] });

    f.up.answerNext({ status: 204 });
    const ann = { external_id: 'a1', message: 'Uncovered', severity: 'LOW', type: 'CODE_SMELL', line: 4 };
    expect((await f.call('POST', `${report}/annotations`, { annotations: [ann] })).status).toBe(204);
    expect(f.last().url).toBe(
      `/bbdc/rest/insights/latest/projects/PRJ/repos/web/commits/${HASH}/reports/cov/annotations`,
    );
    expect(f.last().json).toEqual({
      annotations: [{ externalId: 'a1', message: 'Uncovered', severity: 'LOW', type: 'CODE_SMELL', line: 4 }],
    });
    const before = f.up.received.length;
    const critical = await f.call('POST', `${report}/annotations`, { annotations: [{ ...ann, severity: 'CRITICAL' }] });
    expect(critical.status).toBe(400);
    const search = await f.call('GET', `/v1/connections/${dc}/bitbucket/workspaces/PRJ/search/code?q=x`);
    expect(search.status).toBe(400);
    expect(search.body?.message).toContain('Data Center');
    expect(f.up.received.length).toBe(before);
  });

  it('is reachable through the SDK, the file as a stream', async () => {
    const sdk = f.sdk;
    f.up.answerNext({
      status: 200,
      headers: { 'content-type': 'image/png', 'content-disposition': 'attachment' },
      body: 'PNG',
    });
    const res = await sdk.bitbucket.file(cloud, { workspace: 'acme', repo: 'web' }, 'main', 'img/logo.png');
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(await res.text()).toBe('PNG');
    expect(f.last().parsed.pathname).toBe('/2.0/repositories/acme/web/src/main/img/logo.png');

    f.answer({ type: 'error', error: { message: 'No such file' } }, 404);
    const err = await sdk.bitbucket
      .file(cloud, { workspace: 'acme', repo: 'web' }, 'main', 'nope.txt')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchyardError);
    expect(err).toMatchObject({ status: 404, code: 'VENDOR_ERROR' });

    f.answer({ values: [{ id: 'refs/heads/main', displayId: 'main' }], isLastPage: true });
    const page = await sdk.bitbucket.branches(dc, { workspace: 'PRJ', repo: 'web' }, { filter: 'ma' });
    expect(page.items).toMatchObject([{ name: 'main', is_default: false }]);
  });
});
