import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime/runtime.js';
import { listCreateFields, listIssueTypes, searchAssignableUsers } from '../../services/jira/meta.js';
import { connectionJira } from '../../services/jira/transport.js';
import { issueTypeParams, metaQuery, projectParams, usersQuery } from '../jira-meta-schemas.js';
import { jiraParams } from '../jira-schemas.js';
import { principalOf } from '../plugins/authenticate.js';

/** `/v1/connections/{id}/jira/…` create metadata and assignable users (docs/jira-api.md), over services/jira/meta. */
export const jiraMetaRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const deps = { config: runtime.config, outbound: runtime.outbound, targets: runtime.targets };
    const jiraOf = (req: Parameters<typeof principalOf>[0] & { params: { connection_id: string } }) =>
      connectionJira(deps, principalOf(req).tenant.id, req.params.connection_id);
    const tags = ['jira'];

    app.get(
      paths.jiraIssueTypes,
      {
        schema: {
          tags,
          summary: 'The issue types a project can create (create metadata)',
          params: projectParams,
          querystring: metaQuery,
        },
      },
      async (req) => listIssueTypes(await jiraOf(req), req.params.project_key, req.query),
    );

    app.get(
      paths.jiraIssueTypeFields,
      {
        schema: {
          tags,
          summary: 'The fields of an issue type’s create screen in a project (create metadata)',
          params: issueTypeParams,
          querystring: metaQuery,
        },
      },
      async (req) => listCreateFields(await jiraOf(req), req.params.project_key, req.params.issue_type_id, req.query),
    );

    app.get(
      paths.jiraUsers,
      {
        schema: {
          tags,
          summary: 'Search the users assignable in a project (or on an issue)',
          params: jiraParams,
          querystring: usersQuery,
        },
      },
      async (req) => searchAssignableUsers(await jiraOf(req), req.query),
    );
  };
