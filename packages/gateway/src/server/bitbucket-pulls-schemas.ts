import { z } from 'zod';
import { prParams } from './bitbucket-schemas.js';

/** Request schemas of the pull request extras of the Bitbucket API (routes/bitbucket-pulls.ts). */

export const commentParams = prParams.extend({
  comment_id: z.string().regex(/^[0-9]{1,20}$/, 'a comment id'),
});

const branch = z.string().trim().min(1).max(255);

export const updatePullRequestBody = z
  .object({
    title: z.string().trim().min(1).max(255).optional(),
    description: z.string().max(100_000).optional(),
    destination_branch: branch.optional(),
    /** The whole new list: Cloud `{uuid}` or account id, Data Center user name. */
    reviewers: z.array(z.string().trim().min(1).max(200)).max(100).optional(),
    /** Data Center: the version read (a stale one is CONFLICT); ignored on Cloud, which has none. */
    version: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).some((k) => k !== 'version'), { message: 'nothing to change' });

export const editCommentBody = z.object({ body: z.string().trim().min(1).max(100_000) }).strict();
