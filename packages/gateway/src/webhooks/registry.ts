import { bitbucketCloud } from './providers/bitbucket-cloud.js';
import { bitbucketDc } from './providers/bitbucket-dc.js';
import { confluenceDc } from './providers/confluence-dc.js';
import { jiraCloud } from './providers/jira-cloud.js';
import type { WebhookProvider, WebhookSource } from './types.js';

/** Every product that sends webhooks, by source. */
export const webhookProviders: Readonly<Record<WebhookSource, WebhookProvider>> = {
  'bitbucket-cloud': bitbucketCloud,
  'bitbucket-dc': bitbucketDc,
  'jira-cloud': jiraCloud,
  'confluence-dc': confluenceDc,
};

export const webhookSources = Object.keys(webhookProviders) as WebhookSource[];

export function isWebhookSource(value: string): value is WebhookSource {
  return Object.hasOwn(webhookProviders, value);
}
