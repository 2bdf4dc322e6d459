import { SwitchyardError } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownToStorage, storageToMarkdown } from '../services/content/storage.js';
import { type ApiFixture, startApiFixture } from '../test-support/api-fixture.js';

const CLOUD_ID = '11111111-2222-4333-8444-555555555555';
const BASE = 'https://acme.atlassian.net/wiki';
const STORAGE = '<p>Hello <strong>world</strong></p><p>Second</p>';
const ADF = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hi' }] }] };

const space = { id: '456', key: 'ENG', name: 'Engineering', _links: { webui: '/spaces/ENG' } };
const cloudPage = (version: number, body?: Record<string, unknown>) => ({
  id: '123',
  status: 'current',
  title: 'Runbook',
  spaceId: '456',
  parentId: '100',
  authorId: 'acc-1',
  createdAt: '2026-01-02T03:04:05.000Z',
  version: { number: version, authorId: 'acc-2', createdAt: '2026-02-03T04:05:06.000Z' },
  ...(body === undefined ? {} : { body }),
  _links: { webui: '/spaces/ENG/pages/123/Runbook', base: BASE },
});
const dcContent = (version: number, withBody = true) => ({
  id: '77',
  type: 'page',
  status: 'current',
  title: 'Ops',
  space: {
    id: 9,
    key: 'OPS',
    name: 'Operations',
    _links: { webui: '/display/OPS', self: 'http://dc/rest/api/space/OPS' },
  },
  history: {
    createdBy: { type: 'known', username: 'bob', userKey: 'k-bob', displayName: 'Bob' },
    createdDate: '2026-01-01T00:00:00.000Z',
  },
  version: {
    number: version,
    when: '2026-03-01T10:00:00.000+01:00',
    by: { type: 'known', username: 'ann', userKey: 'k-ann' },
  },
  ancestors: [{ id: '70' }, { id: '75' }],
  ...(withBody ? { body: { storage: { value: STORAGE, representation: 'storage' } } } : {}),
  _links: { webui: '/display/OPS/Ops', self: 'http://dc/rest/api/content/77', base: 'http://dc' },
});

