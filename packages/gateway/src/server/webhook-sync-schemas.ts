import {
  eventTypes,
  type ManualWebhookSetup,
  type SyncWebhooksBody,
  type WebhookRegistration,
  type WebhookSyncEntry,
  type WebhookSyncResult,
} from '@switchyard/sdk';
import { z } from 'zod';
import { hook } from './event-schemas.js';
import { errorBody } from './schemas.js';

/** zod schemas of webhook registration (docs/webhook-registration.md); `satisfies` ties each to its SDK type. */

const eventType = z.enum(eventTypes);
const name = z.string().trim().min(1).max(200);

export const syncWebhooksBody = z
  .object({
    scope: z
      .object({
        workspace: name.optional().describe('Bitbucket Cloud: register a workspace webhook (needs admin)'),
        repositories: z
          .array(name.regex(/^[^/\s]+\/[^/\s]+$/, 'expected "workspace/repo" (Cloud) or "PROJECT/repo" (DC)'))
          .max(50)
          .optional(),
        projects: z.array(name).max(50).optional().describe('Bitbucket DC project webhooks; Jira Cloud JQL scope'),
      })
      .strict()
      .optional(),
    events: z.array(eventType).max(eventTypes.length).optional(),
    jql: z.string().trim().min(1).max(2000).optional().describe('Jira Cloud: the JQL filter (a supported subset)'),
  })
  .strict() satisfies z.ZodType<SyncWebhooksBody>;

const syncEntry = z
  .object({
    target: z.string(),
    status: z.enum(['registered', 'updated', 'manual', 'failed']),
    upstream_id: z.string().nullable(),
    events: z.array(eventType),
    vendor_events: z.array(z.string()),
    expires_at: z.string().nullable(),
    note: z.string().nullable(),
    error: z.object({ code: errorBody.shape.code, message: z.string() }).nullable(),
  })
  .meta({ id: 'WebhookSyncEntry' }) satisfies z.ZodType<WebhookSyncEntry>;

const manualSetup = z.object({
  url: z.string(),
  secret: z.string().nullable().describe('Shown this once'),
  vendor_events: z.array(z.string()),
  instructions: z.string(),
}) satisfies z.ZodType<ManualWebhookSetup>;

export const webhookSyncResult = z
  .object({ hook: hook.nullable(), registrations: z.array(syncEntry), manual: manualSetup.nullable() })
  .meta({ id: 'WebhookSyncResult' }) satisfies z.ZodType<WebhookSyncResult>;

export const webhookRegistration = z
  .object({
    id: z.string(),
    connection_id: z.string(),
    hook_id: z.string(),
    target: z.string(),
    upstream_id: z.string(),
    events: z.array(eventType),
    vendor_events: z.array(z.string()),
    expires_at: z.string().nullable(),
    last_refreshed_at: z.string().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'WebhookRegistration' }) satisfies z.ZodType<WebhookRegistration>;

export const webhookRegistrationList = z.object({ items: z.array(webhookRegistration) });
