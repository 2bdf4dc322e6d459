import type { Page } from './contract.js';
import { paths } from './contract.js';
import type { Comment, Issue, JiraProject, JiraTransition, User } from './entities.js';
import type { Requester } from './events-client.js';

/**
 * The normalized Jira API of one connection (docs/jira-api.md). Rich text is plain/Markdown text by default
 * (ADF on Jira Cloud is converted both ways; wiki markup on Data Center is passed as is); `format: 'adf'`
 * sends and returns Cloud's ADF untouched.
 */
export type JiraTextFormat = 'text' | 'adf';

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
  /** Text, or with format `adf` an ADF document. */
  description?: string | Record<string, unknown> | null;
  labels?: string[];
}

export interface UpdateIssueBody {
  summary?: string;
  description?: string | Record<string, unknown> | null;
  labels?: string[];
}

const fill = (path: string, params: Record<string, string>): string =>
  path.replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));

export const jiraApi = (c: Requester) => {
  const at = (path: string, connectionId: string, key = '') =>
    fill(path, { connection_id: connectionId, issue_key: key });
  const fmt = (format: JiraTextFormat | undefined) => ({ format });
  return {
    myself: (connectionId: string): Promise<User> => c.request('GET', at(paths.jiraMyself, connectionId)),
    projects: (
      connectionId: string,
      query: { limit?: number; cursor?: string; query?: string } = {},
    ): Promise<Page<JiraProject>> => c.request('GET', at(paths.jiraProjects, connectionId), undefined, { ...query }),
    search: (connectionId: string, query: SearchIssuesQuery): Promise<Page<Issue>> =>
      c.request('GET', at(paths.jiraIssues, connectionId), undefined, { ...query }),
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
  };
};
