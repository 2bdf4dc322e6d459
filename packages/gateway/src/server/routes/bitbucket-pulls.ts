import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime/runtime.js';
import { listPullRequestActivity } from '../../services/bitbucket/pull-activity.js';
import { deletePullRequestComment, editPullRequestComment } from '../../services/bitbucket/pull-comments.js';
import { pullRequestDiff, pullRequestDiffstat } from '../../services/bitbucket/pull-diff.js';
import { setChangesRequested, updatePullRequest } from '../../services/bitbucket/pull-update.js';
import { commentParams, editCommentBody, updatePullRequestBody } from '../bitbucket-pulls-schemas.js';
import { listQuery, prParams } from '../bitbucket-schemas.js';
import { bitbucketAccess, repoOf, tags } from './bitbucket-common.js';

/**
 * `/v1/connections/{id}/bitbucket/repositories/{ws}/{repo}/pull-requests/{n}/…`: updating a pull request,
 * requesting changes, editing and deleting comments, the diff, diffstat and activity (docs/bitbucket-api.md,
 * "Pull request extras"). Creating inline comments and replies goes through routes/bitbucket.ts.
 */
export const bitbucketPullsRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const { bbOf, rawOf } = bitbucketAccess(runtime);

    app.patch(
      paths.bitbucketPullRequest,
      {
        schema: {
          tags,
          summary: 'Update a pull request (title, description, destination, reviewers)',
          params: prParams,
          body: updatePullRequestBody,
        },
      },
      async (req) => updatePullRequest(await bbOf(req), repoOf(req.params), req.params.pr_id, req.body),
    );

    app.post(
      paths.bitbucketRequestChanges,
      { schema: { tags, summary: 'Request changes (Data Center: needs work)', params: prParams } },
      async (req, reply) => {
        await setChangesRequested(await bbOf(req), repoOf(req.params), req.params.pr_id, true);
        return reply.status(204).send();
      },
    );

    app.delete(
      paths.bitbucketRequestChanges,
      { schema: { tags, summary: 'Withdraw a request for changes', params: prParams } },
      async (req, reply) => {
        await setChangesRequested(await bbOf(req), repoOf(req.params), req.params.pr_id, false);
        return reply.status(204).send();
      },
    );

    app.put(
      paths.bitbucketComment,
      { schema: { tags, summary: 'Edit a comment (Markdown)', params: commentParams, body: editCommentBody } },
      async (req) =>
        editPullRequestComment(await bbOf(req), repoOf(req.params), req.params.pr_id, req.params.comment_id, req.body),
    );

    app.delete(
      paths.bitbucketComment,
      { schema: { tags, summary: 'Delete a comment', params: commentParams } },
      async (req, reply) => {
        await deletePullRequestComment(await bbOf(req), repoOf(req.params), req.params.pr_id, req.params.comment_id);
        return reply.status(204).send();
      },
    );

    app.get(
      paths.bitbucketDiff,
      { schema: { tags, summary: 'The unified diff (text/plain, streamed)', params: prParams } },
      async (req, reply) => {
        const [bb, raw] = await Promise.all([bbOf(req), rawOf(req)]);
        const diff = await pullRequestDiff(bb, raw, repoOf(req.params), req.params.pr_id);
        return reply.type(diff.contentType).send(diff.body);
      },
    );

    app.get(
      paths.bitbucketDiffstat,
      { schema: { tags, summary: 'The files a pull request changes', params: prParams, querystring: listQuery } },
      async (req) => {
        const [bb, raw] = await Promise.all([bbOf(req), rawOf(req)]);
        return pullRequestDiffstat(bb, raw, repoOf(req.params), req.params.pr_id, req.query);
      },
    );

    app.get(
      paths.bitbucketActivity,
      { schema: { tags, summary: 'A pull request’s activity', params: prParams, querystring: listQuery } },
      async (req) => listPullRequestActivity(await bbOf(req), repoOf(req.params), req.params.pr_id, req.query),
    );
  };
