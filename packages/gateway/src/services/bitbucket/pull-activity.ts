import type { Page, PullRequestActivity, PullRequestActivityKind, PullRequestState } from '@switchyard/sdk';
import { at, compact, isoTime, num, obj, str } from '../../webhooks/json.js';
import { cloudUser } from '../../webhooks/providers/bitbucket-cloud-shapes.js';
import { dcUser } from '../../webhooks/providers/bitbucket-dc-shapes.js';
import { listPage } from './pages.js';
import { prPath, type RepoRef } from './pull-base.js';
import { toComment } from './pull-comments.js';
import type { BitbucketTransport } from './transport.js';

/** A pull request's activity: Cloud `…/activity`, Data Center `…/activities`, as normalized entries. */

/** Cloud's entries are objects with one of these keys (plus `pull_request`). */
const CLOUD_KINDS: Record<string, PullRequestActivityKind> = {
  comment: 'comment',
  approval: 'approval',
  changes_requested: 'changes_requested',
  update: 'update',
};

const CLOUD_STATES: Record<string, PullRequestState> = {
  OPEN: 'OPEN',
  MERGED: 'MERGED',
  DECLINED: 'DECLINED',
  SUPERSEDED: 'SUPERSEDED',
};

function cloudActivity(bb: BitbucketTransport, value: unknown): PullRequestActivity | null {
  const key = Object.keys(obj(value) ?? {}).find((k) => k !== 'pull_request');
  if (key === undefined) return null;
  const entry = at(value, key);
  const kind = CLOUD_KINDS[key] ?? 'other';
  const comment = kind === 'comment' ? toComment(bb, entry) : null;
  return {
    kind,
    action: key,
    actor: comment?.author ?? cloudUser(at(entry, 'user') ?? at(entry, 'author')),
    at: comment?.created_at ?? isoTime(at(entry, 'date')),
    comment,
    state: kind === 'update' ? (CLOUD_STATES[str(at(entry, 'state')) ?? ''] ?? null) : null,
    vendor_ids: comment === null ? {} : { comment_id: comment.id },
  };
}

/**
 * Data Center `action` → kind. REVIEWED is taken as a reviewer's "needs work" (not checked against a live
 * server); RESCOPED is new commits.
 */
const DC_KINDS: Record<string, PullRequestActivityKind> = {
  COMMENTED: 'comment',
  APPROVED: 'approval',
  UNAPPROVED: 'unapproval',
  REVIEWED: 'changes_requested',
  RESCOPED: 'update',
  UPDATED: 'update',
  OPENED: 'opened',
  MERGED: 'merged',
  DECLINED: 'declined',
  REOPENED: 'reopened',
};

function dcActivity(bb: BitbucketTransport, value: unknown): PullRequestActivity | null {
  const action = str(at(value, 'action'));
  if (action === null) return null;
  const kind = DC_KINDS[action] ?? 'other';
  return {
    kind,
    action,
    actor: dcUser(at(value, 'user')),
    at: isoTime(at(value, 'createdDate')),
    comment: kind === 'comment' ? toComment(bb, at(value, 'comment')) : null,
    state: null,
    vendor_ids: compact({ id: num(at(value, 'id')) }),
  };
}

export function listPullRequestActivity(
  bb: BitbucketTransport,
  r: RepoRef,
  id: number,
  q: { limit: number; cursor?: string | undefined },
): Promise<Page<PullRequestActivity>> {
  return bb.flavor === 'cloud'
    ? listPage(bb, `${prPath(bb, r, id)}/activity`, q, (v) => cloudActivity(bb, v))
    : listPage(bb, `${prPath(bb, r, id)}/activities`, q, (v) => dcActivity(bb, v));
}
