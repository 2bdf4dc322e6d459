import type { EventType } from '@switchyard/sdk';
import { at, isoTime, str } from '../json.js';
import { deliveryInfo, type EventDraft, header, type IncomingHeaders, type WebhookProvider } from '../types.js';
import { jiraChanges, jiraComment, jiraIssue, jiraUser } from './jira-shapes.js';

/**
 * Jira Cloud. The event is named in the body (`webhookEvent`; note the inconsistent `jira:` prefix), never in a
 * header. Delivery id: `X-Atlassian-Webhook-Identifier`, stable across Jira's retries. Admin webhooks with a secret
 * carry `X-Hub-Signature`; dynamic webhooks of an OAuth 2.0 app carry a JWT in `Authorization` instead.
 */

type IssueType = Extract<EventType, `issue.${string}`>;

const ISSUE: Record<string, Exclude<IssueType, 'issue.comment_created'>> = {
  'jira:issue_created': 'issue.created',
  'jira:issue_updated': 'issue.updated',
  'jira:issue_deleted': 'issue.deleted',
};

export const jiraEventKeys = { ...ISSUE, comment_created: 'issue.comment_created' } as const;

function normalize(payload: unknown, headers: IncomingHeaders): EventDraft[] {
  const key = str(at(payload, 'webhookEvent'));
  if (key === null) return [];
  const occurredAt = isoTime(at(payload, 'timestamp'));
  const vendor = { event_key: key, delivery_id: header(headers, 'x-atlassian-webhook-identifier') };
  const issue = jiraIssue(at(payload, 'issue'));
  if (issue === null) return [];
  const issueType = ISSUE[key];
  if (issueType !== undefined) {
    const changes = issueType === 'issue.updated' ? jiraChanges(at(payload, 'changelog')) : [];
    const actor = jiraUser(at(payload, 'user'));
    return [{ type: issueType, occurred_at: occurredAt, actor, vendor, subject: { kind: 'issue', issue, changes } }];
  }
  if (key !== 'comment_created') return [];
  const comment = jiraComment(at(payload, 'comment'), issue);
  if (comment === null) return [];
  // Comment events have no top-level `user`: whoever wrote the comment did it.
  const actor = jiraUser(at(payload, 'user')) ?? comment.author;
  const subject = { kind: 'issue_comment' as const, issue, comment };
  return [{ type: 'issue.comment_created', occurred_at: occurredAt ?? comment.created_at, actor, vendor, subject }];
}

export const jiraCloud: WebhookProvider = {
  source: 'jira-cloud',
  schemes: ['hub-signature', 'atlassian-jwt'],
  unsignedPing: false,
  describe: (headers, rawBody) => deliveryInfo(headers, rawBody, 'X-Atlassian-Webhook-Identifier', null),
  normalize,
};
