import type { Comment, Issue, IssueFieldChange, Links, TextFormat, User } from '@switchyard/sdk';
import { arr, at, bool, compact, id, isoTime, obj, str } from '../json.js';

/**
 * Jira (Cloud and Data Center, REST v2 shapes as webhooks send them) → normalized entities. Webhook bodies carry
 * rich text as wiki markup strings; an ADF document (an object) is kept as its JSON text with format `adf`.
 */

function text(value: unknown): { body: string | null; format: TextFormat } {
  if (typeof value === 'string') return { body: value, format: 'wiki' };
  if (obj(value) !== null) return { body: JSON.stringify(value), format: 'adf' };
  return { body: null, format: 'wiki' };
}

/**
 * The issue's page: `{site}/browse/{key}`, from the REST `self` link. Through the 3LO gateway (api.atlassian.com)
 * `self` does not name the site, so there is no web link to build.
 */
export function browseLink(self: string | null, key: string): string | null {
  if (self === null) return null;
  try {
    const url = new URL(self);
    if (url.hostname === 'api.atlassian.com') return null;
    const restAt = url.pathname.indexOf('/rest/');
    const contextPath = restAt > 0 ? url.pathname.slice(0, restAt) : '';
    return `${url.origin}${contextPath}/browse/${encodeURIComponent(key)}`;
  } catch {
    return null;
  }
}

export function jiraUser(value: unknown): User | null {
  const accountId = id(at(value, 'accountId'));
  const key = id(at(value, 'key'));
  const name = str(at(value, 'name'));
  const userId = accountId ?? key ?? name;
  if (userId === null) return null;
  const links: Links = { web: null, api: str(at(value, 'self')) };
  return {
    id: userId,
    display_name: str(at(value, 'displayName')),
    username: name,
    email: str(at(value, 'emailAddress')),
    vendor_ids: compact({ account_id: accountId, key, name }),
    links,
  };
}

export function jiraIssue(value: unknown): Issue | null {
  const issueId = id(at(value, 'id'));
  const key = str(at(value, 'key'));
  if (issueId === null || key === null) return null;
  const fields = at(value, 'fields');
  const description = text(at(fields, 'description'));
  const statusName = str(at(fields, 'status', 'name'));
  const typeName = str(at(fields, 'issuetype', 'name'));
  const priorityName = str(at(fields, 'priority', 'name'));
  const projectKey = str(at(fields, 'project', 'key'));
  const self = str(at(value, 'self'));
  return {
    id: issueId,
    key,
    summary: str(at(fields, 'summary')) ?? '',
    description: description.body,
    description_format: description.format,
    status:
      statusName === null
        ? null
        : {
            id: id(at(fields, 'status', 'id')),
            name: statusName,
            category: str(at(fields, 'status', 'statusCategory', 'key')),
          },
    issue_type:
      typeName === null
        ? null
        : {
            id: id(at(fields, 'issuetype', 'id')),
            name: typeName,
            subtask: bool(at(fields, 'issuetype', 'subtask')) ?? false,
          },
    priority: priorityName === null ? null : { id: id(at(fields, 'priority', 'id')), name: priorityName },
    project:
      projectKey === null
        ? null
        : { id: id(at(fields, 'project', 'id')), key: projectKey, name: str(at(fields, 'project', 'name')) },
    assignee: jiraUser(at(fields, 'assignee')),
    reporter: jiraUser(at(fields, 'reporter')),
    creator: jiraUser(at(fields, 'creator')),
    labels: arr(at(fields, 'labels')).flatMap((l) => str(l) ?? []),
    created_at: isoTime(at(fields, 'created')),
    updated_at: isoTime(at(fields, 'updated')),
    resolved_at: isoTime(at(fields, 'resolutiondate')),
    vendor_ids: { id: issueId, key },
    links: { web: browseLink(self, key), api: self },
  };
}

export function jiraComment(value: unknown, issue: Issue | null): Comment | null {
  const commentId = id(at(value, 'id'));
  if (commentId === null) return null;
  const body = text(at(value, 'body'));
  const issueWeb = issue?.links.web ?? null;
  const focus = `focusedCommentId=${encodeURIComponent(commentId)}`;
  return {
    id: commentId,
    body: body.body,
    body_format: body.format,
    author: jiraUser(at(value, 'author')),
    parent_id: id(at(value, 'parentId')),
    inline: null,
    deleted: false,
    created_at: isoTime(at(value, 'created')),
    updated_at: isoTime(at(value, 'updated')),
    vendor_ids: { id: commentId },
    links: { web: issueWeb === null ? null : `${issueWeb}?${focus}`, api: str(at(value, 'self')) },
  };
}

export function jiraChanges(changelog: unknown): IssueFieldChange[] {
  return arr(at(changelog, 'items')).flatMap((item) => {
    const field = str(at(item, 'field'));
    if (field === null) return [];
    return [
      {
        field,
        field_id: str(at(item, 'fieldId')),
        from: id(at(item, 'from')),
        from_string: str(at(item, 'fromString')),
        to: id(at(item, 'to')),
        to_string: str(at(item, 'toString')),
      },
    ];
  });
}
