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
  /**
   * Set for a comment on a line of a file in a pull request's diff. `side`: the line is in the new (`new`) or
   * the old (`old`) version of the file; the Bitbucket REST API sets it, events may leave it out.
   */
  inline: { path: string; line: number | null; side?: 'new' | 'old' } | null;
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

/** An issue type a Jira project accepts on create (create metadata). */
export interface JiraIssueType {
  id: string;
  name: string;
  description: string | null;
  subtask: boolean;
  /** Jira Cloud's hierarchy level (-1 sub-task, 0 standard, 1 epic, …); null on Data Center. */
  hierarchy_level: number | null;
  icon_url: string | null;
}

/** A value a create field accepts (an option, a priority, a version, a component…). */
export interface JiraAllowedValue {
  id: string | null;
  /** The option's `value`, or else the item's `name`. */
  name: string | null;
}

/** A field of the create screen of one issue type in one project (create metadata). */
export interface JiraCreateField {
  /** The id to send in `fields` (e.g. `summary`, `customfield_10010`). */
  id: string;
  name: string;
  required: boolean;
  /** Jira's `schema.type` (string, number, array, user, option, priority, …). */
  type: string | null;
  /** For an array, the type of its items. */
  items_type: string | null;
  /** A custom field's type key (e.g. `com.atlassian.jira.plugin.system.customfieldtypes:select`). */
  custom: string | null;
  operations: string[];
  has_default_value: boolean;
  /** Listed choices; null when the field takes free input. */
  allowed_values: JiraAllowedValue[] | null;
  autocomplete_url: string | null;
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

/** One hit of a Confluence CQL search (`GET …/confluence/search`). */
export interface ConfluenceSearchResult {
  /** What matched: `page`, `blogpost`, `comment`, `attachment` (content), or `space`, `user`. */
  type: string;
  /** The content id for a content hit; null for other hits. */
  id: string | null;
  /** The title, highlight markers removed. */
  title: string;
  /** The text around the match, highlight markers removed; null when Confluence sent none. */
  excerpt: string | null;
  space_key: string | null;
  updated_at: string | null;
  links: Links;
}

/** A file a Bitbucket pull request changes (`GET …/pull-requests/{n}/diffstat`). */
export interface PullRequestFileChange {
  /** The path after the change (for a removed file, the path it had). */
  path: string;
  /** The path before the change: null for an added file, else `path` unless the file moved (or was copied). */
  old_path: string | null;
  status: 'ADDED' | 'MODIFIED' | 'REMOVED' | 'RENAMED';
  /** Lines added and removed; null on Bitbucket Data Center, which does not count them. */
  lines_added: number | null;
  lines_removed: number | null;
}

export type PullRequestActivityKind =
  | 'comment'
  | 'approval'
  | 'unapproval'
  | 'changes_requested'
  | 'update'
  | 'opened'
  | 'merged'
  | 'declined'
  | 'reopened'
  | 'other';

/** One entry of a Bitbucket pull request's activity (`GET …/pull-requests/{n}/activity`), in Bitbucket's order. */
export interface PullRequestActivity {
  kind: PullRequestActivityKind;
  /** The vendor's own name: Cloud's entry key (`update`, `approval`, …), Data Center's `action` (`RESCOPED`, …). */
  action: string;
  actor: User | null;
  at: string | null;
  /** The comment of a `comment` entry; null otherwise. */
  comment: Comment | null;
  /** The pull request's state after a Cloud `update`; null otherwise. */
  state: PullRequestState | null;
  vendor_ids: VendorIds;
}

/** A branch of a Bitbucket repository (docs/bitbucket-api.md, Repository content). */
export interface Branch {
  /** Short name: `main`, `feature/x`. */
  name: string;
  /** Full ref: `refs/heads/main`. */
  ref: string;
  /** The commit the branch points at (full hash). */
  target: string | null;
  /** Whether it is the repository's default branch (Cloud: its `mainbranch`). */
  is_default: boolean;
  vendor_ids: VendorIds;
  links: Links;
}

/**
 * A build status of a commit. Data Center's `CANCELLED` reads as `STOPPED`; its `UNKNOWN` stays `UNKNOWN`
 * (Cloud has no such state).
 */
export interface BuildStatus {
  /** The CI's own key for the build (one status per key and commit). */
  key: string;
  state: 'SUCCESSFUL' | 'FAILED' | 'INPROGRESS' | 'STOPPED' | 'UNKNOWN';
  name: string | null;
  /** The build's page in the CI. */
  url: string | null;
  description: string | null;
  /** Data Center: the ref the build ran for, where the CI said. Cloud: `refname`. */
  ref: string | null;
  created_at: string | null;
  updated_at: string | null;
  vendor_ids: VendorIds;
  links: Links;
}

/** One figure of a Code Insights report (`value` as the type implies: number, boolean, `{href, text}`, …). */
export interface InsightReportData {
  title: string;
  type: 'BOOLEAN' | 'DATE' | 'DURATION' | 'LINK' | 'NUMBER' | 'PERCENTAGE' | 'TEXT';
  value: unknown;
}

/** A Code Insights report on a commit (a scan, coverage, tests), keyed by the caller's own report key. */
export interface InsightReport {
  /** Data Center: the report key; Cloud: the `external_id` (the `uuid` is in `vendor_ids`). */
  key: string;
  title: string | null;
  details: string | null;
  /** Cloud's `PASSED`/`FAILED`/`PENDING`, Data Center's `PASS`/`FAIL` (no result: `PENDING`). */
  result: 'PASS' | 'FAIL' | 'PENDING';
  reporter: string | null;
  link: string | null;
  logo_url: string | null;
  /** Cloud only (`SECURITY`, `COVERAGE`, `TEST`, `BUG`); null on Data Center. */
  report_type: string | null;
  data: InsightReportData[];
  created_at: string | null;
  updated_at: string | null;
  vendor_ids: VendorIds;
  links: Links;
}

/** One line of a code search hit, with the matching parts of it. */
export interface CodeSearchLine {
  line: number;
  text: string;
  matches: string[];
}

/** A file that matched a code search, with the matching lines (Bitbucket Cloud). */
export interface CodeSearchHit {
  path: string;
  repository: Repository | null;
  /** The commit the indexed file was read at. */
  commit: string | null;
  match_count: number;
  lines: CodeSearchLine[];
  /** True when the path itself matched. */
  path_matched: boolean;
  links: Links;
}

/** An entry of a directory listing at a ref (Bitbucket Cloud `…/src/{ref}/{dir}`). */
export interface SourceEntry {
  path: string;
  type: 'file' | 'directory';
  size: number | null;
  commit: string | null;
  links: Links;
}

/**
 * The state of a Bitbucket Pipelines run or step, from Cloud's `state.name` refined by its `stage` (in
 * progress) or `result` (completed): PAUSED and HALTED are stages of IN_PROGRESS; SUCCESSFUL, FAILED,
 * STOPPED, ERROR, EXPIRED and NOT_RUN (steps) are results; a step that is READY counts as PENDING.
 */
export type PipelineState =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'PAUSED'
  | 'HALTED'
  | 'SUCCESSFUL'
  | 'FAILED'
  | 'STOPPED'
  | 'ERROR'
  | 'EXPIRED'
  | 'NOT_RUN'
  | 'UNKNOWN';

/** What a pipeline ran on: a branch or tag (`ref_*`), a commit, and the definition (`selector`) that ran. */
export interface PipelineTarget {
  /** `branch`, `tag`, `named_branch` or `bookmark`; null for a commit or pull-request target. */
  ref_type: string | null;
  ref_name: string | null;
  /** The commit hash. */
  commit: string | null;
  /** The `bitbucket-pipelines.yml` definition: `{type: 'custom', pattern: 'deploy'}`, `{type: 'branches', …}`. */
  selector: { type: string; pattern: string | null } | null;
}

/** A Bitbucket Cloud Pipelines run (Data Center has no pipelines). */
export interface Pipeline {
  /** The pipeline uuid, braces included (`{…}`). */
  id: string;
  build_number: number | null;
  state: PipelineState;
  /** `PUSH`, `MANUAL`, `SCHEDULED`, `PARENT_STEP`, … (Cloud's trigger name). */
  trigger: string | null;
  target: PipelineTarget;
  creator: User | null;
  created_at: string | null;
  completed_at: string | null;
  /** Cloud's `duration_in_seconds`, else completed_at − created_at; null while running. */
  duration_seconds: number | null;
  vendor_ids: VendorIds;
  /** `web`: the run's page (`<repository>/pipelines/results/<build_number>`); `api`: the REST resource. */
  links: Links;
}

/** A step of a Bitbucket Cloud pipeline. */
export interface PipelineStep {
  /** The step uuid, braces included. */
  id: string;
  name: string | null;
  state: PipelineState;
  started_at: string | null;
  completed_at: string | null;
  duration_seconds: number | null;
  vendor_ids: VendorIds;
  links: Links;
}

export type BitbucketIssueKind = 'bug' | 'enhancement' | 'proposal' | 'task';
export type BitbucketIssuePriority = 'trivial' | 'minor' | 'major' | 'critical' | 'blocker';

/** An issue of a Bitbucket Cloud repository's own issue tracker (not a Jira `Issue`). */
export interface BitbucketIssue {
  id: number;
  title: string;
  /** The text as typed (`content.raw`). */
  content: string | null;
  /** Markdown, except legacy issues written in plain text or Creole. */
  content_format: 'markdown' | 'plain' | 'creole';
  kind: BitbucketIssueKind | null;
  priority: BitbucketIssuePriority | null;
  /** `submitted`, `new`, `open`, `resolved`, `on hold`, `invalid`, `duplicate`, `wontfix` or `closed`. */
  state: string | null;
  reporter: User | null;
  assignee: User | null;
  created_at: string | null;
  updated_at: string | null;
  vendor_ids: VendorIds;
  links: Links;
}

/** Counts of one workspace (Data Center: project) for a dashboard; see docs/bitbucket-api.md. */
export interface BitbucketWorkspaceSummary {
  workspace: string;
  /** Pipelines created at or after this instant are counted. */
  since: string;
  generated_at: string;
  repositories: {
    /** How many were looked at (at most `repositories_limit`). */
    scanned: number;
    /** The workspace's total when the vendor says it, else null. */
    total: number | null;
    /** Repositories whose counts could not be read (the vendor refused: permissions, disabled features). */
    skipped: number;
  };
  /** Open pull requests across the scanned repositories. */
  pull_requests: { open: number };
  /** Pipelines by state since `since` across the scanned repositories; null on Data Center (no pipelines). */
  pipelines: { total: number; by_state: Partial<Record<PipelineState, number>> } | null;
  /** True when a cap was hit (repositories, pages per repository): the counts are lower bounds. */
  truncated: boolean;
  /** Why something is missing or capped, in words. */
  notes: string[];
}
