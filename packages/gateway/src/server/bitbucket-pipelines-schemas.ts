import { z } from 'zod';
import { PIPELINE_FILTERS, type PipelineFilter } from '../services/bitbucket/pipelines.js';
import { listQuery, repoParams, workspaceParams } from './bitbucket-schemas.js';

/** Request schemas of the Bitbucket pipelines, issues and summary routes (routes/bitbucket-pipelines.ts). */

/** A Cloud pipeline or step uuid, with or without its braces (send `%7B…%7D` or leave them out). */
const uuid = z
  .string()
  .regex(/^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$/, 'a uuid');

export const pipelineParams = repoParams.extend({ pipeline_id: uuid });
export const stepParams = pipelineParams.extend({ step_id: uuid });

const filters = Object.keys(PIPELINE_FILTERS) as [PipelineFilter, ...PipelineFilter[]];

export const pipelinesQuery = listQuery.extend({ status: z.enum(filters).optional() });

/** Pipelines variable names: letters, digits and underscores, not starting with a digit. */
const variable = z
  .object({
    key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'a variable name'),
    value: z.string().max(10_000),
    secured: z.boolean().optional(),
  })
  .strict();

export const runPipelineBody = z
  .object({
    branch: z.string().trim().min(1).max(255),
    pipeline: z.string().trim().min(1).max(255).optional(),
    variables: z.array(variable).max(100).optional(),
  })
  .strict();

export const issueParams = repoParams.extend({
  issue_id: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31),
});

export const issuesQuery = listQuery.extend({ q: z.string().min(1).max(2000).optional() });

export const createIssueBody = z
  .object({
    title: z.string().trim().min(1).max(255),
    content: z.string().max(100_000).optional(),
    kind: z.enum(['bug', 'enhancement', 'proposal', 'task']).optional(),
    priority: z.enum(['trivial', 'minor', 'major', 'critical', 'blocker']).optional(),
    assignee_account_id: z.string().min(1).max(128).optional(),
  })
  .strict();

export const summaryParams = workspaceParams;

export const summaryQuery = z.object({
  /** Default: seven days ago, rounded down to the minute (so that repeated calls share the short cache). */
  since: z.iso.datetime({ offset: true }).optional(),
  repositories_limit: z.coerce.number().int().min(1).max(100).default(50),
});
