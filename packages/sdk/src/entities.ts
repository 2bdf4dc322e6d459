/**
 * The normalized entities the REST API answers with and events carry, one shape for Cloud and Data Center.
 * Every entity keeps the vendor's own identifiers (`vendor_ids`) and its links, so a caller can always go back
 * to the vendor's API or web page. Timestamps are ISO-8601 in UTC; a value the vendor did not send is `null`.
 *
 * Names avoid the contract's own types: a Confluence page is `ConfluencePage` (`Page<T>` is a list page).
 */

/** The vendor's identifiers as it sends them, e.g. `{ uuid: '{…}', account_id: '557058:…' }` or `{ id: 2, slug: 'admin' }`. */
export type VendorIds = Readonly<Record<string, string | number>>;

export interface Links {
  /** The page a person opens in a browser. */
  web: string | null;
  /** The vendor's REST resource (`self`), where it sends one. */
  api: string | null;
}

/** Rich text as the vendor keeps it: Markdown (Bitbucket), wiki markup (Jira v2 / webhooks), ADF (as JSON), storage XHTML. */
export type TextFormat = 'markdown' | 'wiki' | 'adf' | 'storage' | 'plain';

/** A person or bot. Also the `actor` of an event. */
export interface User {
  /** Stable id: the Atlassian account id where there is one, else the vendor's user id or key. */
  id: string;
  display_name: string | null;
  /** Login name or nickname (Bitbucket DC `name`, Jira DC `name`, Bitbucket Cloud `nickname`). */
  username: string | null;
  email: string | null;
  vendor_ids: VendorIds;
  links: Links;
}
export type Actor = User;

export interface Repository {
  /** Bitbucket Cloud: the repository uuid; Data Center: the numeric id as a string. */
  id: string;
  slug: string;
  name: string;
  /** `workspace/slug` on Cloud, `PROJECT/slug` on Data Center. */
  full_name: string;
  /** Cloud workspace slug, or the Data Center project key (a DC project plays the role of a Cloud workspace). */
  workspace: string | null;
  project: { key: string; name: string | null } | null;
  is_private: boolean | null;
  scm: string | null;
  vendor_ids: VendorIds;
  links: Links;
}

export interface BranchRef {
  /** Short name: `main`, `feature/x`, `v1.0`. */
  name: string;
  /** Full ref: `refs/heads/main`, `refs/tags/v1.0`. */
  ref: string;
  type: 'branch' | 'tag';
  links: Links;
}

/** Name and e-mail as written in the commit, plus the vendor user when the vendor matched one. */
export interface GitIdentity {
  name: string | null;
  email: string | null;
  user: User | null;
}

export interface Commit {
  hash: string;
  message: string | null;
  /** Author date. */
  date: string | null;
  author: GitIdentity | null;
  parents: string[];
  links: Links;
}

export type PullRequestState = 'OPEN' | 'MERGED' | 'DECLINED' | 'SUPERSEDED';

/** One side of a pull request. `commit` may be abbreviated (Bitbucket Cloud sends 12 hex digits). */
export interface PullRequestEndpoint {
  repository: Repository | null;
  branch: string;
  commit: string | null;
}

export type ReviewStatus = 'APPROVED' | 'CHANGES_REQUESTED' | 'NONE';

/** A reviewer (asked to review) or participant (took part without being asked) and where they stand. */
export interface Reviewer {
  user: User;
  role: 'REVIEWER' | 'PARTICIPANT';
  status: ReviewStatus;
  approved: boolean;
}

export interface PullRequest {
  id: number;
  title: string;
  description: string | null;
  description_format: TextFormat;
  state: PullRequestState;
  draft: boolean;
  author: User | null;
  source: PullRequestEndpoint;
  destination: PullRequestEndpoint;
  reviewers: Reviewer[];
  merge_commit: string | null;
  closed_by: User | null;
  comment_count: number | null;
  task_count: number | null;
  /** Data Center's optimistic-locking version (needed to merge or decline); null on Cloud. */
  version: number | null;
  created_at: string | null;
  updated_at: string | null;
  vendor_ids: VendorIds;
  links: Links;
}

/** A comment on a pull request, a Jira issue or a Confluence page. */
export interface Comment {
  id: string;
  body: string | null;
  body_format: TextFormat;
  author: User | null;
  parent_id: string | null;
  /** Set for a comment on a line of a file in a pull request's diff. */
  inline: { path: string; line: number | null } | null;
  deleted: boolean;
  created_at: string | null;
  updated_at: string | null;
  vendor_ids: VendorIds;
  links: Links;
}

/** A branch or tag moved by a push: created, moved (maybe forced) or deleted (`closed`). */
export interface PushChange {
  ref: BranchRef;
  old_commit: string | null;
  new_commit: string | null;
  created: boolean;
  closed: boolean;
  /** Null where the vendor does not say (Data Center). */
  forced: boolean | null;
  /** The pushed commits the vendor listed, newest first; `truncated` when it listed only some. */
  commits: Commit[];
  truncated: boolean;
  links: Links;
}

export interface IssueStatus {
  id: string | null;
  name: string;
  /** Jira status category key: `new`, `indeterminate`, `done`. */
  category: string | null;
}

/** A Jira issue. */
export interface Issue {
  id: string;
  key: string;
  summary: string;
  description: string | null;
  description_format: TextFormat;
  status: IssueStatus | null;
  issue_type: { id: string | null; name: string; subtask: boolean } | null;
  priority: { id: string | null; name: string } | null;
  project: { id: string | null; key: string; name: string | null } | null;
  assignee: User | null;
  reporter: User | null;
  creator: User | null;
  labels: string[];
  created_at: string | null;
  updated_at: string | null;
  resolved_at: string | null;
  vendor_ids: VendorIds;
  links: Links;
}

/** A Jira project (the normalized Jira API). */
export interface JiraProject {
  id: string;
  key: string;
  name: string | null;
  project_type: string | null;
  links: Links;
}

/** A workflow transition available on a Jira issue. */
export interface JiraTransition {
  id: string;
  name: string;
  to: IssueStatus | null;
}

/** One field change of a Jira issue update (from the changelog). */
export interface IssueFieldChange {
  field: string;
  field_id: string | null;
  from: string | null;
  from_string: string | null;
  to: string | null;
  to_string: string | null;
}

export interface ConfluenceSpace {
  id: string | null;
  key: string;
  name: string | null;
  links: Links;
}

export interface ConfluencePage {
  id: string;
  title: string;
  space: ConfluenceSpace | null;
  status: string | null;
  version: number | null;
  parent_id: string | null;
  author: User | null;
  last_modified_by: User | null;
  body: string | null;
  body_format: TextFormat;
  created_at: string | null;
  updated_at: string | null;
  vendor_ids: VendorIds;
  links: Links;
}

/** A Bitbucket Cloud workspace, or a Data Center project (which plays its role). */
export interface BitbucketWorkspace {
  /** Cloud: the workspace uuid; Data Center: the numeric project id as a string. */
  id: string;
  /** Cloud: the workspace slug; Data Center: the project key. Repository paths use it. */
  slug: string;
  name: string | null;
  links: Links;
}
