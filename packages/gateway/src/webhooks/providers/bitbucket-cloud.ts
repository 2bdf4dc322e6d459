import type { PullRequestCommentEventType, PullRequestEventType } from '@switchyard/sdk';
import { arr, at, isoTime } from '../json.js';
import { deliveryInfo, type EventDraft, header, type IncomingHeaders, type WebhookProvider } from '../types.js';
import {
  cloudComment,
  cloudPullRequest,
  cloudPushChange,
  cloudRepository,
  cloudUser,
} from './bitbucket-cloud-shapes.js';

/**
 * Bitbucket Cloud: event key in `X-Event-Key`, delivery id in `X-Request-UUID` (the same on Bitbucket's retries),
 * `X-Hub-Signature` when the hook has a secret. The payload itself names no event, so the header decides.
 */

const PULL_REQUEST: Record<string, PullRequestEventType> = {
  'pullrequest:created': 'pull_request.opened',
  'pullrequest:updated': 'pull_request.updated',
  'pullrequest:push': 'pull_request.updated',
  'pullrequest:changes_request_removed': 'pull_request.updated',
  'pullrequest:approved': 'pull_request.approved',
  'pullrequest:unapproved': 'pull_request.unapproved',
  'pullrequest:changes_request_created': 'pull_request.changes_requested',
  'pullrequest:fulfilled': 'pull_request.merged',
  'pullrequest:rejected': 'pull_request.declined',
};

const COMMENT: Record<string, PullRequestCommentEventType> = {
  'pullrequest:comment_created': 'pull_request.comment_created',
  'pullrequest:comment_updated': 'pull_request.comment_updated',
  'pullrequest:comment_resolved': 'pull_request.comment_updated',
  'pullrequest:comment_reopened': 'pull_request.comment_updated',
  'pullrequest:comment_deleted': 'pull_request.comment_deleted',
};

/** The vendor event keys each normalized type comes from (for the docs and the tests). */
export const bitbucketCloudEventKeys = { ...PULL_REQUEST, ...COMMENT, 'repo:push': 'push' } as const;

/** When it happened: the approval's or change request's date, else the pull request's last update. */
function pullRequestTime(payload: unknown, key: string): string | null {
  if (key === 'pullrequest:created') return isoTime(at(payload, 'pullrequest', 'created_on'));
  const stamped = isoTime(at(payload, 'approval', 'date')) ?? isoTime(at(payload, 'changes_request', 'date'));
  return stamped ?? isoTime(at(payload, 'pullrequest', 'updated_on'));
}

function normalize(payload: unknown, headers: IncomingHeaders): EventDraft[] {
  const key = header(headers, 'x-event-key');
  if (key === null) return [];
  const actor = cloudUser(at(payload, 'actor'));
  const repository = cloudRepository(at(payload, 'repository'));
  const vendor = { event_key: key, delivery_id: header(headers, 'x-request-uuid') };
  if (key === 'repo:push') {
    if (repository === null) return [];
    const changes = arr(at(payload, 'push', 'changes')).flatMap((c) => cloudPushChange(c) ?? []);
    return [{ type: 'push', occurred_at: null, actor, vendor, subject: { kind: 'push', repository, changes } }];
  }
  const pullRequest = cloudPullRequest(at(payload, 'pullrequest'));
  if (pullRequest === null) return [];
  const prType = PULL_REQUEST[key];
  if (prType !== undefined) {
    const subject = { kind: 'pull_request' as const, repository, pull_request: pullRequest };
    return [{ type: prType, occurred_at: pullRequestTime(payload, key), actor, vendor, subject }];
  }
  const commentType = COMMENT[key];
  const comment = cloudComment(at(payload, 'comment'));
  if (commentType === undefined || comment === null) return [];
  const occurredAt = commentType === 'pull_request.comment_created' ? comment.created_at : comment.updated_at;
  const subject = { kind: 'pull_request_comment' as const, repository, pull_request: pullRequest, comment };
  return [{ type: commentType, occurred_at: occurredAt, actor, vendor, subject }];
}

export const bitbucketCloud: WebhookProvider = {
  source: 'bitbucket-cloud',
  schemes: ['hub-signature'],
  unsignedPing: false,
  describe: (headers, rawBody) => deliveryInfo(headers, rawBody, 'X-Request-UUID', header(headers, 'x-event-key')),
  normalize,
};
