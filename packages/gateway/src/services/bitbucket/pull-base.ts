import type { PullRequest } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { cloudPullRequest } from '../../webhooks/providers/bitbucket-cloud-shapes.js';
import { dcPullRequest } from '../../webhooks/providers/bitbucket-dc-shapes.js';
import { repoPath } from './repos.js';
import type { BitbucketTransport } from './transport.js';

/** What every pull request call shares: its REST paths, reading one back, how reviewers and refs are named. */

export interface RepoRef {
  workspace: string;
  repo: string;
}

/** Cloud `…/pullrequests`, Data Center `…/pull-requests`. */
export const prsPath = (bb: BitbucketTransport, r: RepoRef) =>
  `${repoPath(bb, r.workspace, r.repo)}/${bb.flavor === 'cloud' ? 'pullrequests' : 'pull-requests'}`;

export const prPath = (bb: BitbucketTransport, r: RepoRef, id: number) => `${prsPath(bb, r)}/${id}`;

export const toPr = (bb: BitbucketTransport, value: unknown) =>
  bb.flavor === 'cloud' ? cloudPullRequest(value) : dcPullRequest(value);

export const unreadable = (what: string) =>
  new AppError('VENDOR_ERROR', `Bitbucket answered ${what} Switchyard cannot read.`, { status: 502 });

export function readPr(bb: BitbucketTransport, value: unknown): PullRequest {
  const pr = toPr(bb, value);
  if (pr === null) throw unreadable('a pull request');
  return pr;
}

/**
 * A reviewer as each deployment names one: Cloud a `{uuid}` (braces included) or an account id, Data Center
 * a user name.
 */
export function reviewerRef(bb: BitbucketTransport, who: string): Record<string, unknown> {
  if (bb.flavor === 'dc') return { user: { name: who } };
  // `type` is required by Cloud's schema of every object (an account is a `user`).
  return /^\{.*\}$/.test(who) ? { type: 'user', uuid: who } : { type: 'user', account_id: who };
}

export const headRef = (branch: string) => (branch.startsWith('refs/') ? branch : `refs/heads/${branch}`);
