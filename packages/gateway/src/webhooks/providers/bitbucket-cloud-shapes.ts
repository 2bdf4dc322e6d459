import type {
  BranchRef,
  Comment,
  Commit,
  GitIdentity,
  Links,
  PullRequest,
  PullRequestState,
  PushChange,
  Repository,
  Reviewer,
  User,
} from '@switchyard/sdk';
import { arr, at, bool, compact, id, isoTime, num, obj, str } from '../json.js';

/** Bitbucket Cloud 2.0 objects (as in webhook payloads and REST answers) → normalized entities. */

export function cloudLinks(value: unknown): Links {
  return { web: str(at(value, 'links', 'html', 'href')), api: str(at(value, 'links', 'self', 'href')) };
}

export function cloudUser(value: unknown): User | null {
  const accountId = id(at(value, 'account_id'));
  const uuid = id(at(value, 'uuid'));
  const nickname = str(at(value, 'nickname')) ?? str(at(value, 'username'));
  const userId = accountId ?? uuid ?? nickname;
  if (userId === null) return null;
  return {
    id: userId,
    display_name: str(at(value, 'display_name')),
    username: nickname,
    email: null,
    vendor_ids: compact({ account_id: accountId, uuid }),
    links: cloudLinks(value),
  };
}

export function cloudRepository(value: unknown): Repository | null {
  const fullName = str(at(value, 'full_name'));
  const uuid = id(at(value, 'uuid'));
  if (fullName === null || uuid === null) return null;
  const [ownerPart, slugPart] = fullName.split('/');
  const projectKey = str(at(value, 'project', 'key'));
  return {
    id: uuid,
    slug: slugPart ?? fullName,
    name: str(at(value, 'name')) ?? slugPart ?? fullName,
    full_name: fullName,
    workspace: str(at(value, 'workspace', 'slug')) ?? ownerPart ?? null,
    project: projectKey === null ? null : { key: projectKey, name: str(at(value, 'project', 'name')) },
    is_private: bool(at(value, 'is_private')),
    scm: str(at(value, 'scm')),
    vendor_ids: compact({ uuid }),
    links: cloudLinks(value),
  };
}

/** `"Name <email>"` as git wrote it. */
function gitIdentity(author: unknown): GitIdentity | null {
  if (obj(author) === null) return null;
  const raw = str(at(author, 'raw'));
  const parsed = raw === null ? null : /^(.*?)\s*<([^>]*)>\s*$/.exec(raw);
  return {
    name: parsed?.[1] ?? raw,
    email: parsed?.[2] ?? null,
    user: cloudUser(at(author, 'user')),
  };
}

export function cloudCommit(value: unknown): Commit | null {
  const hash = str(at(value, 'hash'));
  if (hash === null) return null;
  return {
    hash,
    message: str(at(value, 'message')),
    date: isoTime(at(value, 'date')),
    author: gitIdentity(at(value, 'author')),
    parents: arr(at(value, 'parents')).flatMap((p) => str(at(p, 'hash')) ?? []),
    links: cloudLinks(value),
  };
}

const STATES: Record<string, PullRequestState> = {
  OPEN: 'OPEN',
  MERGED: 'MERGED',
  DECLINED: 'DECLINED',
  SUPERSEDED: 'SUPERSEDED',
};

/** Reviewers (asked) and participants (joined in), one entry per user, with where they stand. */
function reviewers(pr: unknown): Reviewer[] {
  const byUser = new Map<string, Reviewer>();
  for (const p of arr(at(pr, 'participants'))) {
    const user = cloudUser(at(p, 'user'));
    if (user === null) continue;
    const approved = bool(at(p, 'approved')) === true;
    const state = str(at(p, 'state'));
    const status =
      approved || state === 'approved' ? 'APPROVED' : state === 'changes_requested' ? 'CHANGES_REQUESTED' : 'NONE';
    const role = str(at(p, 'role')) === 'REVIEWER' ? 'REVIEWER' : 'PARTICIPANT';
    byUser.set(user.id, { user, role, status, approved: status === 'APPROVED' });
  }
  for (const r of arr(at(pr, 'reviewers'))) {
    const user = cloudUser(r);
    if (user === null) continue;
    const known = byUser.get(user.id);
    byUser.set(
      user.id,
      known ? { ...known, role: 'REVIEWER' } : { user, role: 'REVIEWER', status: 'NONE', approved: false },
    );
  }
  return [...byUser.values()];
}

