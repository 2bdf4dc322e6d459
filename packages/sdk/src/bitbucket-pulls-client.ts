import type { RepoAddress } from './bitbucket-client.js';
import type { ListQuery, Page } from './contract.js';
import { paths } from './contract.js';
import type { Comment, PullRequest, PullRequestActivity, PullRequestFileChange } from './entities.js';
import { isErrorBody, SwitchyardError } from './errors.js';
import type { Requester } from './events-client.js';

/**
 * Pull request extras of the normalized Bitbucket API (docs/bitbucket-api.md, "Pull request extras"): update,
 * request changes, inline comments and replies, comment edits, the diff, diffstat and activity.
 */

export interface UpdatePullRequestBody {
  title?: string;
  /** Markdown. */
  description?: string;
  destination_branch?: string;
  /** The whole new list: Cloud `{uuid}` or account id, Data Center user name. */
  reviewers?: string[];
  /** Data Center: the `version` you read (a stale one fails with CONFLICT). Ignored on Cloud. */
  version?: number;
}

export interface NewCommentBody {
  /** Markdown. */
  body: string;
  /** Reply to this comment. */
  parent_id?: string;
  /** On a line of a file of the diff: the new version of the file (default) or the old one. */
  inline?: { path: string; line: number; side?: 'new' | 'old' };
}

const fillPath = (path: string, params: Record<string, string>): string =>
  path.replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));

export const bitbucketPullsApi = (c: Requester) => {
  const at = (path: string, connectionId: string, r: RepoAddress, prId: number, commentId = '') =>
    fillPath(path, {
      connection_id: connectionId,
      workspace: r.workspace,
      repo: r.repo,
      pr_id: String(prId),
      comment_id: commentId,
    });
  return {
    updatePullRequest: (
      connectionId: string,
      r: RepoAddress,
      id: number,
      body: UpdatePullRequestBody,
    ): Promise<PullRequest> => c.request('PATCH', at(paths.bitbucketPullRequest, connectionId, r, id), body),
    requestChanges: async (connectionId: string, r: RepoAddress, id: number): Promise<void> => {
      await c.request('POST', at(paths.bitbucketRequestChanges, connectionId, r, id));
    },
    withdrawChangeRequest: async (connectionId: string, r: RepoAddress, id: number): Promise<void> => {
      await c.request('DELETE', at(paths.bitbucketRequestChanges, connectionId, r, id));
    },
    /** A comment, a reply (`parent_id`) or a comment on a line of the diff (`inline`). */
    addComment: (connectionId: string, r: RepoAddress, id: number, body: NewCommentBody): Promise<Comment> =>
      c.request('POST', at(paths.bitbucketComments, connectionId, r, id), body),
    editComment: (
      connectionId: string,
      r: RepoAddress,
      id: number,
      commentId: string,
      body: { body: string },
    ): Promise<Comment> => c.request('PUT', at(paths.bitbucketComment, connectionId, r, id, commentId), body),
    deleteComment: async (connectionId: string, r: RepoAddress, id: number, commentId: string): Promise<void> => {
      await c.request('DELETE', at(paths.bitbucketComment, connectionId, r, id, commentId));
    },
    /** The unified diff as text. For a large one, stream `GET` on paths.bitbucketDiff instead. */
    diff: async (connectionId: string, r: RepoAddress, id: number): Promise<string> => {
      const res = await c.open(at(paths.bitbucketDiff, connectionId, r, id), {}, { accept: 'text/plain' });
      const text = await res.text();
      if (!res.ok) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        throw new SwitchyardError(res.status, isErrorBody(parsed) ? parsed : undefined, `HTTP ${res.status}`);
      }
      return text;
    },
    diffstat: (
      connectionId: string,
      r: RepoAddress,
      id: number,
      query: ListQuery = {},
    ): Promise<Page<PullRequestFileChange>> =>
      c.request('GET', at(paths.bitbucketDiffstat, connectionId, r, id), undefined, { ...query }),
    activity: (
      connectionId: string,
      r: RepoAddress,
      id: number,
      query: ListQuery = {},
    ): Promise<Page<PullRequestActivity>> =>
      c.request('GET', at(paths.bitbucketActivity, connectionId, r, id), undefined, { ...query }),
  };
};
