import { SwitchyardClient, SwitchyardError } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textToAdf } from '../services/jira/adf.js';
import { type ApiHelpers, apiHelpers, atlassianClassicToken, seedInto } from '../test-support/api-fixture.js';
import { type ProxyFixture, startProxyFixture } from '../test-support/proxy-fixture.js';

const issue = (n: number, description: unknown) => ({
  id: String(10000 + n),
  key: `ABC-${n}`,
  self: `https://acme.atlassian.net/rest/api/3/issue/${10000 + n}`,
  fields: {
    summary: `Issue ${n}`,
    description,
    status: { id: '3', name: 'In Progress', statusCategory: { key: 'indeterminate' } },
    issuetype: { id: '10001', name: 'Task', subtask: false },
    project: { id: '10000', key: 'ABC', name: 'Alpha' },
    labels: ['x'],
    created: '2026-01-02T03:04:05.000+0000',
  },
});

const ADF = {
  type: 'doc',
  version: 1,
  content: [
    {
      type: 'paragraph',
      content: [{ type: 'text', text: 'Hello' }, { type: 'hardBreak' }, { type: 'text', text: 'world' }],
    },
  ],
};

describe('/v1/connections/{id}/jira', () => {
  let f: ProxyFixture;
  let h: ApiHelpers;
  let cloud: string;
  beforeAll(async () => {
    f = await startProxyFixture();
    h = apiHelpers(f.t, f.up);
    cloud = await seedInto(f.t, atlassianClassicToken(`${f.up.url}/site`, ['jira']));
  });
  afterAll(async () => {
    await f?.close();
  });

  it('searches Cloud with search/jql and named fields, paging by nextPageToken through an opaque cursor', async () => {
    h.answer({ issues: [issue(1, ADF)], nextPageToken: 'tok-2', isLast: false });
    const first = await h.call('GET', `/v1/connections/${cloud}/jira/issues?jql=project%20%3D%20ABC&limit=1`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const sent = h.last().parsed;
    expect(sent.pathname).toBe('/site/rest/api/3/search/jql');
    expect(sent.searchParams.get('jql')).toBe('project = ABC');
    expect(sent.searchParams.get('maxResults')).toBe('1');
    expect(sent.searchParams.get('fields')).toContain('summary');
    expect(sent.searchParams.has('nextPageToken')).toBe(false);
    const items = first.body?.items as Array<Record<string, unknown>>;
    expect(items[0]).toMatchObject({ key: 'ABC-1', description: 'Hello\nworld', description_format: 'markdown' });
    const cursor = first.body?.next_cursor as string;
    expect(cursor).not.toContain('tok-2');

    h.answer({ issues: [issue(2, null)], isLast: true });
    const second = await h.call(
      'GET',
      `/v1/connections/${cloud}/jira/issues?jql=project%20%3D%20ABC&limit=1&cursor=${cursor}`,
    );
    expect(second.status).toBe(200);
    expect(h.last().parsed.searchParams.get('nextPageToken')).toBe('tok-2');
    expect(second.body).toMatchObject({ items: [{ key: 'ABC-2', description: null }], next_cursor: null });
  });

  it('gets a Cloud issue as text by default and as untouched ADF with format=adf', async () => {
    h.answer(issue(3, ADF));
    const text = await h.call('GET', `/v1/connections/${cloud}/jira/issues/ABC-3`);
    expect(h.last().parsed.pathname).toBe('/site/rest/api/3/issue/ABC-3');
    expect(text.body).toMatchObject({ description: 'Hello\nworld', status: { category: 'indeterminate' } });
    h.answer(issue(3, ADF));
    const adf = await h.call('GET', `/v1/connections/${cloud}/jira/issues/ABC-3?format=adf`);
    expect(adf.body?.description_format).toBe('adf');
    expect(JSON.parse(adf.body?.description as string)).toEqual(ADF);
  });

  it('creates a Cloud issue with its text description converted to ADF, or an ADF one passed through', async () => {
    h.answer({ id: '10004', key: 'ABC-4' }, 201);
    h.answer(issue(4, textToAdf('Steps\n\nrun it')));
    const created = await h.call('POST', `/v1/connections/${cloud}/jira/issues`, {
      project_key: 'ABC',
      issue_type: 'Task',
      summary: 'Issue 4',
      description: 'Steps\n\nrun it',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const post = f.up.received.at(-2);
    expect(post?.method).toBe('POST');
    expect(post?.url).toBe('/site/rest/api/3/issue');
    expect(JSON.parse(post?.body ?? '')).toEqual({
      fields: {
        project: { key: 'ABC' },
        issuetype: { name: 'Task' },
        summary: 'Issue 4',
        description: textToAdf('Steps\n\nrun it'),
      },
    });
    expect(created.body).toMatchObject({ key: 'ABC-4', description: 'Steps\n\nrun it' });

    h.answer({ id: '10005', key: 'ABC-5' }, 201);
    h.answer(issue(5, ADF));
    const raw = await h.call('POST', `/v1/connections/${cloud}/jira/issues?format=adf`, {
      project_key: 'ABC',
      issue_type: 'Task',
      summary: 'Issue 5',
      description: ADF,
    });
    expect(raw.status).toBe(201);
    expect(JSON.parse(f.up.received.at(-2)?.body ?? '').fields.description).toEqual(ADF);
  });

  it('maps a vendor 400 to VENDOR_ERROR with the vendor’s status and message', async () => {
    h.answer({ errorMessages: [], errors: { issuetype: 'Specify a valid issue type' } }, 400);
    const res = await h.call('POST', `/v1/connections/${cloud}/jira/issues`, {
      project_key: 'ABC',
      issue_type: 'Nope',
      summary: 'x',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 'error', code: 'VENDOR_ERROR' });
    expect(res.body?.message).toContain('issuetype: Specify a valid issue type');
  });

  it('refuses a request the gateway can tell is wrong without calling Jira', async () => {
    const before = f.up.received.length;
    expect((await h.call('GET', `/v1/connections/${cloud}/jira/issues`)).status).toBe(400);
    expect((await h.call('GET', `/v1/connections/${cloud}/jira/issues?jql=x&cursor=bm9wZQ`)).status).toBe(400);
    expect(f.up.received.length).toBe(before);
  });

  it('talks REST v2 to Data Center: startAt paging, wiki markup read and written as Markdown', async () => {
    const wiki = 'h1. Title\n\n*bold* and [~jsmith]';
    const markdown = '# Title\n\n**bold** and @[jsmith](accountid:jsmith)';
    h.answer({ startAt: 0, maxResults: 1, total: 2, issues: [issue(6, wiki)] });
    const first = await h.call('GET', `/v1/connections/${f.id}/jira/issues?jql=project%3DABC&limit=1`);
    expect(h.last().parsed.pathname).toBe('/jira/rest/api/2/search');
    expect(h.last().parsed.searchParams.get('startAt')).toBe('0');
    expect(first.body).toMatchObject({ items: [{ description: markdown, description_format: 'markdown' }] });
    h.answer({ startAt: 1, maxResults: 1, total: 2, issues: [issue(7, null)] });
    const second = await h.call(
      'GET',
      `/v1/connections/${f.id}/jira/issues?jql=project%3DABC&limit=1&cursor=${first.body?.next_cursor}`,
    );
    expect(h.last().parsed.searchParams.get('startAt')).toBe('1');
    expect(second.body?.next_cursor).toBeNull();

    h.answer({ id: '10008', key: 'ABC-8' }, 201);
    h.answer(issue(8, wiki));
    await h.call('POST', `/v1/connections/${f.id}/jira/issues`, {
      project_key: 'ABC',
      issue_type: 'Bug',
      summary: 's',
      description: markdown,
    });
    expect(f.up.received.at(-2)?.url).toBe('/jira/rest/api/2/issue');
    expect(JSON.parse(f.up.received.at(-2)?.body ?? '').fields.description).toBe(wiki);
  });

  it('keeps Data Center wiki markup untouched with format=wiki, and refuses the other deployment’s format', async () => {
    const wiki = '{panel:title=Odd}\n-x- {color:red}y{color}\n{panel}';
    h.answer({ id: '10011', key: 'ABC-11' }, 201);
    h.answer(issue(11, wiki));
    const created = await h.call('POST', `/v1/connections/${f.id}/jira/issues?format=wiki`, {
      project_key: 'ABC',
      issue_type: 'Bug',
      summary: 's',
      description: wiki,
    });
    expect(JSON.parse(f.up.received.at(-2)?.body ?? '').fields.description).toBe(wiki);
    expect(created.body).toMatchObject({ description: wiki, description_format: 'wiki' });

    // Without format=wiki the same text reads as Markdown that gives the wiki markup back exactly.
    h.answer(issue(11, wiki));
    const read = await h.call('GET', `/v1/connections/${f.id}/jira/issues/ABC-11`);
    expect(read.body?.description_format).toBe('markdown');
    f.up.answerNext({ status: 204 });
    h.answer(issue(11, wiki));
    await h.call('PATCH', `/v1/connections/${f.id}/jira/issues/ABC-11`, { description: read.body?.description });
    expect(JSON.parse(f.up.received.at(-2)?.body ?? '').fields.description).toBe(wiki);

    const before = f.up.received.length;
    const adfOnDc = await h.call('GET', `/v1/connections/${f.id}/jira/issues/ABC-11?format=adf`);
    expect(adfOnDc.status).toBe(400);
    expect(adfOnDc.body).toMatchObject({ code: 'VALIDATION' });
    expect(adfOnDc.body?.message).toContain('Data Center');
    const wikiOnCloud = await h.call('POST', `/v1/connections/${cloud}/jira/issues/ABC-1/comments?format=wiki`, {
      body: '*x*',
    });
    expect(wikiOnCloud.status).toBe(400);
    expect(wikiOnCloud.body?.message).toContain('Jira Cloud');
    expect(f.up.received.length).toBe(before);
  });

  it('updates, deletes, transitions and comments', async () => {
    f.up.answerNext({ status: 204 });
    h.answer(issue(9, null));
    const patched = await h.call('PATCH', `/v1/connections/${f.id}/jira/issues/ABC-9`, { summary: 'new' });
    expect(patched.status).toBe(200);
    expect(f.up.received.at(-2)).toMatchObject({ method: 'PUT', url: '/jira/rest/api/2/issue/ABC-9' });

    f.up.answerNext({ status: 204 });
    expect((await h.call('DELETE', `/v1/connections/${f.id}/jira/issues/ABC-9`)).status).toBe(204);
    expect(h.last().method).toBe('DELETE');

    h.answer({
      transitions: [{ id: '31', name: 'Done', to: { id: '5', name: 'Done', statusCategory: { key: 'done' } } }],
    });
    const transitions = await h.call('GET', `/v1/connections/${f.id}/jira/issues/ABC-9/transitions`);
    expect(transitions.body).toEqual({
      items: [{ id: '31', name: 'Done', to: { id: '5', name: 'Done', category: 'done' } }],
    });
    f.up.answerNext({ status: 204 });
    expect(
      (await h.call('POST', `/v1/connections/${f.id}/jira/issues/ABC-9/transitions`, { transition_id: '31' })).status,
    ).toBe(204);
    expect(JSON.parse(h.last().body)).toEqual({ transition: { id: '31' } });

    h.answer({ id: '100', body: textToAdf('hi there'), author: { accountId: 'a1', displayName: 'Jane' } }, 201);
    const comment = await h.call('POST', `/v1/connections/${cloud}/jira/issues/ABC-9/comments`, { body: 'hi there' });
    expect(comment.status).toBe(201);
    expect(JSON.parse(h.last().body)).toEqual({ body: textToAdf('hi there') });
    expect(comment.body).toMatchObject({ id: '100', body: 'hi there', body_format: 'markdown', author: { id: 'a1' } });

    h.answer({ startAt: 0, maxResults: 50, total: 1, comments: [{ id: '101', body: 'wiki *text*' }] });
    const comments = await h.call('GET', `/v1/connections/${f.id}/jira/issues/ABC-9/comments`);
    expect(comments.body).toMatchObject({
      items: [{ id: '101', body: 'wiki **text**', body_format: 'markdown' }],
      next_cursor: null,
    });
    h.answer({ id: '102', body: 'a _b_' }, 201);
    const dcComment = await h.call('POST', `/v1/connections/${f.id}/jira/issues/ABC-9/comments?format=text`, {
      body: 'a *b*',
    });
    expect(JSON.parse(h.last().body)).toEqual({ body: 'a _b_' });
    expect(dcComment.body).toMatchObject({ id: '102', body: 'a *b*', body_format: 'markdown' });
  });

  it('answers the connection’s user and its projects', async () => {
    const me = await h.call('GET', `/v1/connections/${f.id}/jira/myself`);
    expect(me.body).toMatchObject({ id: 'alice', display_name: 'Alice' });
    h.answer([
      { id: '1', key: 'ABC', name: 'Alpha' },
      { id: '2', key: 'XYZ', name: 'Omega' },
    ]);
    const dc = await h.call('GET', `/v1/connections/${f.id}/jira/projects?query=omega`);
    expect(dc.body).toMatchObject({ items: [{ key: 'XYZ' }], next_cursor: null });
    h.answer({
      startAt: 0,
      maxResults: 1,
      isLast: false,
      values: [{ id: '1', key: 'ABC', name: 'Alpha', projectTypeKey: 'software' }],
    });
    const page = await h.call('GET', `/v1/connections/${cloud}/jira/projects?limit=1&query=a`);
    expect(h.last().parsed.pathname).toBe('/site/rest/api/3/project/search');
    expect(h.last().parsed.searchParams.get('query')).toBe('a');
    expect(page.body).toMatchObject({ items: [{ key: 'ABC', project_type: 'software' }] });
    expect(typeof page.body?.next_cursor).toBe('string');
  });

  it('is reachable through the SDK', async () => {
    const sdk = new SwitchyardClient({ baseUrl: f.base, apiKey: f.t.admin.adminKey.key });
    h.answer({ startAt: 0, maxResults: 50, total: 1, issues: [issue(10, 'wiki')] });
    const found = await sdk.jira.search(f.id, { jql: 'key = ABC-10' });
    expect(found.items.map((i) => i.key)).toEqual(['ABC-10']);
    h.answer({ errorMessages: ['Issue does not exist or you do not have permission to see it.'] }, 404);
    const err = await sdk.jira.get(cloud, 'ABC-404').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchyardError);
    expect(err).toMatchObject({ status: 404, code: 'VENDOR_ERROR' });
  });
});
