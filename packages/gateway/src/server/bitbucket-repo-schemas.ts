import { z } from 'zod';
import { bitbucketParams, listQuery, repoParams, workspaceParams } from './bitbucket-schemas.js';

/** Request schemas of the repository-content routes (routes/bitbucket-repo.ts). */

const limit = z.coerce.number().int().min(1).max(50).default(25);
const cursor = z.string().min(1).max(4000).optional();

/** A full or abbreviated commit hash. */
const hash = z.string().regex(/^[0-9a-fA-F]{7,64}$/, 'a commit hash');

/** A branch, tag or commit: git's ref rules, loosely (no spaces, control characters, `..`, `~^:?*[\\`). */
const ref = z
  .string()
  .min(1)
  .max(255)
  .regex(/^(?!.*\.\.)[^\s~^:?*[\\]+$/, 'a branch, tag or commit');

export const commitParams = repoParams.extend({ hash });

export const reportParams = commitParams.extend({
  report_key: z.string().regex(/^[A-Za-z0-9_.:-]{1,255}$/, 'a report key'),
});

export const sourceParams = repoParams.extend({ ref, '*': z.string().max(4000) });

export const allReposQuery = z.object({ limit, cursor, q: z.string().trim().min(1).max(255).optional() });

export const branchesQuery = z.object({ limit, cursor, filter: z.string().trim().min(1).max(255).optional() });

export const createBranchBody = z.object({ name: ref, from: ref }).strict();

export const commitsQuery = z
  .object({ limit, cursor, ref: ref.optional(), branch: ref.optional() })
  .refine((q) => q.ref === undefined || q.branch === undefined, { message: 'ref or branch, not both', path: ['ref'] });

export const sourceQuery = listQuery;

export const setStatusBody = z
  .object({
    key: z.string().trim().min(1).max(255),
    state: z.enum(['SUCCESSFUL', 'FAILED', 'INPROGRESS', 'STOPPED']),
    url: z.string().url().max(450),
    name: z.string().max(255).optional(),
    description: z.string().max(1000).optional(),
    ref: ref.optional(),
  })
  .strict();

const reportData = z
  .object({
    title: z.string().min(1).max(255),
    type: z.enum(['BOOLEAN', 'DATE', 'DURATION', 'LINK', 'NUMBER', 'PERCENTAGE', 'TEXT']),
    value: z.unknown(),
  })
  .strict();

export const putReportBody = z
  .object({
    title: z.string().trim().min(1).max(450),
    details: z.string().max(2000).optional(),
    result: z.enum(['PASS', 'FAIL', 'PENDING']).optional(),
    reporter: z.string().max(450).optional(),
    link: z.string().url().max(2000).optional(),
    logo_url: z.string().url().max(2000).optional(),
    report_type: z.enum(['SECURITY', 'COVERAGE', 'TEST', 'BUG']).optional(),
    // Data Center keeps at most 6 figures per report.
    data: z.array(reportData).max(6).optional(),
  })
  .strict();

const annotation = z
  .object({
    external_id: z.string().min(1).max(450),
    message: z.string().min(1).max(2000),
    severity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
    type: z.enum(['VULNERABILITY', 'CODE_SMELL', 'BUG']),
    path: z.string().min(1).max(50_000).optional(),
    line: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31)
      .optional(),
    link: z.string().url().max(2000).optional(),
    details: z.string().max(10_000).optional(),
  })
  .strict();

/** Cloud takes at most 100 annotations per call. */
export const annotationsBody = z.object({ annotations: z.array(annotation).min(1).max(100) }).strict();

export const codeSearchQuery = z.object({ limit, cursor, q: z.string().trim().min(1).max(1000) });

export { bitbucketParams, workspaceParams };
