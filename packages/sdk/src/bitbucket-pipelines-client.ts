import type { RepoAddress } from './bitbucket-client.js';
import type { ListQuery, Page } from './contract.js';
import { paths } from './contract.js';
import type {
  BitbucketIssue,
  BitbucketIssueKind,
  BitbucketIssuePriority,
  BitbucketWorkspaceSummary,
  Pipeline,
  PipelineStep,
} from './entities.js';
import { isErrorBody, SwitchyardError } from './errors.js';
import type { Requester } from './events-client.js';

/**
 * Bitbucket Cloud pipelines and issues, and a workspace's dashboard counts (docs/bitbucket-api.md). Data
 * Center connections get a VALIDATION error for pipelines and issues; the summary works on both.
 */

/** The states `pipelines()` can filter on. */
export type PipelineStatusFilter =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'PAUSED'
  | 'HALTED'
  | 'SUCCESSFUL'
  | 'FAILED'
  | 'STOPPED'
  | 'ERROR';

export interface RunPipelineBody {
  branch: string;
  /** A custom pipeline of bitbucket-pipelines.yml (`pipelines.custom.<name>`); default: the branch's own. */
  pipeline?: string;
  variables?: Array<{ key: string; value: string; secured?: boolean }>;
}

export interface CreateBitbucketIssueBody {
  title: string;
  /** Markdown. */
  content?: string;
  kind?: BitbucketIssueKind;
  priority?: BitbucketIssuePriority;
  assignee_account_id?: string;
}

export interface WorkspaceSummaryQuery {
  /** ISO-8601; default seven days ago. */
  since?: string;
  /** Repositories scanned at most (1–100, default 50). */
  repositories_limit?: number;
}

const fill = (path: string, params: Record<string, string>): string =>
  path.replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));

export const bitbucketPipelinesApi = (c: Requester) => {
  const at = (path: string, connectionId: string, r: RepoAddress, more: Record<string, string> = {}) =>
    fill(path, { connection_id: connectionId, workspace: r.workspace, repo: r.repo, ...more });
  const run = (id: string) => ({ pipeline_id: id });
  return {
    /** Newest first. */
    pipelines: (
      connectionId: string,
      r: RepoAddress,
      query: ListQuery & { status?: PipelineStatusFilter } = {},
    ): Promise<Page<Pipeline>> =>
      c.request('GET', at(paths.bitbucketPipelines, connectionId, r), undefined, { ...query }),
    pipeline: (connectionId: string, r: RepoAddress, pipelineId: string): Promise<Pipeline> =>
      c.request('GET', at(paths.bitbucketPipeline, connectionId, r, run(pipelineId))),
    runPipeline: (connectionId: string, r: RepoAddress, body: RunPipelineBody): Promise<Pipeline> =>
      c.request('POST', at(paths.bitbucketPipelines, connectionId, r), body),
    stopPipeline: async (connectionId: string, r: RepoAddress, pipelineId: string): Promise<void> => {
      await c.request('POST', at(paths.bitbucketPipelineStop, connectionId, r, run(pipelineId)));
    },
    pipelineSteps: (
      connectionId: string,
      r: RepoAddress,
      pipelineId: string,
      query: ListQuery = {},
    ): Promise<Page<PipelineStep>> =>
      c.request('GET', at(paths.bitbucketPipelineSteps, connectionId, r, run(pipelineId)), undefined, { ...query }),
    /**
     * A step's log as the gateway's streamed `text/plain` Response (206 for a `range` such as `bytes=0-1023`).
     * A non-2xx answer throws SwitchyardError.
     */
    stepLog: async (
      connectionId: string,
      r: RepoAddress,
      pipelineId: string,
      stepId: string,
      options: { range?: string; signal?: AbortSignal } = {},
    ): Promise<Response> => {
      const path = at(paths.bitbucketPipelineStepLog, connectionId, r, { ...run(pipelineId), step_id: stepId });
      const headers: Record<string, string> = options.range === undefined ? {} : { range: options.range };
      const res = await c.open(path, {}, headers, options.signal);
      if (res.ok) return res;
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      throw new SwitchyardError(res.status, isErrorBody(body) ? body : undefined, `HTTP ${res.status}`);
    },
    issues: (
      connectionId: string,
      r: RepoAddress,
      query: ListQuery & { q?: string } = {},
    ): Promise<Page<BitbucketIssue>> =>
      c.request('GET', at(paths.bitbucketIssues, connectionId, r), undefined, { ...query }),
    issue: (connectionId: string, r: RepoAddress, id: number): Promise<BitbucketIssue> =>
      c.request('GET', at(paths.bitbucketIssue, connectionId, r, { issue_id: String(id) })),
    createIssue: (connectionId: string, r: RepoAddress, body: CreateBitbucketIssueBody): Promise<BitbucketIssue> =>
      c.request('POST', at(paths.bitbucketIssues, connectionId, r), body),
    workspaceSummary: (
      connectionId: string,
      workspace: string,
      query: WorkspaceSummaryQuery = {},
    ): Promise<BitbucketWorkspaceSummary> =>
      c.request('GET', fill(paths.bitbucketWorkspaceSummary, { connection_id: connectionId, workspace }), undefined, {
        ...query,
      }),
  };
};