function endpoint(pr: unknown, side: 'source' | 'destination'): PullRequest['source'] {
  return {
    repository: cloudRepository(at(pr, side, 'repository')),
    branch: str(at(pr, side, 'branch', 'name')) ?? '',
    commit: str(at(pr, side, 'commit', 'hash')),
  };
}

export function cloudPullRequest(value: unknown): PullRequest | null {
  const prId = num(at(value, 'id'));
  const state = STATES[str(at(value, 'state')) ?? ''];
  if (prId === null || state === undefined) return null;
  return {
    id: prId,
    title: str(at(value, 'title')) ?? '',
    description: str(at(value, 'description')),
    description_format: 'markdown',
    state,
    draft: bool(at(value, 'draft')) ?? false,
    author: cloudUser(at(value, 'author')),
    source: endpoint(value, 'source'),
    destination: endpoint(value, 'destination'),
    reviewers: reviewers(value),
    merge_commit: str(at(value, 'merge_commit', 'hash')),
    closed_by: cloudUser(at(value, 'closed_by')),
    comment_count: num(at(value, 'comment_count')),
    task_count: num(at(value, 'task_count')),
    version: null,
    created_at: isoTime(at(value, 'created_on')),
    updated_at: isoTime(at(value, 'updated_on')),
    vendor_ids: { id: prId },
    links: cloudLinks(value),
  };
}

export function cloudComment(value: unknown): Comment | null {
  const commentId = id(at(value, 'id'));
  if (commentId === null) return null;
  const path = str(at(value, 'inline', 'path'));
  return {
    id: commentId,
    body: str(at(value, 'content', 'raw')),
    body_format: 'markdown',
    author: cloudUser(at(value, 'user')),
    parent_id: id(at(value, 'parent', 'id')),
    inline: path === null ? null : { path, line: num(at(value, 'inline', 'to')) ?? num(at(value, 'inline', 'from')) },
    deleted: bool(at(value, 'deleted')) ?? false,
    created_at: isoTime(at(value, 'created_on')),
    updated_at: isoTime(at(value, 'updated_on')),
    vendor_ids: { id: commentId },
    links: cloudLinks(value),
  };
}

function ref(state: unknown): BranchRef | null {
  const name = str(at(state, 'name'));
  if (name === null) return null;
  const type = str(at(state, 'type')) === 'tag' ? 'tag' : 'branch';
  return { name, ref: `${type === 'tag' ? 'refs/tags' : 'refs/heads'}/${name}`, type, links: cloudLinks(state) };
}

/** One entry of `push.changes`: `old`/`new` are the ref before and after (null when created or deleted). */
export function cloudPushChange(change: unknown): PushChange | null {
  const target = ref(at(change, 'new')) ?? ref(at(change, 'old'));
  if (target === null) return null;
  return {
    ref: target,
    old_commit: str(at(change, 'old', 'target', 'hash')),
    new_commit: str(at(change, 'new', 'target', 'hash')),
    created: bool(at(change, 'created')) ?? false,
    closed: bool(at(change, 'closed')) ?? false,
    forced: bool(at(change, 'forced')),
    commits: arr(at(change, 'commits')).flatMap((c) => cloudCommit(c) ?? []),
    truncated: bool(at(change, 'truncated')) ?? false,
    links: cloudLinks(change),
  };
}