describe('/v1/connections/{id}/confluence', () => {
  let f: ApiFixture;
  /** Classic API token: the site URL + /wiki. */
  let cloud: string;
  /** Scoped API token: api.atlassian.com/ex/confluence/{cloudId}/wiki, the route OAuth (3LO) takes too. */
  let scoped: string;
  let dc: string;
  let jira: string;
  beforeAll(async () => {
    f = await startApiFixture((url) => ({ ATLASSIAN_API_URL: url }));
    const seed = (provider: 'atlassian-cloud' | 'confluence-dc' | 'jira-dc', siteUrl: string, cloudId?: string) =>
      f.seed({
        provider,
        authType: provider === 'atlassian-cloud' ? 'api_token' : 'bearer',
        username: provider === 'atlassian-cloud' ? 'jane@example.com' : null,
        secret: 'token-123456',
        siteUrl,
        ...(cloudId === undefined ? {} : { cloudId }),
        products: [provider === 'jira-dc' ? 'jira' : 'confluence'],
      });
    cloud = await seed('atlassian-cloud', `${f.up.url}/site`);
    scoped = await seed('atlassian-cloud', 'https://acme.atlassian.net', CLOUD_ID);
    dc = await seed('confluence-dc', `${f.up.url}/confluence`);
    jira = await seed('jira-dc', `${f.up.url}/jira`);
  });
  afterAll(async () => {
    await f?.close();
  });

  /** `url` is relative to `/v1/connections/`. */
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    f.call(method, `/v1/connections/${url}`, payload);

  it('lists Cloud spaces on v2, following Confluence’s next link through an opaque cursor', async () => {
    f.answer({ results: [space], _links: { next: '/wiki/api/v2/spaces?cursor=abc&limit=1', base: BASE } });
    const first = await call('GET', `${cloud}/confluence/spaces?limit=1`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(f.last().url).toBe('/site/wiki/api/v2/spaces?limit=1');
    expect(first.body?.items).toEqual([
      { id: '456', key: 'ENG', name: 'Engineering', links: { web: `${BASE}/spaces/ENG`, api: null } },
    ]);
    const cursor = first.body?.next_cursor as string;
    expect(cursor).toEqual(expect.any(String));
    f.answer({ results: [], _links: { base: BASE } });
    const second = await call('GET', `${cloud}/confluence/spaces?limit=1&cursor=${cursor}`);
    expect(f.last().url).toBe('/site/wiki/api/v2/spaces?cursor=abc&limit=1');
    expect(second.body).toEqual({ items: [], next_cursor: null });

    // api.atlassian.com may prefix the link with its route; a link to another list cannot be followed.
    f.answer({ results: [], _links: { next: `/ex/confluence/${CLOUD_ID}/wiki/api/v2/spaces?cursor=d`, base: BASE } });
    const routed = await call('GET', `${cloud}/confluence/spaces`);
    f.answer({ results: [], _links: { base: BASE } });
    await call('GET', `${cloud}/confluence/spaces?cursor=${routed.body?.next_cursor}`);
    expect(f.last().url).toBe('/site/wiki/api/v2/spaces?cursor=d');
    f.answer({ results: [space], _links: { next: '/wiki/api/v2/pages?cursor=e', base: BASE } });
    const elsewhere = await call('GET', `${cloud}/confluence/spaces`);
    expect(elsewhere).toMatchObject({ status: 502, body: { code: 'VENDOR_ERROR' } });
  });

  it('refuses a cursor that does not continue the list it is given to, without calling Confluence', async () => {
    const before = f.up.received.length;
    const forged = (n: string) => Buffer.from(JSON.stringify({ n }), 'utf8').toString('base64url');
    for (const cursor of [
      forged('/wiki/api/v2/pages?cursor=x'),
      forged('//evil.example/api/v2/spaces?c=1'),
      'bm9wZQ',
    ]) {
      const res = await call('GET', `${cloud}/confluence/spaces?cursor=${cursor}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION' });
    }
    expect((await call('GET', `${dc}/confluence/pages/77?format=adf`)).body).toMatchObject({ code: 'VALIDATION' });
    expect((await call('GET', `${jira}/confluence/spaces`)).body).toMatchObject({ code: 'VALIDATION' });
    expect((await call('GET', `${cloud}/confluence/search`)).status).toBe(400);
    expect(f.up.received.length).toBe(before);
  });

  it('gets a page through the /ex/confluence route as Markdown, storage or ADF, naming its space', async () => {
    f.answer(cloudPage(3, { storage: { representation: 'storage', value: STORAGE } }));
    f.answer({ results: [space], _links: { base: BASE } });
    const md = await call('GET', `${scoped}/confluence/pages/123`);
    expect(md.status, JSON.stringify(md.body)).toBe(200);
    expect(f.last(2).url).toBe(`/ex/confluence/${CLOUD_ID}/wiki/api/v2/pages/123?body-format=storage`);
    expect(f.last().url).toBe(`/ex/confluence/${CLOUD_ID}/wiki/api/v2/spaces?ids=456&limit=250`);
    expect(md.body).toEqual({
      id: '123',
      title: 'Runbook',
      space: { id: '456', key: 'ENG', name: 'Engineering', links: { web: `${BASE}/spaces/ENG`, api: null } },
      status: 'current',
      version: 3,
      parent_id: '100',
      author: expect.objectContaining({ id: 'acc-1', vendor_ids: { account_id: 'acc-1' } }),
      last_modified_by: expect.objectContaining({ id: 'acc-2' }),
      body: storageToMarkdown(STORAGE),
      body_format: 'markdown',
      created_at: '2026-01-02T03:04:05.000Z',
      updated_at: '2026-02-03T04:05:06.000Z',
      vendor_ids: { id: '123', space_id: '456' },
      links: { web: `${BASE}/spaces/ENG/pages/123/Runbook`, api: null },
    });

    f.answer(cloudPage(3, { storage: { representation: 'storage', value: STORAGE } }));
    f.answer({ results: [space], _links: { base: BASE } });
    const storage = await call('GET', `${scoped}/confluence/pages/123?format=storage`);
    expect(storage.body).toMatchObject({ body: STORAGE, body_format: 'storage' });

    f.answer(cloudPage(3, { atlas_doc_format: { representation: 'atlas_doc_format', value: JSON.stringify(ADF) } }));
    f.answer({ results: [space], _links: { base: BASE } });
    const adf = await call('GET', `${scoped}/confluence/pages/123?format=adf`);
    expect(f.last(2).parsed.searchParams.get('body-format')).toBe('atlas_doc_format');
    expect(adf.body).toMatchObject({ body_format: 'adf' });
    expect(JSON.parse(adf.body?.body as string)).toEqual(ADF);
  });

  it('lists a space’s pages by key (resolved to v2’s id) and a page’s children, without bodies', async () => {
    f.answer({ results: [space], _links: { base: BASE } });
    f.answer({ results: [cloudPage(1)], _links: { base: BASE } });
    const pages = await call('GET', `${cloud}/confluence/spaces/ENG/pages?limit=5`);
    expect(pages.status, JSON.stringify(pages.body)).toBe(200);
    expect(f.last(2).url).toBe('/site/wiki/api/v2/spaces?keys=ENG');
    expect(f.last().url).toBe('/site/wiki/api/v2/spaces/456/pages?limit=5');
    expect(pages.body).toMatchObject({
      items: [{ id: '123', space: { key: 'ENG' }, body: null, version: 1 }],
      next_cursor: null,
    });

    f.answer({ results: [], _links: { base: BASE } });
    expect((await call('GET', `${cloud}/confluence/spaces/NOPE/pages`)).body).toMatchObject({
      code: 'VENDOR_ERROR',
      message: expect.stringContaining('NOPE'),
    });

    f.answer({
      results: [{ id: '124', status: 'current', title: 'Child', spaceId: '456', childPosition: 0 }],
      _links: { next: '/wiki/api/v2/pages/123/children?cursor=c2', base: BASE },
    });
    f.answer({ results: [space], _links: { base: BASE } });
    const children = await call('GET', `${cloud}/confluence/pages/123/children`);
    expect(f.last(2).url).toBe('/site/wiki/api/v2/pages/123/children?limit=25');
    expect(children.body).toMatchObject({ items: [{ id: '124', title: 'Child', space: { key: 'ENG' } }] });
    f.answer({ results: [], _links: { base: BASE } });
    await call('GET', `${cloud}/confluence/pages/123/children?cursor=${children.body?.next_cursor}`);
    expect(f.last().url).toBe('/site/wiki/api/v2/pages/123/children?cursor=c2');
  });

  it('creates a Cloud page from Markdown, or from ADF passed through', async () => {
    const md = '# Title\n\nSome *text*';
    f.answer({ results: [space], _links: { base: BASE } });
    f.answer(cloudPage(1, { storage: { representation: 'storage', value: markdownToStorage(md) } }));
    const created = await call('POST', `${cloud}/confluence/pages`, {
      space: 'ENG',
      title: 'Runbook',
      body: md,
      parent_id: '100',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(f.last()).toMatchObject({ method: 'POST', url: '/site/wiki/api/v2/pages' });
    expect(f.last().json).toEqual({
      spaceId: '456',
      status: 'current',
      title: 'Runbook',
      parentId: '100',
      body: { representation: 'storage', value: markdownToStorage(md) },
    });
    expect(created.body).toMatchObject({ id: '123', body: storageToMarkdown(markdownToStorage(md)) });

    f.answer({ results: [space], _links: { base: BASE } });
    f.answer(cloudPage(1)); // no body in the answer: read back
    f.answer(cloudPage(1, { atlas_doc_format: { representation: 'atlas_doc_format', value: JSON.stringify(ADF) } }));
    f.answer({ results: [space], _links: { base: BASE } });
    const adf = await call('POST', `${cloud}/confluence/pages`, { space: 'ENG', title: 'A', body: ADF, format: 'adf' });
    expect(adf.status).toBe(201);
    expect(f.last(3).json.body).toEqual({ representation: 'atlas_doc_format', value: JSON.stringify(ADF) });
    expect(f.last(2).url).toBe('/site/wiki/api/v2/pages/123?body-format=atlas_doc_format');
    expect(adf.body).toMatchObject({ body_format: 'adf', body: JSON.stringify(ADF) });
  });

  it('updates a Cloud page with version + 1, reading it first for a missing title; stale versions are CONFLICT', async () => {
    f.answer(cloudPage(4, { storage: { representation: 'storage', value: '<p>new</p>' } }));
    f.answer({ results: [space], _links: { base: BASE } });
    const both = await call('PUT', `${cloud}/confluence/pages/123`, { title: 'T', body: 'new', version: 3 });
    expect(both.status, JSON.stringify(both.body)).toBe(200);
    expect(f.last(2)).toMatchObject({ method: 'PUT', url: '/site/wiki/api/v2/pages/123' });
    expect(f.last(2).json).toEqual({
      id: '123',
      status: 'current',
      title: 'T',
      body: { representation: 'storage', value: markdownToStorage('new') },
      version: { number: 4 },
    });
    expect(both.body).toMatchObject({ version: 4, body: 'new' });

    f.answer(cloudPage(4, { storage: { representation: 'storage', value: STORAGE } }));
    f.answer(cloudPage(5, { storage: { representation: 'storage', value: '<p>x</p>' } }));
    f.answer({ results: [space], _links: { base: BASE } });
    await call('PUT', `${cloud}/confluence/pages/123`, { body: '<p>x</p>', format: 'storage', version: 4 });
    expect(f.last(3).url).toBe('/site/wiki/api/v2/pages/123?body-format=storage');
    expect(f.last(2).json).toMatchObject({ title: 'Runbook', body: { value: '<p>x</p>' }, version: { number: 5 } });

    const before = f.up.received.length;
    f.answer(cloudPage(5, { storage: { representation: 'storage', value: STORAGE } }));
    const stale = await call('PUT', `${cloud}/confluence/pages/123`, { body: 'y', version: 4 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('version 5') });
    expect(f.up.received.length).toBe(before + 1);
    expect(f.last().method).toBe('GET');

    f.answer({ errors: [{ status: 409, title: 'Version must be incremented on update. Current version is: 9' }] }, 409);
    const refused = await call('PUT', `${cloud}/confluence/pages/123`, { title: 'T', body: 'z', version: 4 });
    expect(refused.status).toBe(409);
    expect(refused.body?.code).toBe('CONFLICT');
    expect(refused.body?.message).toContain('Page 123 has changed since version 4 was read');
    expect(refused.body?.message).toContain('Current version is: 9');
    expect(f.last().json.version).toEqual({ number: 5 });
  });

  it('deletes a page and searches by CQL, following the v1 search’s next link', async () => {
    f.up.answerNext({ status: 204 });
    expect((await call('DELETE', `${cloud}/confluence/pages/123`)).status).toBe(204);
    expect(f.last()).toMatchObject({ method: 'DELETE', url: '/site/wiki/api/v2/pages/123' });

    const next = '/rest/api/search?next=true&cursor=xyz&limit=1&start=1&cql=type%3Dpage';
    f.answer({
      results: [
        {
          content: { id: '123', type: 'page', title: 'Runbook', _links: { self: `${BASE}/rest/api/content/123` } },
          title: '@@@hl@@@Run@@@endhl@@@book',
          excerpt: 'how to @@@hl@@@run@@@endhl@@@ it',
          url: '/spaces/ENG/pages/123/Runbook',
          resultGlobalContainer: { title: 'Engineering', displayUrl: '/spaces/ENG' },
          lastModified: '2026-04-01T00:00:00.000Z',
        },
      ],
      start: 0,
      limit: 1,
      size: 1,
      totalSize: 2,
      _links: { base: BASE, context: '/wiki', next },
    });
    const found = await call('GET', `${cloud}/confluence/search?cql=type%3Dpage&limit=1`);
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(f.last().url).toBe('/site/wiki/rest/api/search?cql=type%3Dpage&limit=1');
    expect(found.body?.items).toEqual([
      {
        type: 'page',
        id: '123',
        title: 'Runbook',
        excerpt: 'how to run it',
        space_key: 'ENG',
        updated_at: '2026-04-01T00:00:00.000Z',
        links: { web: `${BASE}/spaces/ENG/pages/123/Runbook`, api: `${BASE}/rest/api/content/123` },
      },
    ]);
    f.answer({ results: [], start: 1, limit: 1, size: 0, totalSize: 2, _links: { base: BASE } });
    const more = await call('GET', `${cloud}/confluence/search?cql=type%3Dpage&cursor=${found.body?.next_cursor}`);
    expect(f.last().url).toBe(`/site/wiki${next}`);
    expect(more.body?.next_cursor).toBeNull();
  });

  it('talks REST v1 to Data Center: expanded content, start paging, version + 1, 409 as CONFLICT', async () => {
    f.answer({
      results: [{ id: 9, key: 'OPS', name: 'Operations', _links: { webui: '/display/OPS' } }],
      _links: { base: 'http://dc', next: '/rest/api/space?next=true&limit=1&start=1' },
    });
    const spaces = await call('GET', `${dc}/confluence/spaces?limit=1`);
    expect(f.last().url).toBe('/confluence/rest/api/space?start=0&limit=1');
    expect(spaces.body?.items).toEqual([
      { id: '9', key: 'OPS', name: 'Operations', links: { web: 'http://dc/display/OPS', api: null } },
    ]);
    f.answer({ results: [], _links: { base: 'http://dc' } });
    await call('GET', `${dc}/confluence/spaces?limit=1&cursor=${spaces.body?.next_cursor}`);
    expect(f.last().parsed.searchParams.get('start')).toBe('1');

    f.answer(dcContent(2));
    const page = await call('GET', `${dc}/confluence/pages/77`);
    expect(f.last().url).toBe(
      '/confluence/rest/api/content/77?expand=space%2Cversion%2Chistory%2Cancestors%2Cbody.storage',
    );
    expect(page.body).toMatchObject({
      id: '77',
      space: { id: '9', key: 'OPS', links: { web: 'http://dc/display/OPS' } },
      version: 2,
      parent_id: '75',
      author: { id: 'k-bob', username: 'bob', display_name: 'Bob' },
      last_modified_by: { id: 'k-ann' },
      body: storageToMarkdown(STORAGE),
      body_format: 'markdown',
      updated_at: '2026-03-01T09:00:00.000Z',
      links: { web: 'http://dc/display/OPS/Ops', api: 'http://dc/rest/api/content/77' },
    });

    f.answer({ results: [dcContent(2, false)], _links: { base: 'http://dc' } });
    const list = await call('GET', `${dc}/confluence/spaces/OPS/pages`);
    expect(f.last().parsed.pathname).toBe('/confluence/rest/api/content');
    expect(Object.fromEntries(f.last().parsed.searchParams)).toEqual({
      spaceKey: 'OPS',
      type: 'page',
      expand: 'space,version,history,ancestors',
      start: '0',
      limit: '25',
    });
    expect(list.body).toMatchObject({ items: [{ id: '77', body: null }], next_cursor: null });

    f.answer(dcContent(1));
    const created = await call('POST', `${dc}/confluence/pages`, {
      space: 'OPS',
      title: 'Ops',
      body: 'Hi',
      parent_id: '75',
    });
    expect(created.status).toBe(201);
    expect(f.last().parsed.pathname).toBe('/confluence/rest/api/content');
    expect(f.last().json).toEqual({
      type: 'page',
      title: 'Ops',
      space: { key: 'OPS' },
      ancestors: [{ id: '75' }],
      body: { storage: { value: markdownToStorage('Hi'), representation: 'storage' } },
    });

    f.answer(dcContent(3));
    const updated = await call('PUT', `${dc}/confluence/pages/77`, {
      title: 'Ops',
      body: STORAGE,
      format: 'storage',
      version: 2,
    });
    expect(updated.body).toMatchObject({ version: 3, body: STORAGE, body_format: 'storage' });
    expect(f.last()).toMatchObject({ method: 'PUT', url: '/confluence/rest/api/content/77' });
    expect(f.last().json).toEqual({
      id: '77',
      type: 'page',
      title: 'Ops',
      version: { number: 3 },
      body: { storage: { value: STORAGE, representation: 'storage' } },
    });

    f.answer({ statusCode: 409, message: 'Version must be incremented on update. Current version is: 4' }, 409);
    const stale = await call('PUT', `${dc}/confluence/pages/77`, { title: 'Ops', body: 'x', version: 2 });
    expect(stale).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });

    f.answer({ results: [], start: 0, limit: 25, size: 0, _links: { base: 'http://dc' } });
    await call('GET', `${dc}/confluence/search?cql=space%3DOPS`);
    expect(f.last().url).toBe('/confluence/rest/api/search?cql=space%3DOPS&start=0&limit=25');
  });

  it('is reachable through the SDK', async () => {
    f.answer(dcContent(2));
    const page = await f.sdk.confluence.page(dc, '77', 'storage');
    expect(page).toMatchObject({ id: '77', body: STORAGE, body_format: 'storage' });
    f.answer({ statusCode: 404, message: 'No content found with id: 78' }, 404);
    const err = await f.sdk.confluence.page(dc, '78').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchyardError);
    expect(err).toMatchObject({ status: 404, code: 'VENDOR_ERROR' });
  });
});
