import { describe, expect, it } from 'vitest';
import { deliverSigned, fixtureBytes, onlyEvent } from '../test-support/webhook-fixtures.js';
import { jiraCloud } from './providers/jira-cloud.js';

const identifier = '0f1e2d3c-4b5a-6978-8a9b-acbdcedfe0f1';
const deliver = (file: string) =>
  deliverSigned(jiraCloud, `jira-cloud/${file}`, { 'X-Atlassian-Webhook-Identifier': identifier });

describe('Jira Cloud webhooks', () => {
  it('jira:issue_created → issue.created', () => {
    const { events, outcome } = deliver('jira_issue_created.json');
    expect(outcome.delivery).toMatchObject({
      eventKey: null,
      dedupeKey: `x-atlassian-webhook-identifier:${identifier}`,
    });
    const event = onlyEvent(events, 'issue.created');
    expect(event.occurred_at).toBe('2019-08-27T19:43:24.475Z');
    expect(event.vendor).toEqual({ event_key: 'jira:issue_created', delivery_id: identifier });
    expect(event.actor).toEqual({
      id: '5cedcb4355a88a0fc86388ba',
      display_name: 'Sample User',
      username: 'sample.user',
      email: 'user@example.com',
      vendor_ids: { account_id: '5cedcb4355a88a0fc86388ba', key: 'sample.user', name: 'sample.user' },
      links: { web: null, api: 'https://mmtest.atlassian.net/rest/api/2/user?accountId=5cedcb4355a88a0fc86388ba' },
    });
    expect(event.subject.changes).toEqual([]);
    expect(event.subject.issue).toEqual({
      id: '10509',
      key: 'KT-22',
      summary: 'Lots of fields selected',
      description: 'The good description',
      description_format: 'wiki',
      status: { id: '10004', name: 'To Do', category: 'new' },
      issue_type: { id: '10002', name: 'Task', subtask: false },
      priority: { id: '3', name: 'Medium' },
      project: { id: '10008', key: 'KT', name: 'Koch Testing' },
      assignee: expect.objectContaining({ id: '5cedcb4355a88a0fc86388ba' }),
      reporter: expect.objectContaining({ id: '5cedcb4355a88a0fc86388ba', display_name: 'Sample User' }),
      creator: expect.objectContaining({ username: 'sample.user' }),
      labels: ['Label1', 'Label2'],
      created_at: '2019-08-27T19:43:24.193Z',
      updated_at: '2019-08-27T19:43:24.193Z',
      resolved_at: null,
      vendor_ids: { id: '10509', key: 'KT-22' },
      links: {
        web: 'https://mmtest.atlassian.net/browse/KT-22',
        api: 'https://mmtest.atlassian.net/rest/api/2/issue/10509',
      },
    });
  });

  it('jira:issue_updated → issue.updated with the changelog', () => {
    const event = onlyEvent(deliver('jira_issue_updated.json').events, 'issue.updated');
    expect(event.occurred_at).toBe('2019-08-12T01:49:13.414Z');
    expect(event.actor).toMatchObject({ id: '5cedcb4355a88a0fc86388ba', username: 'test', email: 'test@example.com' });
    expect(event.subject.issue).toMatchObject({
      id: '10368',
      key: 'TES-14',
      summary: 'v',
      description: ' s',
      issue_type: { id: '10001', name: 'Story', subtask: false },
      project: { key: 'TES', name: 'Koch Testing' },
      labels: ['Pickles'],
      created_at: '2019-07-18T00:59:42.002Z',
      updated_at: '2019-08-12T01:49:13.412Z',
      links: { web: 'https://mmtest.atlassian.net/browse/TES-14' },
    });
    expect(event.subject.changes).toEqual([
      {
        field: 'MJK - Number Field',
        field_id: 'customfield_10072',
        from: null,
        from_string: '1',
        to: null,
        to_string: '12',
      },
    ]);
  });

  it('jira:issue_updated (issue_assigned, empty changelog, 2024) → issue.updated with the new assignee', () => {
    const event = onlyEvent(deliver('jira_issue_updated.assigned-2024.json').events, 'issue.updated');
    expect(event.occurred_at).toBe('2024-08-20T18:47:42.935Z');
    expect(event.actor).toMatchObject({
      id: '123456',
      display_name: 'Admin User',
      username: null,
      email: 'admin@example.com',
    });
    expect(event.subject.changes).toEqual([]);
    expect(event.subject.issue).toMatchObject({
      id: '10001',
      key: 'TEST-123',
      summary: 'Test issue for empty changelog assignment',
      status: { id: '10000', name: 'To Do', category: 'new' },
      assignee: { id: '789012', display_name: 'John Doe', email: 'assignee@example.com' },
      reporter: null,
      project: { id: '10000', key: 'TEST', name: 'Test Project' },
      created_at: null,
      links: { web: 'https://test-instance.atlassian.net/browse/TEST-123' },
    });
  });

  it('comment_created → issue.comment_created, the comment author as actor', () => {
    const event = onlyEvent(deliver('comment_created.json').events, 'issue.comment_created');
    expect(event.occurred_at).toBe('2019-02-16T03:11:18.321Z');
    expect(event.vendor.event_key).toBe('comment_created');
    expect(event.actor).toMatchObject({ id: '5c5f880629be9642ba529340', display_name: 'Test User', username: 'admin' });
    expect(event.subject.issue).toMatchObject({
      id: '10040',
      key: 'TES-41',
      summary: 'Unit test summary 1',
      assignee: null,
      priority: { id: '2', name: 'High' },
      status: { name: 'To Do', category: 'new' },
      project: { id: '10000', key: 'TES', name: 'test1' },
    });
    expect(event.subject.comment).toEqual({
      id: '10019',
      body: 'Added a comment',
      body_format: 'wiki',
      author: expect.objectContaining({ id: '5c5f880629be9642ba529340' }),
      parent_id: null,
      inline: null,
      deleted: false,
      created_at: '2019-02-16T03:11:18.321Z',
      updated_at: '2019-02-16T03:11:18.321Z',
      vendor_ids: { id: '10019' },
      links: {
        web: 'https://some-instance-test.atlassian.net/browse/TES-41?focusedCommentId=10019',
        api: 'https://some-instance-test.atlassian.net/rest/api/2/issue/10040/comment/10019',
      },
    });
  });

  it('maps issue deletion, keeps ADF text as ADF, and gives no event for keys without a normalized type', () => {
    const created = JSON.parse(fixtureBytes('jira-cloud/jira_issue_created.json').toString('utf8')) as Record<
      string,
      unknown
    >;
    const deleted = jiraCloud.normalize({ ...created, webhookEvent: 'jira:issue_deleted' }, {});
    expect(deleted.map((e) => e.type)).toEqual(['issue.deleted']);
    const comment = JSON.parse(fixtureBytes('jira-cloud/comment_created.json').toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(jiraCloud.normalize({ ...comment, webhookEvent: 'comment_deleted' }, {})).toEqual([]);
    expect(jiraCloud.normalize({ ...created, webhookEvent: 'worklog_created' }, {})).toEqual([]);
    const adf = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hi' }] }] };
    const issue = created.issue as { fields: Record<string, unknown> };
    const withAdf = { ...created, issue: { ...issue, fields: { ...issue.fields, description: adf } } };
    const event = onlyEvent(jiraCloud.normalize(withAdf, {}), 'issue.created');
    expect(event.subject.issue).toMatchObject({ description: JSON.stringify(adf), description_format: 'adf' });
  });
});
