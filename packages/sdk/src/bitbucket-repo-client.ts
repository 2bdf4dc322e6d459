import type { RepoAddress } from './bitbucket-client.js';
import type { ListQuery, Page } from './contract.js';
import { paths } from './contract.js';
import type {
  Branch,
  BuildStatus,
  CodeSearchHit,
  Commit,
  InsightReport,
  InsightReportData,
  Repository,
  SourceEntry,
} from './entities.js';
import { isErrorBody, SwitchyardError } from './errors.js';
import type { Requester } from './events-client.js';

/** Repository content of the normalized Bitbucket API (docs/bitbucket-api.md, "Repository content"). */

export interface CreateBranchBody {
  name: string;
  /** A branch, tag or commit hash to start from. */
  from: string;
}

export interface SetBuildStatusBody {
  key: string;
  state: 'SUCCESSFUL' | 'FAILED' | 'INPROGRESS' | 'STOPPED';
  url: string;
  name?: string;
  description?: string;
  /** The branch (or full ref) the build ran for. */
  ref?: string;
}

export interface PutInsightReportBody {
  title: string;
  details?: string;
  result?: 'PASS' | 'FAIL' | 'PENDING';
  reporter?: string;
  link?: string;
  logo_url?: string;
  /** Bitbucket Cloud only. */
  report_type?: 'SECURITY' | 'COVERAGE' | 'TEST' | 'BUG';
  /** At most 6. */
  data?: InsightReportData[];
}

export interface InsightAnnotationBody {
  external_id: string;
  message: string;
  /** CRITICAL: Bitbucket Cloud only. */
  severity: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  type: 'VULNERABILITY' | 'CODE_SMELL' | 'BUG';
  path?: string;
  line?: number;
  link?: string;
  /** Bitbucket Cloud only. */
  details?: string;
}

const fill = (path: string, params: Record<string, string>): string =>
  path.replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));

/** The error envelope of a failed streamed answer, as `request` would throw it. */
async function failed(res: Response): Promise<SwitchyardError> {
  let body: unknown;
  try {
    body = JSON.parse(await res.text());
  } catch {
    body = undefined;
  }
  return new SwitchyardError(res.status, isErrorBody(body) ? body : undefined, `HTTP ${res.status}`);
}

export const bitbucketRepoApi = (c: Requester) => {
  const at = (path: string, connectionId: string, r: RepoAddress, more: Record<string, string> = {}) =>
    fill(path, { connection_id: connectionId, workspace: r.workspace, repo: r.repo, ...more });
  return {
    /** Every repository the connection sees, across workspaces (Data Center: projects). `q`: part of the name. */
    allRepositories: (connectionId: string, query: ListQuery & { q?: string } = {}): Promise<Page<Repository>> =>
      c.request('GET', fill(paths.bitbucketAllRepositories, { connection_id: connectionId }), undefined, { ...query }),
    branches: (
      connectionId: string,
      r: RepoAddress,
      query: ListQuery & { filter?: string } = {},
    ): Promise<Page<Branch>> => c.request('GET', at(paths.bitbucketBranches, connectionId, r), undefined, { ...query }),
    createBranch: (connectionId: string, r: RepoAddress, body: CreateBranchBody): Promise<Branch> =>
      c.request('POST', at(paths.bitbucketBranches, connectionId, r), body),
    /** Newest first from `ref` (a branch, tag or hash), or from the default branch. */
    commits: (connectionId: string, r: RepoAddress, query: ListQuery & { ref?: string } = {}): Promise<Page<Commit>> =>
      c.request('GET', at(paths.bitbucketCommits, connectionId, r), undefined, { ...query }),
    commit: (connectionId: string, r: RepoAddress, hash: string): Promise<Commit> =>
      c.request('GET', at(paths.bitbucketCommit, connectionId, r, { hash })),
    /**
     * A file at a ref, as the fetch Response of its bytes (the vendor's content type and length). Throws
     * SwitchyardError on an error; a directory (Cloud) answers JSON: use `directory`.
     */
    file: async (connectionId: string, r: RepoAddress, ref: string, path: string, signal?: AbortSignal) => {
      const file = path.split('/').map(encodeURIComponent).join('/');
      const res = await c.open(`${at(paths.bitbucketSource, connectionId, r, { ref })}/${file}`, {}, {}, signal);
      if (!res.ok) throw await failed(res);
      return res;
    },
    /** A directory at a ref (Bitbucket Cloud; `path` '' for the root), one page of entries. */
    directory: (
      connectionId: string,
      r: RepoAddress,
      ref: string,
      path: string,
      query: ListQuery = {},
    ): Promise<Page<SourceEntry>> =>
      c.request(
        'GET',
        `${at(paths.bitbucketSource, connectionId, r, { ref })}/${path.split('/').map(encodeURIComponent).join('/')}`,
        undefined,
        { ...query },
      ),
    buildStatuses: (
      connectionId: string,
      r: RepoAddress,
      hash: string,
      query: ListQuery = {},
    ): Promise<Page<BuildStatus>> =>
      c.request('GET', at(paths.bitbucketBuildStatuses, connectionId, r, { hash }), undefined, { ...query }),
    setBuildStatus: (
      connectionId: string,
      r: RepoAddress,
      hash: string,
      body: SetBuildStatusBody,
    ): Promise<BuildStatus> => c.request('POST', at(paths.bitbucketBuildStatuses, connectionId, r, { hash }), body),
    putReport: (
      connectionId: string,
      r: RepoAddress,
      hash: string,
      key: string,
      body: PutInsightReportBody,
    ): Promise<InsightReport> =>
      c.request('PUT', at(paths.bitbucketInsightReport, connectionId, r, { hash, report_key: key }), body),
    report: (connectionId: string, r: RepoAddress, hash: string, key: string): Promise<InsightReport> =>
      c.request('GET', at(paths.bitbucketInsightReport, connectionId, r, { hash, report_key: key })),
    deleteReport: async (connectionId: string, r: RepoAddress, hash: string, key: string): Promise<void> => {
      await c.request('DELETE', at(paths.bitbucketInsightReport, connectionId, r, { hash, report_key: key }));
    },
    addAnnotations: async (
      connectionId: string,
      r: RepoAddress,
      hash: string,
      key: string,
      annotations: InsightAnnotationBody[],
    ): Promise<void> => {
      await c.request('POST', at(paths.bitbucketInsightAnnotations, connectionId, r, { hash, report_key: key }), {
        annotations,
      });
    },
    /** Bitbucket Cloud's code search in a workspace (its query syntax: `foo repo:web lang:ts`). */
    searchCode: (
      connectionId: string,
      workspace: string,
      query: ListQuery & { q: string },
    ): Promise<Page<CodeSearchHit>> =>
      c.request('GET', fill(paths.bitbucketCodeSearch, { connection_id: connectionId, workspace }), undefined, {
        ...query,
      }),
  };
};
