import { type BitbucketWorkspaceSummary, paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { cacheKey, TtlCache } from '../../http/ttl-cache.js';
import type { Runtime } from '../../runtime/runtime.js';
import { createIssue, getIssue, listIssues } from '../../services/bitbucket/issues.js';
import { openStepLog } from '../../services/bitbucket/pipeline-log.js';
import {
  getPipeline,
  listPipelines,
  listSteps,
  runPipeline,
  stopPipeline,
} from '../../services/bitbucket/pipelines.js';
import { workspaceSummary } from '../../services/bitbucket/summary.js';
import {
  createIssueBody,
  issueParams,
  issuesQuery,
  pipelineParams,
  pipelinesQuery,
  runPipelineBody,
  stepParams,
  summaryParams,
  summaryQuery,
} from '../bitbucket-pipelines-schemas.js';
import { listQuery, repoParams } from '../bitbucket-schemas.js';
import { principalOf } from '../plugins/authenticate.js';
import { bitbucketAccess, repoOf, tags } from './bitbucket-common.js';

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** Seven days ago, rounded down to the minute: calls within a minute share one cache entry. */
const defaultSince = () => new Date(Math.floor((Date.now() - WEEK_MS) / 60_000) * 60_000).toISOString();

/**
 * Bitbucket Cloud pipelines and issues of a repository, and a workspace's dashboard counts
 * (docs/bitbucket-api.md, "Pipelines, issues and summary"). Data Center: pipelines and issues are refused
 * with VALIDATION; the summary answers without pipelines.
 */
export const bitbucketPipelinesRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const { deps, bbOf } = bitbucketAccess(runtime);
    const summaries = new TtlCache<BitbucketWorkspaceSummary>({ ttlMs: 60_000, maxEntries: 500 });

    app.get(
      paths.bitbucketPipelines,
      {
        schema: {
          tags,
          summary: 'List pipelines, newest first (Cloud)',
          params: repoParams,
          querystring: pipelinesQuery,
        },
      },
      async (req) => listPipelines(await bbOf(req), repoOf(req.params), req.query),
    );

    app.post(
      paths.bitbucketPipelines,
      { schema: { tags, summary: 'Run a pipeline on a branch (Cloud)', params: repoParams, body: runPipelineBody } },
      async (req, reply) => reply.status(201).send(await runPipeline(await bbOf(req), repoOf(req.params), req.body)),
    );

    app.get(
      paths.bitbucketPipeline,
      { schema: { tags, summary: 'Get a pipeline (Cloud)', params: pipelineParams } },
      async (req) => getPipeline(await bbOf(req), repoOf(req.params), req.params.pipeline_id),
    );

    app.post(
      paths.bitbucketPipelineStop,
      { schema: { tags, summary: 'Stop a pipeline (Cloud)', params: pipelineParams } },
      async (req, reply) => {
        await stopPipeline(await bbOf(req), repoOf(req.params), req.params.pipeline_id);
        return reply.status(204).send();
      },
    );

    app.get(
      paths.bitbucketPipelineSteps,
      { schema: { tags, summary: 'List a pipeline’s steps (Cloud)', params: pipelineParams, querystring: listQuery } },
      async (req) => listSteps(await bbOf(req), repoOf(req.params), req.params.pipeline_id, req.query),
    );

    app.get(
      paths.bitbucketPipelineStepLog,
      {
        schema: {
          tags,
          summary: 'A step’s log as text/plain, streamed (Cloud; one `Range: bytes=…` is passed on)',
          params: stepParams,
        },
      },
      async (req, reply) => {
        const log = await openStepLog(
          { ...deps, upstream: runtime.upstream },
          { tenantId: principalOf(req).tenant.id, connectionId: req.params.connection_id },
          repoOf(req.params),
          req.params.pipeline_id,
          req.params.step_id,
          req.headers.range,
        );
        return reply.code(log.status).headers(log.headers).send(log.body);
      },
    );

    app.get(
      paths.bitbucketIssues,
      {
        schema: {
          tags,
          summary: 'List issues of the repository’s tracker (Cloud)',
          params: repoParams,
          querystring: issuesQuery,
        },
      },
      async (req) => listIssues(await bbOf(req), repoOf(req.params), req.query),
    );

    app.post(
      paths.bitbucketIssues,
      { schema: { tags, summary: 'Create an issue (Cloud, Markdown)', params: repoParams, body: createIssueBody } },
      async (req, reply) => reply.status(201).send(await createIssue(await bbOf(req), repoOf(req.params), req.body)),
    );

    app.get(
      paths.bitbucketIssue,
      { schema: { tags, summary: 'Get an issue (Cloud)', params: issueParams } },
      async (req) => getIssue(await bbOf(req), repoOf(req.params), req.params.issue_id),
    );

    app.get(
      paths.bitbucketWorkspaceSummary,
      {
        schema: {
          tags,
          summary: 'Dashboard counts of a workspace: repositories, open pull requests, pipelines by state',
          params: summaryParams,
          querystring: summaryQuery,
        },
      },
      async (req) => {
        // The transport checks that the connection is this tenant's before any cached answer is served.
        const bb = await bbOf(req);
        const since = req.query.since ?? defaultSince();
        const limit = req.query.repositories_limit;
        const tenantId = principalOf(req).tenant.id;
        const key = cacheKey(req.params.connection_id, tenantId, 'summary', req.params.workspace, since, String(limit));
        return summaries.get(key, () =>
          workspaceSummary(bb, req.params.workspace, { since, repositoriesLimit: limit }),
        );
      },
    );
  };
