import type { BitbucketIssue, BitbucketIssueKind, BitbucketIssuePriority, Page } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { at, compact, isoTime, num, str } from '../../webhooks/json.js';
import { cloudLinks, cloudUser } from '../../webhooks/providers/bitbucket-cloud-shapes.js';
import { listPage } from './pages.js';
import { type RepoRef, requireCloud } from './pipelines.js';
import { repoPath } from './repos.js';
import type { BitbucketTransport } from './transport.js';

/**
 * The issue tracker of a Bitbucket Cloud repository (`…/issues`), when the repository has one enabled. Data
 * Center has no issue tracker (its repositories use Jira).
 */

const KINDS: readonly BitbucketIssueKind[] = ['bug', 'enhancement', 'proposal', 'task'];
const PRIORITIES: readonly BitbucketIssuePriority[] = ['trivial', 'minor', 'major', 'critical', 'blocker'];

const oneOf = <T extends string>(list: readonly T[], value: unknown): T | null => list.find((v) => v === value) ?? null;

export function cloudIssue(value: unknown): BitbucketIssue | null {
  const issueId = num(at(value, 'id'));
  const title = str(at(value, 'title'));
  if (issueId === null || title === null) return null;
  const markup = str(at(value, 'content', 'markup'));
  return {
    id: issueId,
    title,
    content: str(at(value, 'content', 'raw')),
    content_format: markup === 'plaintext' ? 'plain' : markup === 'creole' ? 'creole' : 'markdown',
    kind: oneOf(KINDS, at(value, 'kind')),
    priority: oneOf(PRIORITIES, at(value, 'priority')),
    state: str(at(value, 'state')),
    reporter: cloudUser(at(value, 'reporter')),
    assignee: cloudUser(at(value, 'assignee')),
    created_at: isoTime(at(value, 'created_on')),
    updated_at: isoTime(at(value, 'updated_on')),
    vendor_ids: compact({ id: issueId, repository_uuid: str(at(value, 'repository', 'uuid')) }),
    links: cloudLinks(value),
  };
}

/**
 * Cloud answers 404 both for a missing repository and for one whose issue tracker is off (the spec says so;
 * the message tells which). Either way the caller learns the likely cause instead of a bare "HTTP 404".
 */
async function explained<T>(r: RepoRef, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'VENDOR_ERROR' || err.status !== 404) throw err;
    const repo = `${r.workspace}/${r.repo}`;
    const tracker = /issue tracker/i.test(err.message);
    const cause = tracker
      ? `${repo} has no issue tracker: enable it in the repository settings (Features → Issue tracker) on Bitbucket Cloud.`
      : `Bitbucket found no ${what}: the repository ${repo} does not exist, its issue tracker is disabled, or the issue does not exist.`;
    throw new AppError('VENDOR_ERROR', `${cause} (${err.message})`, {
      status: 404,
      details: [
        tracker
          ? { path: 'repo', message: 'no issue tracker' }
          : { path: what.startsWith('issue #') ? 'issue_id' : 'repo', message: 'not found' },
      ],
      cause: err,
    });
  }
}

function readIssue(value: unknown): BitbucketIssue {
  const issue = cloudIssue(value);
  if (issue === null)
    throw new AppError('VENDOR_ERROR', 'Bitbucket answered an issue Switchyard cannot read.', { status: 502 });
  return issue;
}

const issuesPath = (bb: BitbucketTransport, r: RepoRef) => `${repoPath(bb, r.workspace, r.repo)}/issues`;

/** `q` is Bitbucket's filter language, passed as is (`state="new" AND kind="bug"`). */
export function listIssues(
  bb: BitbucketTransport,
  r: RepoRef,
  q: { limit: number; cursor?: string | undefined; q?: string | undefined },
): Promise<Page<BitbucketIssue>> {
  requireCloud(bb, 'issue tracker');
  return explained(r, 'issues', () =>
    listPage(bb, issuesPath(bb, r), { ...q, query: { q: q.q, sort: '-created_on' } }, cloudIssue),
  );
}

export async function getIssue(bb: BitbucketTransport, r: RepoRef, issueId: number): Promise<BitbucketIssue> {
  requireCloud(bb, 'issue tracker');
  return readIssue(await explained(r, `issue #${issueId}`, () => bb.send('GET', `${issuesPath(bb, r)}/${issueId}`)));
}

export interface CreateIssue {
  title: string;
  /** Markdown. */
  content?: string | undefined;
  kind?: BitbucketIssueKind | undefined;
  priority?: BitbucketIssuePriority | undefined;
  assignee_account_id?: string | undefined;
}

/** `type` on the issue and the assignee: the 2.0 spec's base `object` requires it. */
export async function createIssue(bb: BitbucketTransport, r: RepoRef, body: CreateIssue): Promise<BitbucketIssue> {
  requireCloud(bb, 'issue tracker');
  const sent = {
    type: 'issue',
    title: body.title,
    ...(body.content === undefined ? {} : { content: { raw: body.content, markup: 'markdown' } }),
    ...(body.kind === undefined ? {} : { kind: body.kind }),
    ...(body.priority === undefined ? {} : { priority: body.priority }),
    ...(body.assignee_account_id === undefined
      ? {}
      : { assignee: { type: 'user', account_id: body.assignee_account_id } }),
  };
  return readIssue(await explained(r, 'issue tracker', () => bb.send('POST', issuesPath(bb, r), { body: sent })));
}
