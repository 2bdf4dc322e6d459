import type { Comment, JiraProject, JiraTransition, Page, User } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { arr, at, num, str } from '../../webhooks/json.js';
import { jiraUser } from '../../webhooks/providers/jira-shapes.js';
import { encodeJiraCursor, startAtOf } from './cursor.js';
import { issuePath } from './issues.js';
import { type TextMode, textMode, toComment, toProject, toTransition, toVendorText } from './map.js';
import type { JiraTransport } from './transport.js';

/** The rest of the Jira slice: the connection's user, projects, transitions and comments. */

export async function myself(jira: JiraTransport): Promise<User> {
  const user = jiraUser(await jira.send('GET', '/myself'));
  if (user === null)
    throw new AppError('VENDOR_ERROR', 'Jira answered a user Switchyard cannot read.', { status: 502 });
  return user;
}

const pageAfter = <T>(items: T[], startAt: number, more: boolean): Page<T> => ({
  items,
  next_cursor: more && items.length > 0 ? encodeJiraCursor({ startAt: startAt + items.length }) : null,
});

/** Cloud pages `/project/search` (with `query`); Data Center answers every project at once, filtered here. */
export async function listProjects(
  jira: JiraTransport,
  q: { limit: number; cursor?: string | undefined; query?: string | undefined },
): Promise<Page<JiraProject>> {
  const startAt = startAtOf(q.cursor);
  if (jira.flavor === 'cloud') {
    const res = await jira.send('GET', '/project/search', { query: { startAt, maxResults: q.limit, query: q.query } });
    return pageAfter(arr(at(res, 'values')).map(toProject), startAt, at(res, 'isLast') === false);
  }
  const needle = q.query?.toLowerCase();
  const all = arr(await jira.send('GET', '/project'))
    .map(toProject)
    .filter((p) => needle === undefined || `${p.key}\n${p.name ?? ''}`.toLowerCase().includes(needle));
  return pageAfter(all.slice(startAt, startAt + q.limit), startAt, startAt + q.limit < all.length);
}

export async function listTransitions(jira: JiraTransport, key: string): Promise<JiraTransition[]> {
  const res = await jira.send('GET', `${issuePath(key)}/transitions`);
  return arr(at(res, 'transitions')).map(toTransition);
}

export async function transitionIssue(jira: JiraTransport, key: string, transitionId: string): Promise<void> {
  await jira.send('POST', `${issuePath(key)}/transitions`, { body: { transition: { id: transitionId } } });
}

export async function listComments(
  jira: JiraTransport,
  key: string,
  q: { limit: number; cursor?: string | undefined; format: TextMode },
): Promise<Page<Comment>> {
  textMode(jira.flavor, q.format);
  const startAt = startAtOf(q.cursor);
  const res = await jira.send('GET', `${issuePath(key)}/comment`, { query: { startAt, maxResults: q.limit } });
  const items = arr(at(res, 'comments')).map((c) => toComment(c, jira.flavor, q.format));
  return pageAfter(items, startAt, startAt + items.length < (num(at(res, 'total')) ?? 0));
}

export async function addComment(jira: JiraTransport, key: string, body: unknown, format: TextMode): Promise<Comment> {
  const sent = toVendorText(body, jira.flavor, format, 'body');
  if (sent === null || (typeof sent === 'string' && str(sent)?.trim() === '')) {
    throw new AppError('VALIDATION', 'A comment needs a body.', { details: [{ path: 'body', message: 'required' }] });
  }
  return toComment(await jira.send('POST', `${issuePath(key)}/comment`, { body: { body: sent } }), jira.flavor, format);
}
