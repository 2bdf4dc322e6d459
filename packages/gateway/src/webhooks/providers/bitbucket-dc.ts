import type { PullRequestCommentEventType, PullRequestEventType } from '@switchyard/sdk';
import { arr, at, isoTime, str } from '../json.js';
import { deliveryInfo, type EventDraft, header, type IncomingHeaders, type WebhookProvider } from '../types.js';
import { dcComment, dcCommit, dcPullRequest, dcPushChange, dcRepository, dcUser } from './bitbucket-dc-shapes.js';

/**
 * Bitbucket Data Center: `X-Event-Key` (also `eventKey` in the body), delivery id in `X-Request-Id`, `X-Hub-Signature`
 * when the webhook has a secret. "Test connection" sends `diagnostics:ping` unsigned: acknowledged, no event.
 */

const PULL_REQUEST: Record<string, PullRequestEventType> = {
  'pr:opened': 'pull_request.opened',
  'pr:from_ref_updated': 'pull_request.updated',
  'pr:to_ref_updated': 'pull_request.updated',
  'pr:modified': 'pull_request.updated',
  'pr:reviewer:updated': 'pull_request.updated',
  'pr:reviewer:approved': 'pull_request.approved',
  'pr:reviewer:unapproved': 'pull_request.unapproved',
  'pr:reviewer:changes_requested': 'pull_request.changes_requested',
  'pr:reviewer:needs_work': 'pull_request.changes_requested',
  'pr:merged': 'pull_request.merged',
  'pr:declined': 'pull_request.declined',
};

const COMMENT: Record<string, PullRequestCommentEventType> = {
  'pr:comment:added': 'pull_request.comment_created',
  'pr:comment:edited': 'pull_request.comment_updated',
  'pr:comment:deleted': 'pull_request.comment_deleted',
};

export const bitbucketDcEventKeys = { ...PULL_REQUEST, ...COMMENT, 'repo:refs_changed': 'push' } as const;

/** The header wins; the body's `eventKey` is read only after verification (here, in normalize). */
function eventKeyOf(payload: unknown, headers: IncomingHeaders): string | null {
  return header(headers, 'x-event-key') ?? str(at(payload, 'eventKey'));
}

function push(payload: unknown, base: Omit<EventDraft, 'type' | 'subject'>): EventDraft[] {
  const repository = dcRepository(at(payload, 'repository'));
  if (repository === null) return [];
  const rawChanges = arr(at(payload, 'changes'));
  // Data Center lists the pushed commits once for the whole push; they belong to the change only when there is one.
  const commits =
    rawChanges.length === 1 ? arr(at(payload, 'commits')).flatMap((c) => dcCommit(c, repository) ?? []) : [];
  const changes = rawChanges.flatMap((c) => dcPushChange(c, commits) ?? []);
  return [{ ...base, type: 'push', subject: { kind: 'push', repository, changes } }];
}

function normalize(payload: unknown, headers: IncomingHeaders): EventDraft[] {
  const key = eventKeyOf(payload, headers);
  if (key === null || key === 'diagnostics:ping') return [];
  const base = {
    occurred_at: isoTime(at(payload, 'date')),
    actor: dcUser(at(payload, 'actor')),
    vendor: { event_key: key, delivery_id: header(headers, 'x-request-id') },
  };
  if (key === 'repo:refs_changed') return push(payload, base);
  const pullRequest = dcPullRequest(at(payload, 'pullRequest'));
  if (pullRequest === null) return [];
  const repository = pullRequest.destination.repository;
  const prType = PULL_REQUEST[key];
  if (prType !== undefined) {
    return [{ ...base, type: prType, subject: { kind: 'pull_request', repository, pull_request: pullRequest } }];
  }
  const commentType = COMMENT[key];
  const comment = dcComment(at(payload, 'comment'), pullRequest, at(payload, 'commentParentId'));
  if (commentType === undefined || comment === null) return [];
  const subject = { kind: 'pull_request_comment' as const, repository, pull_request: pullRequest, comment };
  return [{ ...base, type: commentType, subject }];
}

export const bitbucketDc: WebhookProvider = {
  source: 'bitbucket-dc',
  schemes: ['hub-signature'],
  unsignedPing: true,
  describe(headers, rawBody) {
    const info = deliveryInfo(headers, rawBody, 'X-Request-Id', header(headers, 'x-event-key'));
    return { ...info, ping: info.eventKey === 'diagnostics:ping' };
  },
  normalize,
};
