import type { Commit, Page } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { cloudCommit } from '../../webhooks/providers/bitbucket-cloud-shapes.js';
import { dcCommit } from '../../webhooks/providers/bitbucket-dc-shapes.js';
import { listPage } from './pages.js';
import type { RepoRef } from './pulls.js';
import { dcRepoWeb } from './refs.js';
import { repoPath, seg } from './repos.js';
import type { BitbucketTransport } from './transport.js';

/** Commits of a repository: Cloud `…/commits?include=` and `…/commit/{hash}`, Data Center `…/commits?until=`. */

function toCommit(bb: BitbucketTransport, r: RepoRef, value: unknown): Commit | null {
  if (bb.flavor === 'cloud') return cloudCommit(value);
  const commit = dcCommit(value, null);
  if (commit === null) return null;
  return { ...commit, links: { web: dcRepoWeb(bb, r, `/commits/${commit.hash}`), api: null } };
}

/** Newest first, reachable from `ref` (a branch, tag or hash); the default branch when there is none. */
export function listCommits(
  bb: BitbucketTransport,
  r: RepoRef,
  q: { limit: number; cursor?: string | undefined; ref?: string | undefined },
): Promise<Page<Commit>> {
  const path = repoPath(bb, r.workspace, r.repo);
  const map = (v: unknown) => toCommit(bb, r, v);
  // Cloud's `include` (rather than `/commits/{ref}`) keeps a branch name with slashes out of the path.
  const query = q.ref === undefined ? {} : bb.flavor === 'cloud' ? { include: q.ref } : { until: q.ref };
  return listPage(bb, `${path}/commits`, { ...q, query }, map);
}

export async function getCommit(bb: BitbucketTransport, r: RepoRef, hash: string): Promise<Commit> {
  const path = repoPath(bb, r.workspace, r.repo);
  const res = await bb.send('GET', `${path}/${bb.flavor === 'cloud' ? 'commit' : 'commits'}/${seg(hash)}`);
  const commit = toCommit(bb, r, res);
  if (commit === null)
    throw new AppError('VENDOR_ERROR', 'Bitbucket answered a commit Switchyard cannot read.', { status: 502 });
  return commit;
}
