import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime/runtime.js';
import { getEvent, listEvents, replayEvent } from '../../services/events.js';
import {
  event,
  eventPage,
  eventParams,
  eventQuery,
  listEventsQuery,
  replayBody,
  replayResult,
} from '../event-schemas.js';
import { principalOf } from '../plugins/authenticate.js';
import { authErrors, errorBody } from '../schemas.js';
import { eventStreamRoute } from './event-stream.js';

/** The event log: list, get, replay to subscribers, and the server-sent-events stream. */
export const eventRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const tenantOf = (req: Parameters<typeof principalOf>[0]) => principalOf(req).tenant.id;
    const tags = ['events'];

    app.get(
      paths.events,
      {
        schema: {
          tags,
          summary: 'List events, oldest first (filter by type, connection, time; include=raw adds the payload)',
          querystring: listEventsQuery,
          response: { 200: eventPage, ...authErrors },
        },
      },
      async (req) => {
        const { limit, cursor, type, connection_id, since, include } = req.query;
        const filter = { type, connectionId: connection_id, since, includeRaw: include === 'raw' };
        return listEvents(runtime.store, tenantOf(req), filter, limit, cursor);
      },
    );

    eventStreamRoute(app, runtime);

    app.get(
      paths.event,
      {
        schema: {
          tags,
          summary: 'Get an event (include=raw adds the vendor payload)',
          params: eventParams,
          querystring: eventQuery,
          response: { 200: event, ...authErrors },
        },
      },
      async (req) => getEvent(runtime.store, tenantOf(req), req.params.event_id, req.query.include === 'raw'),
    );

    app.post(
      paths.eventReplay,
      {
        schema: {
          tags,
          summary: 'Deliver a stored event again: to one subscription, or to every matching active one',
          params: eventParams,
          body: replayBody.optional(),
          response: { 201: replayResult, ...authErrors, 409: errorBody },
        },
      },
      async (req, reply) => {
        const deps = { store: runtime.store, notifier: runtime.events.notifier };
        const result = await replayEvent(deps, tenantOf(req), req.params.event_id, req.body?.subscription_id);
        req.log.info({ event_id: req.params.event_id, deliveries: result.deliveries.length }, 'event replayed');
        return reply.status(201).send(result);
      },
    );
  };
