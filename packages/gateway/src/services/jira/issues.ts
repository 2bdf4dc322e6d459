import type { Issue, Page } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { arr, at, num, str } from '../../webhooks/json.js';
import { decodeJiraCursor, encodeJiraCursor, startAtOf } from './cursor.js';
import { type TextMode, textMode, toIssue, toVendorText } from './map.js';
import type { JiraTransport } from './transport.js';

/**
 * Jira issues: search (Cloud `GET /rest/api/3/search/jql` paged by nextPageToken — the legacy search answers
 * 410 there; Data Center `/rest/api/2/search` paged by startAt), get, create, update, delete. Search names its
 * fields: search/jql returns only `id` by default.
 */
export const ISSUE_FIELDS = [
  'summary',
  'description',
  'status',
  'issuetype',
  'priority',
  'project',
  'assignee',
  'reporter',
  'creator',
  'labels',
  'created',
  'updated',
  'resolutiondate',
].join(',');

export interface SearchIssues {
  jql: string;
  limit: number;
  cursor?: string | undefined;
  format: TextMode;
}

export const issuePath = (key: string) => `/issue/${encodeURIComponent(key)}`;

export async function searchIssues(jira: JiraTransport, q: SearchIssues): Promise<Page<Issue>> {
  if (q.jql.trim() === '') {
    throw new AppError('VALIDATION', 'jql is required and must be bounded (Jira refuses an empty query).', {
      details: [{ path: 'jql', message: 'required' }],
    });
  }
  textMode(jira.flavor, q.format);
  const map = (raw: unknown) => toIssue(raw, jira.flavor, q.format);
  if (jira.flavor === 'cloud') {
    const at0 = decodeJiraCursor(q.cursor);
    if (at0 !== undefined && !('token' in at0)) throw new AppError('VALIDATION', 'The cursor is not valid.');
    const res = await jira.send('GET', '/search/jql', {
      query: { jql: q.jql, maxResults: q.limit, fields: ISSUE_FIELDS, nextPageToken: at0?.token },
    });
    const token = str(at(res, 'nextPageToken'));
    const more = at(res, 'isLast') !== true && token !== null && token !== '';
    return { items: arr(at(res, 'issues')).map(map), next_cursor: more ? encodeJiraCursor({ token }) : null };
  }
  const startAt = startAtOf(q.cursor);
  const res = await jira.send('GET', '/search', {
    query: { jql: q.jql, startAt, maxResults: q.limit, fields: ISSUE_FIELDS },
  });
  const issues = arr(at(res, 'issues'));
  const next = startAt + issues.length;
  const more = issues.length > 0 && next < (num(at(res, 'total')) ?? 0);
  return { items: issues.map(map), next_cursor: more ? encodeJiraCursor({ startAt: next }) : null };
}

export async function getIssue(jira: JiraTransport, key: string, format: TextMode): Promise<Issue> {
  textMode(jira.flavor, format);
  const raw = await jira.send('GET', issuePath(key), { query: { fields: ISSUE_FIELDS } });
  return toIssue(raw, jira.flavor, format);
}

export interface IssueInput {
  summary?: string | undefined;
  description?: unknown;
  labels?: string[] | undefined;
}

export interface CreateIssue extends IssueInput {
  project_key: string;
  issue_type: string;
  summary: string;
}

function fieldsOf(jira: JiraTransport, input: IssueInput, format: TextMode): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (input.summary !== undefined) fields.summary = input.summary;
  if (input.description !== undefined)
    fields.description = toVendorText(input.description, jira.flavor, format, 'description');
  if (input.labels !== undefined) fields.labels = input.labels;
  return fields;
}

/** Creates the issue, then reads it back whole (Jira's create answers only id, key and self). */
export async function createIssue(jira: JiraTransport, input: CreateIssue, format: TextMode): Promise<Issue> {
  // Checked before the write: a format the deployment lacks must not fail only when reading the issue back.
  textMode(jira.flavor, format);
  const fields = {
    project: { key: input.project_key },
    issuetype: { name: input.issue_type },
    ...fieldsOf(jira, input, format),
  };
  const created = await jira.send('POST', '/issue', { body: { fields } });
  const key = str(at(created, 'key'));
  if (key === null) throw new AppError('VENDOR_ERROR', 'Jira created the issue without naming it.', { status: 502 });
  return getIssue(jira, key, format);
}

export async function updateIssue(
  jira: JiraTransport,
  key: string,
  input: IssueInput,
  format: TextMode,
): Promise<Issue> {
  textMode(jira.flavor, format);
  const fields = fieldsOf(jira, input, format);
  if (Object.keys(fields).length === 0) {
    throw new AppError('VALIDATION', 'Send at least one of summary, description, labels.');
  }
  await jira.send('PUT', issuePath(key), { body: { fields } });
  return getIssue(jira, key, format);
}

export async function deleteIssue(jira: JiraTransport, key: string): Promise<void> {
  await jira.send('DELETE', issuePath(key));
}
