import type {
  Comment,
  ConfluencePage,
  Issue,
  IssueFieldChange,
  PullRequest,
  PushChange,
  Repository,
  User,
} from './entities.js';

/**
 * Normalized events: what the gateway makes of a vendor's webhook (or of its own state changes) and hands to
 * subscribers. The same envelope for every product; `subject` holds the entities in the shapes the REST API returns.
 */

export const pullRequestEventTypes = [
  'pull_request.opened',
  'pull_request.updated',
  'pull_request.approved',
  'pull_request.unapproved',
  'pull_request.changes_requested',
  'pull_request.merged',
  'pull_request.declined',
] as const;

export const pullRequestCommentEventTypes = [
  'pull_request.comment_created',
  'pull_request.comment_updated',
  'pull_request.comment_deleted',
] as const;

export const eventTypes = [
  ...pullRequestEventTypes,
  ...pullRequestCommentEventTypes,
  'push',
  'issue.created',
  'issue.updated',
  'issue.deleted',
  'issue.comment_created',
  'page.created',
  'page.updated',
  'connection.reauth_required',
  'connection.deleted',
] as const;

export type PullRequestEventType = (typeof pullRequestEventTypes)[number];
export type PullRequestCommentEventType = (typeof pullRequestCommentEventTypes)[number];
export type EventType = (typeof eventTypes)[number];

/** The provider of the connection an event came through. */
export type EventProvider = 'atlassian-cloud' | 'jira-dc' | 'confluence-dc' | 'bitbucket-cloud' | 'bitbucket-dc';

export interface PullRequestSubject {
  kind: 'pull_request';
  repository: Repository | null;
  pull_request: PullRequest;
}

export interface PullRequestCommentSubject {
  kind: 'pull_request_comment';
  repository: Repository | null;
  pull_request: PullRequest;
  comment: Comment;
}

export interface PushSubject {
  kind: 'push';
  repository: Repository;
  changes: PushChange[];
}

export interface IssueSubject {
  kind: 'issue';
  issue: Issue;
  /** The fields this update changed (empty for created and deleted, and for updates Jira sends without a changelog). */
  changes: IssueFieldChange[];
}

export interface IssueCommentSubject {
  kind: 'issue_comment';
  issue: Issue;
  comment: Comment;
}

export interface PageSubject {
  kind: 'page';
  page: ConfluencePage;
}

export interface ConnectionSubject {
  kind: 'connection';
  connection_id: string;
  /** Why, in words for an operator (e.g. "the refresh token was revoked"). */
  reason: string | null;
}

/** The subject each event type carries. */
export interface EventSubjects {
  'pull_request.opened': PullRequestSubject;
  'pull_request.updated': PullRequestSubject;
  'pull_request.approved': PullRequestSubject;
  'pull_request.unapproved': PullRequestSubject;
  'pull_request.changes_requested': PullRequestSubject;
  'pull_request.merged': PullRequestSubject;
  'pull_request.declined': PullRequestSubject;
  'pull_request.comment_created': PullRequestCommentSubject;
  'pull_request.comment_updated': PullRequestCommentSubject;
  'pull_request.comment_deleted': PullRequestCommentSubject;
  push: PushSubject;
  'issue.created': IssueSubject;
  'issue.updated': IssueSubject;
  'issue.deleted': IssueSubject;
  'issue.comment_created': IssueCommentSubject;
  'page.created': PageSubject;
  'page.updated': PageSubject;
  'connection.reauth_required': ConnectionSubject;
  'connection.deleted': ConnectionSubject;
}

export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  /** When it happened at the vendor; the receipt time when the vendor does not say. */
  occurred_at: string;
  received_at: string;
  connection_id: string;
  provider: EventProvider;
  actor: User | null;
  subject: EventSubjects[T];
  /** The vendor's event key (`pullrequest:created`, `pr:opened`, `jira:issue_created`) and delivery id. */
  vendor: { event_key: string; delivery_id: string | null };
  /** The vendor's payload, included only when asked for. */
  raw?: unknown;
}

/** Any event, discriminated by `type` (narrowing on `type` narrows `subject`). */
export type SwitchyardEvent = { [T in EventType]: EventEnvelope<T> }[EventType];

export function isEventType(value: string): value is EventType {
  return (eventTypes as readonly string[]).includes(value);
}
