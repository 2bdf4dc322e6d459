import { Readable } from 'node:stream';
import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime/runtime.js';
import { startIssueExport } from '../../services/jira/export.js';
import {
  addComment,
  listComments,
  listProjects,
  listTransitions,
  myself,
  transitionIssue,
} from '../../services/jira/extras.js';
import { createIssue, deleteIssue, getIssue, searchIssues, updateIssue } from '../../services/jira/issues.js';
import { connectionJira } from '../../services/jira/transport.js';
import {
  commentBody,
  commentsQuery,
  createIssueBody,
  exportQuery,
  formatQuery,
  issueParams,
  jiraParams,
  projectsQuery,
  searchQuery,
  transitionBody,
  updateIssueBody,
} from '../jira-schemas.js';
import { principalOf } from '../plugins/authenticate.js';

/** `/v1/connections/{id}/jira/…`: the normalized Jira API (docs/jira-api.md), thin over services/jira. */
export const jiraRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const deps = { config: runtime.config, outbound: runtime.outbound, targets: runtime.targets };
    const jiraOf = (req: Parameters<typeof principalOf>[0] & { params: { connection_id: string } }) =>
      connectionJira(deps, principalOf(req).tenant.id, req.params.connection_id);
    const tags = ['jira'];

    app.get(
      paths.jiraMyself,
      { schema: { tags, summary: 'The Jira user of the connection', params: jiraParams } },
      async (req) => myself(await jiraOf(req)),
    );

    app.get(
      paths.jiraProjects,
      {
        schema: {
          tags,
          summary: 'List Jira projects (query: key or name)',
          params: jiraParams,
          querystring: projectsQuery,
        },
      },
      async (req) => listProjects(await jiraOf(req), req.query),
    );

    app.get(
      paths.jiraIssues,
      { schema: { tags, summary: 'Search issues by (bounded) JQL', params: jiraParams, querystring: searchQuery } },
      async (req) => searchIssues(await jiraOf(req), req.query),
    );

    app.get(
      paths.jiraIssuesExport,
      {
        schema: {
          tags,
          summary: 'Export every issue of a JQL query as NDJSON (issue, progress and end lines)',
          params: jiraParams,
          querystring: exportQuery,
        },
      },
      async (req, reply) => {
        const stop = new AbortController();
        req.raw.once('close', () => stop.abort());
        const lines = await startIssueExport(await jiraOf(req), req.query, stop.signal);
        return reply
          .type('application/x-ndjson; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(Readable.from(lines, { objectMode: false }));
      },
    );

    app.post(
      paths.jiraIssues,
      {
        schema: {
          tags,
          summary: 'Create an issue',
          params: jiraParams,
          querystring: formatQuery,
          body: createIssueBody,
        },
      },
      async (req, reply) => reply.status(201).send(await createIssue(await jiraOf(req), req.body, req.query.format)),
    );

    app.get(
      paths.jiraIssue,
      { schema: { tags, summary: 'Get an issue', params: issueParams, querystring: formatQuery } },
      async (req) => getIssue(await jiraOf(req), req.params.issue_key, req.query.format),
    );

    app.patch(
      paths.jiraIssue,
      {
        schema: {
          tags,
          summary: 'Update an issue’s summary, description or labels',
          params: issueParams,
          querystring: formatQuery,
          body: updateIssueBody,
        },
      },
      async (req) => updateIssue(await jiraOf(req), req.params.issue_key, req.body, req.query.format),
    );

    app.delete(
      paths.jiraIssue,
      { schema: { tags, summary: 'Delete an issue', params: issueParams } },
      async (req, reply) => {
        await deleteIssue(await jiraOf(req), req.params.issue_key);
        return reply.status(204).send();
      },
    );

    app.get(
      paths.jiraTransitions,
      { schema: { tags, summary: 'The transitions available on an issue', params: issueParams } },
      async (req) => ({ items: await listTransitions(await jiraOf(req), req.params.issue_key) }),
    );

    app.post(
      paths.jiraTransitions,
      { schema: { tags, summary: 'Move an issue through a transition', params: issueParams, body: transitionBody } },
      async (req, reply) => {
        await transitionIssue(await jiraOf(req), req.params.issue_key, req.body.transition_id);
        return reply.status(204).send();
      },
    );

    app.get(
      paths.jiraComments,
      { schema: { tags, summary: 'List an issue’s comments', params: issueParams, querystring: commentsQuery } },
      async (req) => listComments(await jiraOf(req), req.params.issue_key, req.query),
    );

    app.post(
      paths.jiraComments,
      {
        schema: {
          tags,
          summary: 'Comment on an issue',
          params: issueParams,
          querystring: formatQuery,
          body: commentBody,
        },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(await addComment(await jiraOf(req), req.params.issue_key, req.body.body, req.query.format)),
    );
  };
