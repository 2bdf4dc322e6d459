import { z } from 'zod';

/** Request schemas of the normalized Jira API (routes/jira.ts). */
export const jiraParams = z.object({ connection_id: z.string().min(1).max(100) });

export const issueParams = jiraParams.extend({
  issue_key: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'an issue key (ABC-1) or id'),
});

/**
 * Rich text format: `markdown` (the default; `text` is its older name, still accepted), or the deployment's
 * native format untouched — `adf` on Jira Cloud, `wiki` on Data Center (the other one is refused: VALIDATION).
 */
const format = z.enum(['markdown', 'text', 'adf', 'wiki']).default('markdown');
const limit = z.coerce.number().int().min(1).max(100).default(50);
const cursor = z.string().min(1).max(4000).optional();

export const formatQuery = z.object({ format });

export const searchQuery = z.object({ jql: z.string().trim().min(1).max(10_000), limit, cursor, format });

export const exportQuery = z.object({
  jql: z.string().trim().min(1).max(10_000),
  format,
  max: z.coerce.number().int().min(1).max(1_000_000).optional(),
});

export const projectsQuery = z.object({ limit, cursor, query: z.string().min(1).max(200).optional() });

export const commentsQuery = z.object({ limit, cursor, format });

/** Rich text: a string (Markdown, or wiki markup with format=wiki), or with format=adf an ADF document. */
const richText = z.union([z.string().max(100_000), z.record(z.string(), z.unknown())]);

export const createIssueBody = z
  .object({
    project_key: z.string().min(1).max(100),
    issue_type: z.string().min(1).max(100),
    summary: z.string().trim().min(1).max(255),
    description: richText.nullable().optional(),
    labels: z.array(z.string().min(1).max(255)).max(100).optional(),
  })
  .strict();

export const updateIssueBody = z
  .object({
    summary: z.string().trim().min(1).max(255).optional(),
    description: richText.nullable().optional(),
    labels: z.array(z.string().min(1).max(255)).max(100).optional(),
  })
  .strict();

export const transitionBody = z.object({ transition_id: z.string().regex(/^[0-9]{1,20}$/) }).strict();

export const commentBody = z.object({ body: richText }).strict();
