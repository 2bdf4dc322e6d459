import { bitbucketPipelinesApi } from './bitbucket-pipelines-client.js';
import { bitbucketPullsApi } from './bitbucket-pulls-client.js';
import { bitbucketRepoApi } from './bitbucket-repo-client.js';
import type { ListQuery, Page } from './contract.js';
import { paths } from './contract.js';
import type { BitbucketWorkspace, Comment, PullRequest, Repository, User } from './entities.js';
import type { Requester } from './events-client.js';

/**
 * The normalized Bitbucket API of one connection (docs/bitbucket-api.md): the same entities over Bitbucket
 * Cloud and Data Center (where a project plays the role of a workspace). Text is Markdown on both.
 */
export type PullRequestStateFilter = 'OPEN' | 'MERGED' | 'DECLINED' | 'SUPERSEDED' | 'ALL';

export interface CreatePullRequestBody {
  title: string;
  source_branch: string;
  destination_branch: string;
  /** Markdown. */
  description?: string;
  close_source_branch?: boolean;
  /** Cloud: `{uuid}` or account id; Data Center: user name. */
  reviewers?: string[];
}

export interface MergePullRequestBody {
  strategy?: 'merge_commit' | 'squash' | 'fast_forward';
  message?: string;
}

/** A repository by workspace slug (Data Center: project key) and repository slug. */
export interface RepoAddress {
  workspace: string;
  repo: string;
}

const fill = (path: string, params: Record<string, string>): string =>
  path.replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));

export const bitbucketApi = (c: Requester) => {
  const at = (path: string, connectionId: string, r?: RepoAddress, prId?: number) =>
    fill(path, {
      connection_id: connectionId,
      workspace: r?.workspace ?? '',
      repo: r?.repo ?? '',
      pr_id: prId === undefined ? '' : String(prId),
    });
  return {
    ...bitbucketPipelinesApi(c),
    ...bitbucketPullsApi(c),
    ...bitbucketRepoApi(c),
    user: (connectionId: string): Promise<User> => c.request('GET', at(paths.bitbucketUser, connectionId)),
    workspaces: (connectionId: string, query: ListQuery = {}): Promise<Page<BitbucketWorkspace>> =>
      c.request('GET', at(paths.bitbucketWorkspaces, connectionId), undefined, { ...query }),
    repositories: (connectionId: string, workspace: string, query: ListQuery = {}): Promise<Page<Repository>> =>
      c.request('GET', at(paths.bitbucketRepositories, connectionId, { workspace, repo: '' }), undefined, {
        ...query,
      }),
    repository: (connectionId: string, r: RepoAddress): Promise<Repository> =>
      c.request('GET', at(paths.bitbucketRepository, connectionId, r)),
    pullRequests: (
      connectionId: string,
      r: RepoAddress,
      query: ListQuery & { state?: PullRequestStateFilter } = {},
    ): Promise<Page<PullRequest>> =>
      c.request('GET', at(paths.bitbucketPullRequests, connectionId, r), undefined, { ...query }),
    pullRequest: (connectionId: string, r: RepoAddress, id: number): Promise<PullRequest> =>
      c.request('GET', at(paths.bitbucketPullRequest, connectionId, r, id)),
    createPullRequest: (connectionId: string, r: RepoAddress, body: CreatePullRequestBody): Promise<PullRequest> =>
      c.request('POST', at(paths.bitbucketPullRequests, connectionId, r), body),
    approve: async (connectionId: string, r: RepoAddress, id: number): Promise<void> => {
      await c.request('POST', at(paths.bitbucketApprove, connectionId, r, id));
    },
    unapprove: async (connectionId: string, r: RepoAddress, id: number): Promise<void> => {
      await c.request('DELETE', at(paths.bitbucketApprove, connectionId, r, id));
    },
    decline: (connectionId: string, r: RepoAddress, id: number): Promise<PullRequest> =>
      c.request('POST', at(paths.bitbucketDecline, connectionId, r, id)),
    merge: (connectionId: string, r: RepoAddress, id: number, body: MergePullRequestBody = {}): Promise<PullRequest> =>
      c.request('POST', at(paths.bitbucketMerge, connectionId, r, id), body),
    comments: (connectionId: string, r: RepoAddress, id: number, query: ListQuery = {}): Promise<Page<Comment>> =>
      c.request('GET', at(paths.bitbucketComments, connectionId, r, id), undefined, { ...query }),
    comment: (
      connectionId: string,
      r: RepoAddress,
      id: number,
      body: { body: string; parent_id?: string },
    ): Promise<Comment> => c.request('POST', at(paths.bitbucketComments, connectionId, r, id), body),
  };
};
