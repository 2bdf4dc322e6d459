import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime/runtime.js';
import { listAllRepositories } from '../../services/bitbucket/all-repos.js';
import { searchCode } from '../../services/bitbucket/code-search.js';
import { getCommit, listCommits } from '../../services/bitbucket/commits.js';
import {
  addInsightAnnotations,
  deleteInsightReport,
  getInsightReport,
  putInsightReport,
} from '../../services/bitbucket/insights.js';
import { createBranch, listBranches } from '../../services/bitbucket/refs.js';
import { readSource } from '../../services/bitbucket/src.js';
import { listBuildStatuses, setBuildStatus } from '../../services/bitbucket/statuses.js';
import {
  allReposQuery,
  annotationsBody,
  bitbucketParams,
  branchesQuery,
  codeSearchQuery,
  commitParams,
  commitsQuery,
  createBranchBody,
  putReportBody,
  reportParams,
  setStatusBody,
  sourceParams,
  sourceQuery,
  workspaceParams,
} from '../bitbucket-repo-schemas.js';
import { listQuery, repoParams } from '../bitbucket-schemas.js';
import { bitbucketAccess, repoOf, tags } from './bitbucket-common.js';

/** The vendor headers a streamed file keeps: what describes the bytes, nothing about the vendor's session. */
const FILE_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'etag',
  'last-modified',
  'content-disposition',
];

/**
 * Repository content of the normalized Bitbucket API (docs/bitbucket-api.md, "Repository content"): branches,
 * commits, files, build statuses, Code Insights, code search and the cross-workspace repository list.
 */
export const bitbucketRepoRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const { bbOf } = bitbucketAccess(runtime);

    app.get(
      paths.bitbucketAllRepositories,
      {
        schema: {
          tags,
          summary: 'List the repositories of every workspace (Data Center: every project) the connection sees',
          params: bitbucketParams,
          querystring: allReposQuery,
        },
      },
      async (req) => listAllRepositories(await bbOf(req), req.query),
    );

    app.get(
      paths.bitbucketBranches,
      { schema: { tags, summary: 'List branches', params: repoParams, querystring: branchesQuery } },
      async (req) => listBranches(await bbOf(req), repoOf(req.params), req.query),
    );

    app.post(
      paths.bitbucketBranches,
      {
        schema: {
          tags,
          summary: 'Create a branch from a branch, tag or commit',
          params: repoParams,
          body: createBranchBody,
        },
      },
      async (req, reply) => reply.status(201).send(await createBranch(await bbOf(req), repoOf(req.params), req.body)),
    );

    app.get(
      paths.bitbucketCommits,
      { schema: { tags, summary: 'List commits reachable from a ref', params: repoParams, querystring: commitsQuery } },
      async (req) =>
        listCommits(await bbOf(req), repoOf(req.params), {
          limit: req.query.limit,
          cursor: req.query.cursor,
          ref: req.query.ref ?? req.query.branch,
        }),
    );

    app.get(paths.bitbucketCommit, { schema: { tags, summary: 'Get a commit', params: commitParams } }, async (req) =>
      getCommit(await bbOf(req), repoOf(req.params), req.params.hash),
    );

    app.get(
      `${paths.bitbucketSource}/*`,
      {
        schema: {
          tags,
          summary: 'A file at a ref, streamed as is (a Cloud directory answers a page of entries)',
          params: sourceParams,
          querystring: sourceQuery,
        },
      },
      async (req, reply) => {
        const p = req.params;
        const source = await readSource(await bbOf(req), repoOf(p), p.ref, p['*'], req.query);
        if (source.kind === 'directory') return source.page;
        const headers: Record<string, string> = {};
        for (const name of FILE_HEADERS) {
          const v = source.file.headers[name];
          if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(', ') : v;
        }
        return reply.code(200).headers(headers).send(source.file.body);
      },
    );

    app.get(
      paths.bitbucketBuildStatuses,
      {
        schema: { tags, summary: 'List the build statuses of a commit', params: commitParams, querystring: listQuery },
      },
      async (req) => listBuildStatuses(await bbOf(req), repoOf(req.params), req.params.hash, req.query),
    );

    app.post(
      paths.bitbucketBuildStatuses,
      {
        schema: {
          tags,
          summary: 'Set the build status of a commit (by key)',
          params: commitParams,
          body: setStatusBody,
        },
      },
      async (req, reply) =>
        reply.status(201).send(await setBuildStatus(await bbOf(req), repoOf(req.params), req.params.hash, req.body)),
    );

    const report = (p: { hash: string; report_key: string }) => [p.hash, p.report_key] as const;

    app.put(
      paths.bitbucketInsightReport,
      {
        schema: {
          tags,
          summary: 'Create or replace a Code Insights report',
          params: reportParams,
          body: putReportBody,
        },
      },
      async (req) => putInsightReport(await bbOf(req), repoOf(req.params), ...report(req.params), req.body),
    );

    app.get(
      paths.bitbucketInsightReport,
      { schema: { tags, summary: 'Get a Code Insights report', params: reportParams } },
      async (req) => getInsightReport(await bbOf(req), repoOf(req.params), ...report(req.params)),
    );

    app.delete(
      paths.bitbucketInsightReport,
      { schema: { tags, summary: 'Delete a Code Insights report and its annotations', params: reportParams } },
      async (req, reply) => {
        await deleteInsightReport(await bbOf(req), repoOf(req.params), ...report(req.params));
        return reply.status(204).send();
      },
    );

    app.post(
      paths.bitbucketInsightAnnotations,
      {
        schema: {
          tags,
          summary: 'Add annotations to a Code Insights report',
          params: reportParams,
          body: annotationsBody,
        },
      },
      async (req, reply) => {
        await addInsightAnnotations(await bbOf(req), repoOf(req.params), ...report(req.params), req.body.annotations);
        return reply.status(204).send();
      },
    );

    app.get(
      paths.bitbucketCodeSearch,
      {
        schema: {
          tags,
          summary: 'Search code in a workspace (Cloud)',
          params: workspaceParams,
          querystring: codeSearchQuery,
        },
      },
      async (req) => searchCode(await bbOf(req), req.params.workspace, req.query),
    );
  };
