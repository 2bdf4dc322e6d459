import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime/runtime.js';
import { testSubscription } from '../../services/subscription-test.js';
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  updateSubscription,
} from '../../services/subscriptions.js';
import {
  createdSubscription,
  createSubscriptionBody,
  subscription,
  subscriptionPage,
  subscriptionParams,
  subscriptionTestResult,
  updateSubscriptionBody,
} from '../event-schemas.js';
import { principalOf } from '../plugins/authenticate.js';
import { authErrors, listQuery } from '../schemas.js';

/** Subscriber endpoints that receive signed deliveries of events. */
export const subscriptionRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const deps = {
      store: runtime.store,
      subscriptionSecrets: runtime.events.subscriptionSecrets,
      policy: runtime.upstream.policy,
      dispatcher: runtime.upstream.guarded(),
      timeoutMs: runtime.config.deliveryTimeoutMs,
    };
    const tenantOf = (req: Parameters<typeof principalOf>[0]) => principalOf(req).tenant.id;
    const tags = ['subscriptions'];

    app.get(
      paths.subscriptions,
      {
        schema: {
          tags,
          summary: 'List subscriptions',
          querystring: listQuery,
          response: { 200: subscriptionPage, ...authErrors },
        },
      },
      async (req) => listSubscriptions(deps, tenantOf(req), req.query.limit, req.query.cursor),
    );

    app.post(
      paths.subscriptions,
      {
        schema: {
          tags,
          summary: 'Subscribe a URL to event types; the signing secret is shown once',
          body: createSubscriptionBody,
          response: { 201: createdSubscription, ...authErrors },
        },
      },
      async (req, reply) => {
        const created = await createSubscription(deps, tenantOf(req), req.body);
        req.log.info({ subscription_id: created.id, events: created.events }, 'subscription created');
        return reply.status(201).header('cache-control', 'no-store').send(created);
      },
    );

    app.get(
      paths.subscription,
      {
        schema: {
          tags,
          summary: 'Get a subscription',
          params: subscriptionParams,
          response: { 200: subscription, ...authErrors },
        },
      },
      async (req) => getSubscription(deps, tenantOf(req), req.params.subscription_id),
    );

    app.patch(
      paths.subscription,
      {
        schema: {
          tags,
          summary: 'Change the URL, event types or connection filter; disable or re-enable',
          params: subscriptionParams,
          body: updateSubscriptionBody,
          response: { 200: subscription, ...authErrors },
        },
      },
      async (req) => updateSubscription(deps, tenantOf(req), req.params.subscription_id, req.body),
    );

    app.delete(
      paths.subscription,
      {
        schema: {
          tags,
          summary: 'Delete a subscription with its secret and delivery log. Idempotent.',
          params: subscriptionParams,
          response: { 204: z.null().describe('Deleted, or already gone'), ...authErrors },
        },
      },
      async (req, reply) => {
        const { subscription_id } = req.params;
        if (await deleteSubscription(deps, tenantOf(req), subscription_id)) {
          req.log.info({ subscription_id }, 'subscription deleted');
        }
        return reply.status(204).send(null);
      },
    );

    app.post(
      paths.subscriptionTest,
      {
        schema: {
          tags,
          summary: 'Deliver a signed ping now and report what the endpoint answered',
          params: subscriptionParams,
          response: { 200: subscriptionTestResult, ...authErrors },
        },
      },
      async (req) => testSubscription(deps, tenantOf(req), req.params.subscription_id),
    );
  };
