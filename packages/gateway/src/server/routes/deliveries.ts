import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime/runtime.js';
import { getDelivery, listDeliveries } from '../../services/deliveries.js';
import { delivery, deliveryPage, deliveryParams, listDeliveriesQuery } from '../event-schemas.js';
import { principalOf } from '../plugins/authenticate.js';
import { authErrors } from '../schemas.js';

/** The delivery log. */
export const deliveryRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const tenantOf = (req: Parameters<typeof principalOf>[0]) => principalOf(req).tenant.id;
    const tags = ['events'];

    app.get(
      paths.deliveries,
      {
        schema: {
          tags,
          summary: 'List deliveries (filter by subscription, status or event)',
          querystring: listDeliveriesQuery,
          response: { 200: deliveryPage, ...authErrors },
        },
      },
      async (req) => {
        const { limit, cursor, subscription_id, status, event_id } = req.query;
        const filter = { subscriptionId: subscription_id, status, eventId: event_id };
        return listDeliveries(runtime.store, tenantOf(req), filter, limit, cursor);
      },
    );

    app.get(
      paths.delivery,
      {
        schema: {
          tags,
          summary: 'Get a delivery with every attempt made',
          params: deliveryParams,
          response: { 200: delivery, ...authErrors },
        },
      },
      async (req) => getDelivery(runtime.store, tenantOf(req), req.params.delivery_id),
    );
  };
