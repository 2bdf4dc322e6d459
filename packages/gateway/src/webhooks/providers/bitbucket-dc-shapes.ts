import type {
  BranchRef,
  Comment,
  Commit,
  Links,
  PullRequest,
  PullRequestState,
  PushChange,
  Repository,
  Reviewer,
  ReviewStatus,
  User,
} from '@switchyard/sdk';
import { arr, at, bool, compact, id, isoTime, num, str } from '../json.js';

/** Bitbucket Data Center (`/rest/api/1.0` shapes, as in webhook payloads) → normalized entities. */

const EMPTY_HASH = /^0{40}$/;

/** Data Center sends web links only, as `links.self[0].href`. */
export function dcLinks(value: unknown): Links {
  const first = arr(at(value, 'links', 'self'))[0];
  return { web: str(at(first, 'href')), api: null };
}

export function dcUser(value: unknown): User | null {
  const userId = id(at(value, 'id'));
  const name = str(at(value, 'name'));
  const slug = str(at(value, 'slug'));
  if (userId === null && name === null) return null;
  return {
    id: userId ?? name ?? '',
    display_name: str(at(value, 'displayName')),
    username: name ?? slug,
    email: str(at(value, 'emailAddress')),
    vendor_ids: compact({ id: num(at(value, 'id')), name, slug }),
    links: dcLinks(value),
  };
}

export function dcRepository(value: unknown): Repository | null {
  const slug = str(at(value, 'slug'));
  const repoId = id(at(value, 'id'));
  const projectKey = str(at(value, 'project', 'key'));
  if (slug === null || repoId === null || projectKey === null) return null;
  const isPublic = bool(at(value, 'public'));
  return {
    id: repoId,
    slug,
    name: str(at(value, 'name')) ?? slug,
    full_name: `${projectKey}/${slug}`,
    workspace: projectKey,
    project: { key: projectKey, name: str(at(value, 'project', 'name')) },
    is_private: isPublic === null ? null : !isPublic,
    scm: str(at(value, 'scmId')),
    vendor_ids: compact({ id: num(at(value, 'id')), project_id: num(at(value, 'project', 'id')) }),
    links: dcLinks(value),
  };
}

/** A repository's web link ends in `/browse`; its commits live next to it. */
function commitLink(repository: Repository | null, hash: string): Links {
  const browse = repository?.links.web ?? null;
  return {
    web: browse?.endsWith('/browse') ? `${browse.slice(0, -'/browse'.length)}/commits/${hash}` : null,
    api: null,
  };
}

export function dcCommit(value: unknown, repository: Repository | null): Commit | null {
  const hash = str(at(value, 'id'));
  if (hash === null) return null;
  const name = str(at(value, 'author', 'name'));
  const email = str(at(value, 'author', 'emailAddress'));
  return {
    hash,
    message: str(at(value, 'message')),
    date: isoTime(at(value, 'authorTimestamp')),
    author: name === null && email === null ? null : { name, email, user: null },
    parents: arr(at(value, 'parents')).flatMap((p) => str(at(p, 'id')) ?? []),
    links: commitLink(repository, hash),
  };
}

const STATUS: Record<string, ReviewStatus> = { APPROVED: 'APPROVED', NEEDS_WORK: 'CHANGES_REQUESTED' };
const STATES: Record<string, PullRequestState> = { OPEN: 'OPEN', MERGED: 'MERGED', DECLINED: 'DECLINED' };

function reviewers(pr: unknown): Reviewer[] {
  const out: Reviewer[] = [];
  for (const [list, role] of [
    ['reviewers', 'REVIEWER'],
    ['participants', 'PARTICIPANT'],
  ] as const) {
    for (const entry of arr(at(pr, list))) {
      const user = dcUser(at(entry, 'user'));
      if (user === null || out.some((r) => r.user.id === user.id)) continue;
      const status = STATUS[str(at(entry, 'status')) ?? ''] ?? 'NONE';
      out.push({ user, role, status, approved: status === 'APPROVED' });
    }
  }
  return out;
}

