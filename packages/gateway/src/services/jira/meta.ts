import type { JiraAllowedValue, JiraCreateField, JiraIssueType, Page, User } from '@switchyard/sdk';
import { arr, at, bool, id, num, obj, str } from '../../webhooks/json.js';
import { jiraUser } from '../../webhooks/providers/jira-shapes.js';
import { encodeJiraCursor, startAtOf } from './cursor.js';
import type { JiraTransport } from './transport.js';

/**
 * Jira create metadata and assignable users: what an agent needs before creating an issue. Both deployments have
 * the per-project createmeta endpoints (the global `/issue/createmeta` is gone: Cloud since 2024, DC since 9.0);
 * Cloud pages them as `issueTypes`/`fields` with `total`, Data Center as `values` with `isLast`.
 */

const projectPath = (projectKey: string) => `/issue/createmeta/${encodeURIComponent(projectKey)}/issuetypes`;

/** The next page's cursor of a startAt list, from Cloud's `total` or Data Center's `isLast`. */
function nextOf(res: unknown, startAt: number, count: number): string | null {
  const isLast = bool(at(res, 'isLast'));
  const total = num(at(res, 'total'));
  const more = isLast !== null ? !isLast : total !== null && startAt + count < total;
  return more && count > 0 ? encodeJiraCursor({ startAt: startAt + count }) : null;
}

function toIssueType(raw: unknown): JiraIssueType | null {
  const typeId = id(at(raw, 'id'));
  const name = str(at(raw, 'name'));
  if (typeId === null || name === null) return null;
  const level = num(at(raw, 'hierarchyLevel'));
  return {
    id: typeId,
    name,
    description: str(at(raw, 'description')) || null,
    // Cloud says `subtask` too, and its hierarchy level -1 means the same.
    subtask: bool(at(raw, 'subtask')) ?? level === -1,
    hierarchy_level: level,
    icon_url: str(at(raw, 'iconUrl')),
  };
}

function toAllowedValue(raw: unknown): JiraAllowedValue {
  return { id: id(at(raw, 'id')), name: str(at(raw, 'value')) ?? str(at(raw, 'name')) };
}

function toField(raw: unknown): JiraCreateField | null {
  const fieldId = str(at(raw, 'fieldId')) ?? str(at(raw, 'key'));
  if (fieldId === null) return null;
  const allowed = at(raw, 'allowedValues');
  return {
    id: fieldId,
    name: str(at(raw, 'name')) ?? fieldId,
    required: bool(at(raw, 'required')) ?? false,
    type: str(at(raw, 'schema', 'type')),
    items_type: str(at(raw, 'schema', 'items')),
    custom: str(at(raw, 'schema', 'custom')),
    operations: arr(at(raw, 'operations')).flatMap((o) => (typeof o === 'string' ? [o] : [])),
    has_default_value: bool(at(raw, 'hasDefaultValue')) ?? false,
    allowed_values: Array.isArray(allowed) ? allowed.filter((v) => obj(v) !== null).map(toAllowedValue) : null,
    autocomplete_url: str(at(raw, 'autoCompleteUrl')),
  };
}

const present = <T>(x: T | null): x is T => x !== null;

/** `GET …/issue/createmeta/{project}/issuetypes`: the issue types a project can create. */
export async function listIssueTypes(
  jira: JiraTransport,
  projectKey: string,
  q: { limit: number; cursor?: string | undefined },
): Promise<Page<JiraIssueType>> {
  const startAt = startAtOf(q.cursor);
  const res = await jira.send('GET', projectPath(projectKey), { query: { startAt, maxResults: q.limit } });
  const raw = arr(at(res, 'issueTypes') ?? at(res, 'values'));
  return { items: raw.map(toIssueType).filter(present), next_cursor: nextOf(res, startAt, raw.length) };
}

/** `GET …/issue/createmeta/{project}/issuetypes/{id}`: the fields of that create screen. */
export async function listCreateFields(
  jira: JiraTransport,
  projectKey: string,
  issueTypeId: string,
  q: { limit: number; cursor?: string | undefined },
): Promise<Page<JiraCreateField>> {
  const startAt = startAtOf(q.cursor);
  const path = `${projectPath(projectKey)}/${encodeURIComponent(issueTypeId)}`;
  const res = await jira.send('GET', path, { query: { startAt, maxResults: q.limit } });
  const raw = arr(at(res, 'fields') ?? at(res, 'values') ?? at(res, 'results'));
  return { items: raw.map(toField).filter(present), next_cursor: nextOf(res, startAt, raw.length) };
}

/** Cloud looks at no more than the first 1000 users (its documented limit for this search). */
const CLOUD_USER_WINDOW = 1000;

/**
 * `GET …/user/assignable/search`: users who can be assigned issues of a project (or of one issue). Cloud takes
 * `query` and filters each window of `maxResults` users by permission, so a page may hold fewer users than
 * asked and the next one starts a full window later; Data Center takes the text as `username`.
 */
export async function searchAssignableUsers(
  jira: JiraTransport,
  q: {
    query?: string | undefined;
    project?: string | undefined;
    issue_key?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<Page<User>> {
  const startAt = startAtOf(q.cursor);
  const text = jira.flavor === 'cloud' ? { query: q.query } : { username: q.query };
  const res = await jira.send('GET', '/user/assignable/search', {
    query: { ...text, project: q.project, issueKey: q.issue_key, startAt, maxResults: q.limit },
  });
  const items = arr(res).map(jiraUser).filter(present);
  const next = startAt + q.limit;
  const more = jira.flavor === 'cloud' ? arr(res).length > 0 && next < CLOUD_USER_WINDOW : arr(res).length >= q.limit;
  return { items, next_cursor: more ? encodeJiraCursor({ startAt: next }) : null };
}
