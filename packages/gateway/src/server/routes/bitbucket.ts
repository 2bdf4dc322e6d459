import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime/runtime.js';
import {
  addPullRequestComment,
  createPullRequest,
  declinePullRequest,
  getPullRequest,
  listPullRequestComments,
  listPullRequests,
  mergePullRequest,
  setApproval,
} from '../../services/bitbucket/pulls.js';
import { bitbucketUser, getRepository, listRepositories, listWorkspaces } from '../../services/bitbucket/repos.js';
import {
  bitbucketParams,
  commentBody,
  createPullRequestBody,
  listQuery,
  mergeBody,
  prParams,
  pullRequestsQuery,
  repoParams,
  workspaceParams,
} from '../bitbucket-schemas.js';
import { bitbucketAccess, repoOf, tags } from './bitbucket-common.js';

/** `/v1/connections/{id}/bitbucket/…`: the normalized Bitbucket API (docs/bitbucket-api.md), thin over services. */
export const bitbucketRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const { bbOf } = bitbucketAccess(runtime);

    app.get(
      paths.bitbucketUser,
      { schema: { tags, summary: 'The Bitbucket user of the connection', params: bitbucketParams } },
      async (req) => bitbucketUser(await bbOf(req)),
    );

    app.get(
      paths.bitbucketWorkspaces,
      {
        schema: {
          tags,
          summary: 'List workspaces (Data Center: projects)',
          params: bitbucketParams,
          querystring: listQuery,
        },
      },
      async (req) => listWorkspaces(await bbOf(req), req.query),
    );

    app.get(
      paths.bitbucketRepositories,
      { schema: { tags, summary: 'List a workspace’s repositories', params: workspaceParams, querystring: listQuery } },
      async (req) => listRepositories(await bbOf(req), req.params.workspace, req.query),
    );

    app.get(
      paths.bitbucketRepository,
      { schema: { tags, summary: 'Get a repository', params: repoParams } },
      async (req) => getRepository(await bbOf(req), req.params.workspace, req.params.repo),
    );

    app.get(
      paths.bitbucketPullRequests,
      {
        schema: { tags, summary: 'List pull requests by state', params: repoParams, querystring: pullRequestsQuery },
      },
      async (req) => listPullRequests(await bbOf(req), repoOf(req.params), req.query),
    );

    app.post(
      paths.bitbucketPullRequests,
      { schema: { tags, summary: 'Create a pull request', params: repoParams, body: createPullRequestBody } },
      async (req, reply) =>
        reply.status(201).send(await createPullRequest(await bbOf(req), repoOf(req.params), req.body)),
    );

    app.get(
      paths.bitbucketPullRequest,
      { schema: { tags, summary: 'Get a pull request', params: prParams } },
      async (req) => getPullRequest(await bbOf(req), repoOf(req.params), req.params.pr_id),
    );

    app.post(
      paths.bitbucketApprove,
      { schema: { tags, summary: 'Approve a pull request', params: prParams } },
      async (req, reply) => {
        await setApproval(await bbOf(req), repoOf(req.params), req.params.pr_id, true);
        return reply.status(204).send();
      },
    );

    app.delete(
      paths.bitbucketApprove,
      { schema: { tags, summary: 'Withdraw an approval', params: prParams } },
      async (req, reply) => {
        await setApproval(await bbOf(req), repoOf(req.params), req.params.pr_id, false);
        return reply.status(204).send();
      },
    );

    app.post(
      paths.bitbucketDecline,
      { schema: { tags, summary: 'Decline a pull request', params: prParams } },
      async (req) => declinePullRequest(await bbOf(req), repoOf(req.params), req.params.pr_id),
    );

    app.post(
      paths.bitbucketMerge,
      { schema: { tags, summary: 'Merge a pull request', params: prParams, body: mergeBody } },
      async (req) => mergePullRequest(await bbOf(req), repoOf(req.params), req.params.pr_id, req.body ?? {}),
    );

    app.get(
      paths.bitbucketComments,
      { schema: { tags, summary: 'List a pull request’s comments', params: prParams, querystring: listQuery } },
      async (req) => listPullRequestComments(await bbOf(req), repoOf(req.params), req.params.pr_id, req.query),
    );

    app.post(
      paths.bitbucketComments,
      { schema: { tags, summary: 'Comment on a pull request (Markdown)', params: prParams, body: commentBody } },
      async (req, reply) =>
        reply
          .status(201)
          .send(await addPullRequestComment(await bbOf(req), repoOf(req.params), req.params.pr_id, req.body)),
    );
  };
