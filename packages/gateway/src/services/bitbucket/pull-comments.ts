import type { Comment, Page } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { arr, at, num, str } from '../../webhooks/json.js';
import { cloudComment } from '../../webhooks/providers/bitbucket-cloud-shapes.js';
import { dcComment } from '../../webhooks/providers/bitbucket-dc-shapes.js';
import { listPage } from './pages.js';
import { prPath, type RepoRef, unreadable } from './pull-base.js';
import { seg } from './repos.js';
import type { BitbucketTransport } from './transport.js';

/**
 * Pull request comments: list, add (a reply with `parent_id`, on a line of the diff with `inline`), edit, delete.
 * Cloud `…/comments[/{cid}]`; Data Center the same paths, the list from `…/activities`, and edits and deletes
 * with the comment's current `version` (optimistic locking: a stale one is a 409, CONFLICT).
 */

export type DiffSide = 'new' | 'old';

export interface InlineAnchor {
  path: string;
  line: number;
  /** The new version of the file (default) or the old one. */
  side?: DiffSide | undefined;
}

export interface NewComment {
  body: string;
  parent_id?: string | undefined;
  inline?: InlineAnchor | undefined;
}

/** Which side of the diff a vendor comment sits on: Cloud `inline.to` (new) or only `from` (old), DC `fileType`. */
function sideOf(bb: BitbucketTransport, value: unknown): DiffSide | null {
  if (bb.flavor === 'cloud') {
    if (num(at(value, 'inline', 'to')) !== null) return 'new';
    return num(at(value, 'inline', 'from')) !== null ? 'old' : null;
  }
  const fileType = str(at(value, 'anchor', 'fileType'));
  return fileType === null ? null : fileType === 'FROM' ? 'old' : 'new';
}

/**
 * A vendor comment as the normalized `Comment`, with the side of an inline one. Data Center answers a comment
 * without its parent in some places: `parent` is then the parent id the caller knows.
 */
export function toComment(bb: BitbucketTransport, value: unknown, parent: unknown = null): Comment | null {
  const c = bb.flavor === 'cloud' ? cloudComment(value) : dcComment(value, null, at(value, 'parent') ?? parent);
  if (c === null) return null;
  const side = sideOf(bb, value);
  return c.inline === null || side === null ? c : { ...c, inline: { ...c.inline, side } };
}

function readComment(bb: BitbucketTransport, value: unknown, parent: unknown = null): Comment {
  const c = toComment(bb, value, parent);
  if (c === null) throw unreadable('a comment');
  return c;
}

/** Cloud: `…/comments`; Data Center: the comments of `…/activities` (top-level, as commented). */
export function listPullRequestComments(
  bb: BitbucketTransport,
  r: RepoRef,
  id: number,
  q: { limit: number; cursor?: string | undefined },
): Promise<Page<Comment>> {
  if (bb.flavor === 'cloud') return listPage(bb, `${prPath(bb, r, id)}/comments`, q, (v) => toComment(bb, v));
  return listPage(bb, `${prPath(bb, r, id)}/activities`, q, (a) =>
    str(at(a, 'action')) === 'COMMENTED' && str(at(a, 'commentAction')) === 'ADDED'
      ? toComment(bb, at(a, 'comment'))
      : null,
  );
}

const commentPath = (bb: BitbucketTransport, r: RepoRef, id: number, commentId: string) =>
  `${prPath(bb, r, id)}/comments/${seg(commentId)}`;

/**
 * Data Center anchors a line comment on a diff segment (`lineType` ADDED, REMOVED or CONTEXT) that the caller
 * does not know: it is read from the file's diff in the pull request. A line outside the diff's hunks is
 * anchored as CONTEXT, as Bitbucket's own UI does for expanded context lines.
 */
async function dcLineType(bb: BitbucketTransport, r: RepoRef, id: number, a: InlineAnchor): Promise<string> {
  const filePath = a.path.split('/').map(seg).join('/');
  const diff = await bb.send('GET', `${prPath(bb, r, id)}/diff/${filePath}`);
  const key = a.side === 'old' ? 'source' : 'destination';
  for (const file of arr(at(diff, 'diffs')))
    for (const hunk of arr(at(file, 'hunks')))
      for (const segment of arr(at(hunk, 'segments'))) {
        const type = str(at(segment, 'type'));
        if (type === null || type === (a.side === 'old' ? 'ADDED' : 'REMOVED')) continue;
        if (arr(at(segment, 'lines')).some((l) => num(at(l, key)) === a.line)) return type;
      }
  return 'CONTEXT';
}

async function anchorOf(bb: BitbucketTransport, r: RepoRef, id: number, a: InlineAnchor) {
  // The path becomes URL segments on Data Center: `.`/`..` would be resolved away from the pull request.
  if (a.path.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new AppError('VALIDATION', 'The inline comment’s path is not a file path of the repository.', {
      details: [{ path: 'inline.path', message: 'no empty, `.` or `..` segments' }],
    });
  }
  if (bb.flavor === 'cloud') {
    return { inline: a.side === 'old' ? { path: a.path, from: a.line } : { path: a.path, to: a.line } };
  }
  return {
    anchor: {
      path: a.path,
      line: a.line,
      lineType: await dcLineType(bb, r, id, a),
      fileType: a.side === 'old' ? 'FROM' : 'TO',
      diffType: 'EFFECTIVE',
    },
  };
}

export async function addPullRequestComment(
  bb: BitbucketTransport,
  r: RepoRef,
  id: number,
  body: NewComment,
): Promise<Comment> {
  // Cloud's spec types every object it is sent (`type`); Bitbucket accepts and ignores it.
  const parent =
    body.parent_id === undefined
      ? {}
      : {
          parent:
            bb.flavor === 'cloud'
              ? { type: 'pullrequest_comment', id: Number(body.parent_id) }
              : { id: Number(body.parent_id) },
        };
  const anchor = body.inline === undefined ? {} : await anchorOf(bb, r, id, body.inline);
  const text =
    bb.flavor === 'cloud' ? { type: 'pullrequest_comment', content: { raw: body.body } } : { text: body.body };
  const res = await bb.send('POST', `${prPath(bb, r, id)}/comments`, { body: { ...text, ...parent, ...anchor } });
  return readComment(bb, res, body.parent_id ?? null);
}

/** Data Center's current version of a comment, for an edit or a delete. */
async function commentVersion(bb: BitbucketTransport, r: RepoRef, id: number, commentId: string) {
  return num(at(await bb.send('GET', commentPath(bb, r, id, commentId)), 'version')) ?? 0;
}

/** A new text for a comment (Markdown). Data Center: with the version read just before. */
export async function editPullRequestComment(
  bb: BitbucketTransport,
  r: RepoRef,
  id: number,
  commentId: string,
  body: { body: string },
): Promise<Comment> {
  const sent =
    bb.flavor === 'cloud'
      ? { type: 'pullrequest_comment', content: { raw: body.body } }
      : { text: body.body, version: await commentVersion(bb, r, id, commentId) };
  return readComment(bb, await bb.send('PUT', commentPath(bb, r, id, commentId), { body: sent }));
}

export async function deletePullRequestComment(
  bb: BitbucketTransport,
  r: RepoRef,
  id: number,
  commentId: string,
): Promise<void> {
  const version = bb.flavor === 'cloud' ? undefined : await commentVersion(bb, r, id, commentId);
  await bb.send('DELETE', commentPath(bb, r, id, commentId), { query: { version } });
}
