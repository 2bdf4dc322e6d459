import { z } from 'zod';

/** Request schemas of the normalized Bitbucket API (routes/bitbucket.ts). */
export const bitbucketParams = z.object({ connection_id: z.string().min(1).max(100) });

/** A Cloud workspace slug (or `{uuid}`), or a Data Center project key (`~user` for a personal project). */
const workspace = z.string().regex(/^[~{}A-Za-z0-9_.-]{1,100}$/, 'a workspace slug or project key');

export const workspaceParams = bitbucketParams.extend({ workspace });

export const repoParams = workspaceParams.extend({
  repo: z.string().regex(/^[{}A-Za-z0-9_.-]{1,128}$/, 'a repository slug'),
});

export const prParams = repoParams.extend({
  pr_id: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31),
});

const limit = z.coerce.number().int().min(1).max(50).default(25);
const cursor = z.string().min(1).max(4000).optional();

export const listQuery = z.object({ limit, cursor });

export const pullRequestsQuery = z.object({
  limit,
  cursor,
  state: z.enum(['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED', 'ALL']).default('OPEN'),
});

const branch = z.string().trim().min(1).max(255);

export const createPullRequestBody = z
  .object({
    title: z.string().trim().min(1).max(255),
    source_branch: branch,
    destination_branch: branch,
    description: z.string().max(100_000).optional(),
    close_source_branch: z.boolean().optional(),
    /** Cloud: `{uuid}` or account id; Data Center: user name (services/bitbucket/pulls.ts). */
    reviewers: z.array(z.string().trim().min(1).max(200)).max(100).optional(),
  })
  .strict();

export const mergeBody = z
  .object({
    strategy: z.enum(['merge_commit', 'squash', 'fast_forward']).optional(),
    message: z.string().max(10_000).optional(),
  })
  .strict()
  .nullish();

export const commentBody = z
  .object({
    body: z.string().trim().min(1).max(100_000),
    parent_id: z
      .string()
      .regex(/^[0-9]{1,20}$/)
      .optional(),
    /** On a line of a file of the diff (services/bitbucket/pull-comments.ts). */
    inline: z
      .object({
        path: z.string().min(1).max(4096).regex(/^[^/]/, 'a path in the repository, without a leading /'),
        line: z.number().int().min(1).max(10_000_000),
        side: z.enum(['new', 'old']).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
