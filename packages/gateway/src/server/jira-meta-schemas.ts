import { z } from 'zod';
import { jiraParams } from './jira-schemas.js';

/** Request schemas of the Jira create-metadata and user routes (routes/jira-meta.ts). */

const projectKey = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'a project key (ABC) or id');

export const projectParams = jiraParams.extend({ project_key: projectKey });

export const issueTypeParams = projectParams.extend({
  issue_type_id: z.string().regex(/^[0-9]{1,20}$/, 'an issue type id (from …/issue-types)'),
});

const limit = z.coerce.number().int().min(1).max(100).default(50);
const cursor = z.string().min(1).max(4000).optional();

export const metaQuery = z.object({ limit, cursor });

export const usersQuery = z
  .object({
    query: z.string().trim().min(1).max(200).optional(),
    project: projectKey.optional(),
    issue_key: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, 'an issue key (ABC-1) or id')
      .optional(),
    limit,
    cursor,
  })
  // Jira answers assignable users only for a project or an issue.
  .refine((q) => q.project !== undefined || q.issue_key !== undefined, {
    message: 'Name a project (or an issue_key) whose assignable users to search',
    path: ['project'],
  });
