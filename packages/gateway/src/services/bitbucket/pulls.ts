import type { Page, PullRequest } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { at, num, str } from '../../webhooks/json.js';
import { listPage } from './pages.js';
import { headRef, prPath, prsPath, type RepoRef, readPr, reviewerRef, toPr } from './pull-base.js';
import { bitbucketUser, seg } from './repos.js';
import type { BitbucketTransport } from './transport.js';

/** Pull requests of a repository: Cloud `…/pullrequests`, Data Center `…/pull-requests`. */

export type { RepoRef } from './pull-base.js';
export { addPullRequestComment, listPullRequestComments } from './pull-comments.js';

export type PullRequestFilter = 'OPEN' | 'MERGED' | 'DECLINED' | 'SUPERSEDED' | 'ALL';

const ALL_CLOUD = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'];

/**
 * Cloud lists open pull requests unless `state` says otherwise (repeatable; ALL = the four states). Data Center
 * takes one `state` (OPEN, MERGED, DECLINED or ALL) and has no SUPERSEDED.
 */
export function listPullRequests(
  bb: BitbucketTransport,
  r: RepoRef,
  q: { limit: number; cursor?: string | undefined; state: PullRequestFilter },
): Promise<Page<PullRequest>> {
  if (bb.flavor === 'dc' && q.state === 'SUPERSEDED') {
    throw new AppError('VALIDATION', 'Bitbucket Data Center has no SUPERSEDED pull requests.', {
      details: [{ path: 'state', message: 'OPEN, MERGED, DECLINED or ALL on Data Center' }],
    });
  }
  const states = bb.flavor === 'cloud' && q.state === 'ALL' ? ALL_CLOUD : [q.state];
  return listPage(bb, prsPath(bb, r), { ...q, query: { state: states } }, (v) => toPr(bb, v));
}

export async function getPullRequest(bb: BitbucketTransport, r: RepoRef, id: number): Promise<PullRequest> {
  return readPr(bb, await bb.send('GET', prPath(bb, r, id)));
}

export interface CreatePullRequest {
  title: string;
  source_branch: string;
  destination_branch: string;
  description?: string | undefined;
  close_source_branch?: boolean | undefined;
  reviewers?: string[] | undefined;
}

const reviewersOf = (bb: BitbucketTransport, who: string[] | undefined) =>
  who === undefined ? {} : { reviewers: who.map((w) => reviewerRef(bb, w)) };

export async function createPullRequest(
  bb: BitbucketTransport,
  r: RepoRef,
  body: CreatePullRequest,
): Promise<PullRequest> {
  const sent =
    bb.flavor === 'cloud'
      ? {
          type: 'pullrequest',
          title: body.title,
          source: { branch: { name: body.source_branch } },
          destination: { branch: { name: body.destination_branch } },
          ...(body.description === undefined ? {} : { description: body.description }),
          ...(body.close_source_branch === undefined ? {} : { close_source_branch: body.close_source_branch }),
          ...reviewersOf(bb, body.reviewers),
        }
      : {
          title: body.title,
          fromRef: { id: headRef(body.source_branch) },
          toRef: { id: headRef(body.destination_branch) },
          ...(body.description === undefined ? {} : { description: body.description }),
          ...reviewersOf(bb, body.reviewers),
        };
  return readPr(bb, await bb.send('POST', prsPath(bb, r), { body: sent }));
}

/** Cloud: `POST`/`DELETE …/approve`; Data Center: the user's participant status (APPROVED / UNAPPROVED). */
export async function setApproval(bb: BitbucketTransport, r: RepoRef, id: number, approved: boolean): Promise<void> {
  if (bb.flavor === 'cloud') {
    await bb.send(approved ? 'POST' : 'DELETE', `${prPath(bb, r, id)}/approve`);
    return;
  }
  await setMyStatus(bb, r, id, approved ? 'APPROVED' : 'UNAPPROVED');
}

/** Data Center: the connection user's review status on a pull request (`PUT …/participants/{me}`). */
export async function setMyStatus(
  bb: BitbucketTransport,
  r: RepoRef,
  id: number,
  status: 'APPROVED' | 'NEEDS_WORK' | 'UNAPPROVED',
): Promise<void> {
  const me = await bitbucketUser(bb);
  const slug = str(me.vendor_ids.slug) ?? me.username ?? me.id;
  await bb.send('PUT', `${prPath(bb, r, id)}/participants/${seg(slug)}`, { body: { status } });
}

/** Data Center needs the pull request's current version (optimistic locking); Cloud does not. */
async function versionOf(bb: BitbucketTransport, r: RepoRef, id: number): Promise<number | undefined> {
  if (bb.flavor === 'cloud') return undefined;
  return num(at(await bb.send('GET', prPath(bb, r, id)), 'version')) ?? 0;
}

export async function declinePullRequest(bb: BitbucketTransport, r: RepoRef, id: number): Promise<PullRequest> {
  const version = await versionOf(bb, r, id);
  const res = await bb.send('POST', `${prPath(bb, r, id)}/decline`, { query: { version } });
  return toPr(bb, res) ?? getPullRequest(bb, r, id);
}

export type MergeStrategy = 'merge_commit' | 'squash' | 'fast_forward';

/** DC names its strategies by git's: no-ff (merge commit), squash, ff-only. */
const DC_STRATEGY: Record<MergeStrategy, string> = { merge_commit: 'no-ff', squash: 'squash', fast_forward: 'ff-only' };

export async function mergePullRequest(
  bb: BitbucketTransport,
  r: RepoRef,
  id: number,
  body: { strategy?: MergeStrategy | undefined; message?: string | undefined },
): Promise<PullRequest> {
  const version = await versionOf(bb, r, id);
  const sent =
    bb.flavor === 'cloud'
      ? {
          type: 'pullrequest',
          merge_strategy: body.strategy ?? 'merge_commit',
          ...(body.message === undefined ? {} : { message: body.message }),
        }
      : {
          ...(body.strategy === undefined ? {} : { strategyId: DC_STRATEGY[body.strategy] }),
          ...(body.message === undefined ? {} : { message: body.message }),
        };
  const res = await bb.send('POST', `${prPath(bb, r, id)}/merge`, { query: { version }, body: sent });
  // Cloud may answer 202 (a merge task) for a long merge: the pull request is then read back.
  return toPr(bb, res) ?? getPullRequest(bb, r, id);
}
