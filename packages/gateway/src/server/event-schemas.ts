import {
  type CreatedHook,
  type CreatedSubscription,
  type CreateHookBody,
  type CreateSubscriptionBody,
  type Delivery,
  eventTypes,
  type Hook,
  type ReplayEventBody,
  type RotateHookBody,
  type Subscription,
  type SubscriptionTestResult,
  type UpdateSubscriptionBody,
} from '@switchyard/sdk';
import { z } from 'zod';
import { listQuery, page } from './schemas.js';

/** zod schemas of hooks, subscriptions, events and deliveries; `satisfies` ties each to its SDK type. */

const id = z.string().min(1).max(100);
const source = z.enum(['bitbucket-cloud', 'bitbucket-dc', 'jira-cloud', 'confluence-dc']);
const scheme = z.enum(['hub-signature', 'atlassian-jwt']);
const eventType = z.enum(eventTypes);
const subscribedType = z.union([eventType, z.literal('*')]);
const secret = z.string().min(8).max(255).describe('Write-only; at least 8 characters');

export const hookParams = z.object({ connection_id: id, hook_id: id });

export const hook = z
  .object({
    id: z.string(),
    connection_id: z.string(),
    source,
    scheme,
    url: z.string().describe('Configure this URL at the vendor'),
    previous_secret_expires_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Hook' }) satisfies z.ZodType<Hook>;

export const createdHook = hook
  .extend({ secret: z.string().nullable().describe('Shown this once: configure it at the vendor') })
  .meta({ id: 'CreatedHook' }) satisfies z.ZodType<CreatedHook>;

export const hookList = z.object({ items: z.array(hook) });

export const createHookBody = z
  .object({ source: source.optional(), scheme: scheme.optional(), secret: secret.optional() })
  .strict() satisfies z.ZodType<CreateHookBody>;

export const rotateHookBody = z.object({ secret: secret.optional() }).strict() satisfies z.ZodType<RotateHookBody>;

/** What a hook's public id looks like (services/hooks.ts mints 32 base64url characters). */
export const HOOK_PUBLIC_ID = /^[A-Za-z0-9_-]{16,128}$/;

export const ingestParams = z.object({ public_id: z.string().regex(HOOK_PUBLIC_ID) });

export const ingestResult = z.object({
  status: z.enum(['accepted', 'duplicate', 'ignored', 'ping']),
  event_ids: z.array(z.string()).optional(),
});

const url = z.string().trim().min(1).max(2048);

export const subscription = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(subscribedType),
    connection_id: z.string().nullable(),
    status: z.enum(['active', 'disabled']),
    disabled_reason: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Subscription' }) satisfies z.ZodType<Subscription>;

export const createdSubscription = subscription
  .extend({ secret: z.string().describe('Standard Webhooks signing secret (whsec_…); shown this once') })
  .meta({ id: 'CreatedSubscription' }) satisfies z.ZodType<CreatedSubscription>;

export const subscriptionPage = page(subscription);
export const subscriptionParams = z.object({ subscription_id: id });

export const createSubscriptionBody = z
  .object({ url, events: z.array(subscribedType).min(1).max(50), connection_id: id.optional() })
  .strict() satisfies z.ZodType<CreateSubscriptionBody>;

export const updateSubscriptionBody = z
  .object({
    url: url.optional(),
    events: z.array(subscribedType).min(1).max(50).optional(),
    connection_id: id.nullable().optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one of url, events, connection_id, status')
  .meta({ id: 'UpdateSubscriptionBody' }) satisfies z.ZodType<UpdateSubscriptionBody>;

export const subscriptionTestResult = z
  .object({
    ok: z.boolean(),
    message_id: z.string(),
    status_code: z.number().int().nullable(),
    latency_ms: z.number().int(),
    error: z.string().nullable(),
  })
  .meta({ id: 'SubscriptionTestResult' }) satisfies z.ZodType<SubscriptionTestResult>;

const deliveryStatus = z.enum(['pending', 'succeeded', 'failed', 'dead']);

export const delivery = z
  .object({
    id: z.string(),
    subscription_id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    status: deliveryStatus,
    attempts: z.number().int(),
    next_attempt_at: z.string().nullable(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    attempt_log: z
      .array(
        z.object({
          attempt: z.number().int(),
          started_at: z.string(),
          duration_ms: z.number().int(),
          status_code: z.number().int().nullable(),
          error: z.string().nullable(),
          outcome: z.enum(['succeeded', 'retry', 'failed', 'dead']),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Delivery' }) satisfies z.ZodType<Delivery>;

export const deliveryPage = page(delivery);
export const deliveryParams = z.object({ delivery_id: id });
export const listDeliveriesQuery = listQuery.extend({
  subscription_id: id.optional(),
  status: deliveryStatus.optional(),
  event_id: id.optional(),
});

/**
 * An event as stored: the envelope of docs/events.md. The subject's shape depends on the type (the SDK's
 * `SwitchyardEvent` types it); here it passes through as it is.
 */
export const event = z
  .object({
    id: z.string(),
    type: eventType,
    occurred_at: z.string(),
    received_at: z.string(),
    connection_id: z.string(),
    provider: z.string(),
    actor: z.unknown(),
    subject: z.unknown(),
    vendor: z.object({ event_key: z.string(), delivery_id: z.string().nullable() }),
    raw: z.unknown().optional(),
  })
  .meta({ id: 'Event' });

export const eventPage = page(event);
export const eventParams = z.object({ event_id: id });
export const eventQuery = z.object({ include: z.literal('raw').optional() });
export const listEventsQuery = listQuery.extend({
  type: eventType.optional(),
  connection_id: id.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  include: z.literal('raw').optional(),
});

export const streamQuery = z.object({
  types: z.string().max(2000).optional().describe('Comma-separated event types'),
  connection_id: id.optional(),
  last_event_id: id.optional().describe('Resume after this id (the Last-Event-ID header wins)'),
});

export const replayBody = z.object({ subscription_id: id.optional() }).strict() satisfies z.ZodType<ReplayEventBody>;

export const replayResult = z.object({ deliveries: z.array(delivery) });
