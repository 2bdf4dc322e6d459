import { SwitchyardClient } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHelpers, apiHelpers, atlassianClassicToken, seedInto } from '../test-support/api-fixture.js';
import { type ProxyFixture, startProxyFixture } from '../test-support/proxy-fixture.js';

const bug = {
  self: 'https://acme.atlassian.net/rest/api/3/issuetype/1',
  id: '1',
  name: 'Bug',
  description: 'An error in the code',
  iconUrl: 'https://acme.atlassian.net/images/icons/issuetypes/bug.png',
  subtask: false,
  hierarchyLevel: 0,
};

const priorityField = {
  fieldId: 'priority',
  key: 'priority',
  name: 'Priority',
  required: true,
  schema: { type: 'priority', system: 'priority' },
  operations: ['set'],
  hasDefaultValue: true,
  defaultValue: { id: '3', name: 'Medium' },
  allowedValues: [
    { self: 'https://acme.atlassian.net/rest/api/3/priority/1', id: '1', name: 'Highest' },
    { self: 'https://acme.atlassian.net/rest/api/3/priority/3', id: '3', name: 'Medium' },
  ],
};

const selectField = {
  fieldId: 'customfield_10010',
  key: 'customfield_10010',
  name: 'Team',
  required: false,
  schema: {
    type: 'array',
    items: 'option',
    custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multiselect',
    customId: 10010,
  },
  operations: ['add', 'set', 'remove'],
  hasDefaultValue: false,
  allowedValues: [{ id: '10100', value: 'Platform' }],
};