function endpoint(pr: unknown, side: 'fromRef' | 'toRef'): PullRequest['source'] {
  return {
    repository: dcRepository(at(pr, side, 'repository')),
    branch: str(at(pr, side, 'displayId')) ?? str(at(pr, side, 'id')) ?? '',
    commit: str(at(pr, side, 'latestCommit')),
  };
}

export function dcPullRequest(value: unknown): PullRequest | null {
  const prId = num(at(value, 'id'));
  const state = STATES[str(at(value, 'state')) ?? ''];
  if (prId === null || state === undefined) return null;
  const openTasks = num(at(value, 'properties', 'openTaskCount'));
  const resolvedTasks = num(at(value, 'properties', 'resolvedTaskCount'));
  return {
    id: prId,
    title: str(at(value, 'title')) ?? '',
    description: str(at(value, 'description')),
    description_format: 'markdown',
    state,
    draft: bool(at(value, 'draft')) ?? false,
    author: dcUser(at(value, 'author', 'user')),
    source: endpoint(value, 'fromRef'),
    destination: endpoint(value, 'toRef'),
    reviewers: reviewers(value),
    merge_commit: str(at(value, 'properties', 'mergeCommit', 'id')),
    closed_by: null,
    comment_count: num(at(value, 'properties', 'commentCount')),
    task_count: openTasks === null && resolvedTasks === null ? null : (openTasks ?? 0) + (resolvedTasks ?? 0),
    version: num(at(value, 'version')),
    created_at: isoTime(at(value, 'createdDate')),
    updated_at: isoTime(at(value, 'updatedDate')),
    vendor_ids: { id: prId },
    links: dcLinks(value),
  };
}

/** A pull request comment; its web link is the pull request's overview focused on it. */
export function dcComment(value: unknown, pullRequest: PullRequest | null, parentId: unknown): Comment | null {
  const commentId = id(at(value, 'id'));
  if (commentId === null) return null;
  const path = str(at(value, 'anchor', 'path'));
  const prWeb = pullRequest?.links.web ?? null;
  return {
    id: commentId,
    body: str(at(value, 'text')),
    body_format: 'markdown',
    author: dcUser(at(value, 'author')),
    parent_id: id(at(parentId, 'id')) ?? id(parentId),
    inline: path === null ? null : { path, line: num(at(value, 'anchor', 'line')) },
    deleted: false,
    created_at: isoTime(at(value, 'createdDate')),
    updated_at: isoTime(at(value, 'updatedDate')),
    vendor_ids: compact({ id: num(at(value, 'id')), version: num(at(value, 'version')) }),
    links: { web: prWeb === null ? null : `${prWeb}/overview?commentId=${commentId}`, api: null },
  };
}

/** One entry of `changes` in `repo:refs_changed`; an all-zero hash means the ref did not exist on that side. */
export function dcPushChange(value: unknown, commits: Commit[]): PushChange | null {
  const fullRef = str(at(value, 'ref', 'id')) ?? str(at(value, 'refId'));
  if (fullRef === null) return null;
  const type = str(at(value, 'ref', 'type')) === 'TAG' || fullRef.startsWith('refs/tags/') ? 'tag' : 'branch';
  const name = str(at(value, 'ref', 'displayId')) ?? fullRef.replace(/^refs\/(heads|tags)\//, '');
  const ref: BranchRef = { name, ref: fullRef, type, links: { web: null, api: null } };
  const from = str(at(value, 'fromHash'));
  const to = str(at(value, 'toHash'));
  const change = str(at(value, 'type'));
  return {
    ref,
    old_commit: from === null || EMPTY_HASH.test(from) ? null : from,
    new_commit: to === null || EMPTY_HASH.test(to) ? null : to,
    created: change === 'ADD',
    closed: change === 'DELETE',
    forced: null,
    commits,
    truncated: false,
    links: { web: null, api: null },
  };
}
