import type { Page } from './contract.js';
import { paths } from './contract.js';
import type { Comment, Issue, JiraCreateField, JiraIssueType, JiraProject, JiraTransition, User } from './entities.js';
import type { Requester } from './events-client.js';
import { type ExportIssuesQuery, exportIssues, type JiraExport } from './jira-export.js';

/**
 * The normalized Jira API of one connection (docs/jira-api.md). Rich text is Markdown by default (`markdown`;
 * `text` is its older name): Cloud's ADF and Data Center's wiki markup are converted both ways without loss.
 * `adf` (Cloud only) and `wiki` (Data Center only) send and return the native format untouched; the other
 * deployment's format is refused (VALIDATION).
 */
export type JiraTextFormat = 'markdown' | 'text' | 'adf' | 'wiki';

export interface SearchIssuesQuery {
  /** Bounded JQL (Jira Cloud refuses an unbounded query). */
  jql: string;
  limit?: number;
  cursor?: string;
  format?: JiraTextFormat;
}

export interface CreateIssueBody {
  project_key: string;
  issue_type: string;
  summary: string;
  /** Markdown (wiki markup with format `wiki`), or with format `adf` an ADF document. */
  description?: string | Record<string, unknown> | null;
  labels?: string[];
}

export interface UpdateIssueBody {
  summary?: string;
  description?: string | Record<string, unknown> | null;
  labels?: string[];
}

export interface AssignableUsersQuery {
  /** Text matched against names and e-mail addresses (Data Center: `username`). */
  query?: string;
  /** Project key or id; this or `issue_key` is required. */
  project?: string;
  issue_key?: string;
  limit?: number;
  cursor?: string;
}

const fill = (path: string, params: Record<string, string>): string =>
  path.replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));

export const jiraApi = (c: Requester) => {
  const at = (path: string, connectionId: string, key = '') =>
    fill(path, { connection_id: connectionId, issue_key: key });
  const inProject = (path: string, connectionId: string, projectKey: string, issueTypeId = '') =>
    fill(path, { connection_id: connectionId, project_key: projectKey, issue_type_id: issueTypeId });
  const fmt = (format: JiraTextFormat | undefined) => ({ format });
  return {
    myself: (connectionId: string): Promise<User> => c.request('GET', at(paths.jiraMyself, connectionId)),
    projects: (
      connectionId: string,
      query: { limit?: number; cursor?: string; query?: string } = {},
    ): Promise<Page<JiraProject>> => c.request('GET', at(paths.jiraProjects, connectionId), undefined, { ...query }),
    search: (connectionId: string, query: SearchIssuesQuery): Promise<Page<Issue>> =>
      c.request('GET', at(paths.jiraIssues, connectionId), undefined, { ...query }),
    /** Every issue of a query, streamed (NDJSON) and iterated one by one: `for await (const i of …)`. */
    exportIssues: (connectionId: string, query: ExportIssuesQuery): JiraExport => exportIssues(c, connectionId, query),
    get: (connectionId: string, key: string, format?: JiraTextFormat): Promise<Issue> =>
      c.request('GET', at(paths.jiraIssue, connectionId, key), undefined, fmt(format)),
    create: (connectionId: string, body: CreateIssueBody, format?: JiraTextFormat): Promise<Issue> =>
      c.request('POST', at(paths.jiraIssues, connectionId), body, fmt(format)),
    update: (connectionId: string, key: string, body: UpdateIssueBody, format?: JiraTextFormat): Promise<Issue> =>
      c.request('PATCH', at(paths.jiraIssue, connectionId, key), body, fmt(format)),
    delete: async (connectionId: string, key: string): Promise<void> => {
      await c.request('DELETE', at(paths.jiraIssue, connectionId, key));
    },
    transitions: (connectionId: string, key: string): Promise<{ items: JiraTransition[] }> =>
      c.request('GET', at(paths.jiraTransitions, connectionId, key)),
    transition: async (connectionId: string, key: string, transitionId: string): Promise<void> => {
      await c.request('POST', at(paths.jiraTransitions, connectionId, key), { transition_id: transitionId });
    },
    comments: (
      connectionId: string,
      key: string,
      query: { limit?: number; cursor?: string; format?: JiraTextFormat } = {},
    ): Promise<Page<Comment>> => c.request('GET', at(paths.jiraComments, connectionId, key), undefined, { ...query }),
    comment: (
      connectionId: string,
      key: string,
      body: string | Record<string, unknown>,
      format?: JiraTextFormat,
    ): Promise<Comment> => c.request('POST', at(paths.jiraComments, connectionId, key), { body }, fmt(format)),
    /** The issue types a project can create (create metadata). */
    issueTypes: (
      connectionId: string,
      projectKey: string,
      query: { limit?: number; cursor?: string } = {},
    ): Promise<Page<JiraIssueType>> =>
      c.request('GET', inProject(paths.jiraIssueTypes, connectionId, projectKey), undefined, { ...query }),
    /** The fields of an issue type's create screen in a project: which are required, their allowed values. */
    createFields: (
      connectionId: string,
      projectKey: string,
      issueTypeId: string,
      query: { limit?: number; cursor?: string } = {},
    ): Promise<Page<JiraCreateField>> =>
      c.request('GET', inProject(paths.jiraIssueTypeFields, connectionId, projectKey, issueTypeId), undefined, {
        ...query,
      }),
    /** Users who can be assigned issues of a project (or of one issue). */
    assignableUsers: (connectionId: string, query: AssignableUsersQuery): Promise<Page<User>> =>
      c.request('GET', at(paths.jiraUsers, connectionId), undefined, { ...query }),
  };
};