describe('/v1/connections/{id}/jira create metadata and users', () => {
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

  it('lists a Cloud project’s issue types from createmeta, paging by startAt behind an opaque cursor', async () => {
    h.answer({
      issueTypes: [bug, { ...bug, id: '10003', name: 'Sub-task', subtask: true, hierarchyLevel: -1 }],
      startAt: 0,
      maxResults: 2,
      total: 3,
    });
    const first = await h.call('GET', `/v1/connections/${cloud}/jira/projects/ABC/issue-types?limit=2`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const sent = h.last().parsed;
    expect(sent.pathname).toBe('/site/rest/api/3/issue/createmeta/ABC/issuetypes');
    expect(Object.fromEntries(sent.searchParams)).toEqual({ startAt: '0', maxResults: '2' });
    expect(first.body.items).toEqual([
      {
        id: '1',
        name: 'Bug',
        description: 'An error in the code',
        subtask: false,
        hierarchy_level: 0,
        icon_url: 'https://acme.atlassian.net/images/icons/issuetypes/bug.png',
      },
      expect.objectContaining({ id: '10003', subtask: true, hierarchy_level: -1 }),
    ]);
    const cursor = first.body.next_cursor as string;
    expect(typeof cursor).toBe('string');

    h.answer({ issueTypes: [{ ...bug, id: '10001', name: 'Task' }], startAt: 2, maxResults: 2, total: 3 });
    const second = await h.call(
      'GET',
      `/v1/connections/${cloud}/jira/projects/ABC/issue-types?limit=2&cursor=${cursor}`,
    );
    expect(h.last().parsed.searchParams.get('startAt')).toBe('2');
    expect(second.body).toMatchObject({ items: [{ id: '10001', name: 'Task' }], next_cursor: null });
  });

  it('lists a Data Center project’s issue types from REST v2 `values`', async () => {
    h.answer({ maxResults: 50, startAt: 0, total: 1, isLast: true, values: [{ ...bug, hierarchyLevel: undefined }] });
    const dc = await h.call('GET', `/v1/connections/${f.id}/jira/projects/ABC/issue-types`);
    expect(h.last().parsed.pathname).toBe('/jira/rest/api/2/issue/createmeta/ABC/issuetypes');
    expect(h.last().parsed.searchParams.get('maxResults')).toBe('50');
    expect(dc.body).toMatchObject({ items: [{ id: '1', name: 'Bug', hierarchy_level: null }], next_cursor: null });
  });

  it('lists the create fields of an issue type, with allowed values, on both deployments', async () => {
    h.answer({ fields: [priorityField, selectField], startAt: 0, maxResults: 50, total: 2 });
    const cloudFields = await h.call('GET', `/v1/connections/${cloud}/jira/projects/ABC/issue-types/1/fields`);
    expect(cloudFields.status, JSON.stringify(cloudFields.body)).toBe(200);
    expect(h.last().parsed.pathname).toBe('/site/rest/api/3/issue/createmeta/ABC/issuetypes/1');
    expect(cloudFields.body).toEqual({
      items: [
        {
          id: 'priority',
          name: 'Priority',
          required: true,
          type: 'priority',
          items_type: null,
          custom: null,
          operations: ['set'],
          has_default_value: true,
          allowed_values: [
            { id: '1', name: 'Highest' },
            { id: '3', name: 'Medium' },
          ],
          autocomplete_url: null,
        },
        {
          id: 'customfield_10010',
          name: 'Team',
          required: false,
          type: 'array',
          items_type: 'option',
          custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multiselect',
          operations: ['add', 'set', 'remove'],
          has_default_value: false,
          allowed_values: [{ id: '10100', name: 'Platform' }],
          autocomplete_url: null,
        },
      ],
      next_cursor: null,
    });

    const assignee = {
      fieldId: 'assignee',
      name: 'Assignee',
      required: false,
      schema: { type: 'user', system: 'assignee' },
      autoCompleteUrl: 'https://jira.example.com/rest/api/2/user/assignable/search?issueKey=null&username=',
      operations: ['set'],
      hasDefaultValue: false,
    };
    h.answer({ maxResults: 1, startAt: 0, total: 2, isLast: false, values: [assignee] });
    const dc = await h.call('GET', `/v1/connections/${f.id}/jira/projects/ABC/issue-types/1/fields?limit=1`);
    expect(h.last().parsed.pathname).toBe('/jira/rest/api/2/issue/createmeta/ABC/issuetypes/1');
    expect(dc.body).toMatchObject({
      items: [{ id: 'assignee', type: 'user', allowed_values: null, autocomplete_url: assignee.autoCompleteUrl }],
    });
    expect(typeof dc.body.next_cursor).toBe('string');
  });

  it('searches assignable users: Cloud by `query` in windows of `limit`, Data Center by `username`', async () => {
    h.answer([
      { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Jane Doe', active: true, accountType: 'atlassian' },
    ]);
    const page = await h.call('GET', `/v1/connections/${cloud}/jira/users?query=jan&project=ABC&limit=2`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(h.last().parsed.pathname).toBe('/site/rest/api/3/user/assignable/search');
    expect(Object.fromEntries(h.last().parsed.searchParams)).toEqual({
      query: 'jan',
      project: 'ABC',
      startAt: '0',
      maxResults: '2',
    });
    expect(page.body.items).toEqual([
      expect.objectContaining({ id: '5b10ac8d82e05b22cc7d4ef5', display_name: 'Jane Doe' }),
    ]);
    // Cloud filtered a window of two users down to one: the next page is the next window.
    h.answer([]);
    await h.call(
      'GET',
      `/v1/connections/${cloud}/jira/users?query=jan&project=ABC&limit=2&cursor=${page.body.next_cursor}`,
    );
    expect(h.last().parsed.searchParams.get('startAt')).toBe('2');

    h.answer([{ key: 'JIRAUSER10100', name: 'alice', displayName: 'Alice', emailAddress: 'alice@example.com' }]);
    const dc = await h.call('GET', `/v1/connections/${f.id}/jira/users?query=ali&issue_key=ABC-1&limit=2`);
    expect(h.last().parsed.pathname).toBe('/jira/rest/api/2/user/assignable/search');
    expect(Object.fromEntries(h.last().parsed.searchParams)).toEqual({
      username: 'ali',
      issueKey: 'ABC-1',
      startAt: '0',
      maxResults: '2',
    });
    expect(dc.body).toMatchObject({
      items: [{ id: 'JIRAUSER10100', username: 'alice', email: 'alice@example.com' }],
      next_cursor: null,
    });
  });

  it('refuses a user search without a project or issue, and a malformed issue type id, before calling Jira', async () => {
    const before = f.up.received.length;
    const noScope = await h.call('GET', `/v1/connections/${cloud}/jira/users?query=jan`);
    expect(noScope.status).toBe(400);
    expect(noScope.body).toMatchObject({ status: 'error', code: 'VALIDATION' });
    const badType = await h.call('GET', `/v1/connections/${cloud}/jira/projects/ABC/issue-types/bug/fields`);
    expect(badType.status).toBe(400);
    expect(f.up.received.length).toBe(before);
  });

  it('keeps Jira’s refusal (an unknown project) as VENDOR_ERROR with its status', async () => {
    h.answer({ errorMessages: ["No project could be found with key 'NOPE'."], errors: {} }, 404);
    const res = await h.call('GET', `/v1/connections/${cloud}/jira/projects/NOPE/issue-types`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 'error', code: 'VENDOR_ERROR' });
    expect(JSON.stringify(res.body)).toContain('NOPE');
  });

  it('is reachable through the SDK', async () => {
    const sdk = new SwitchyardClient({ baseUrl: f.base, apiKey: f.t.admin.adminKey.key });
    h.answer({ issueTypes: [bug], startAt: 0, maxResults: 50, total: 1 });
    expect((await sdk.jira.issueTypes(cloud, 'ABC')).items.map((t) => t.name)).toEqual(['Bug']);
    h.answer({ fields: [priorityField], startAt: 0, maxResults: 50, total: 1 });
    const fields = await sdk.jira.createFields(cloud, 'ABC', '1', { limit: 10 });
    expect(fields.items[0]).toMatchObject({ id: 'priority', required: true });
    expect(h.last().parsed.searchParams.get('maxResults')).toBe('10');
    h.answer([{ accountId: 'abc', displayName: 'Ann' }]);
    const users = await sdk.jira.assignableUsers(cloud, { project: 'ABC', query: 'an' });
    expect(users.items.map((u) => u.display_name)).toEqual(['Ann']);
  });
});
