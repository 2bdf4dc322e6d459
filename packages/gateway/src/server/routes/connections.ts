import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime/runtime.js';
import { createTokenConnection } from '../../services/connection-create.js';
import { deleteConnection, getConnection, listConnections } from '../../services/connection-manage.js';
import { testConnection } from '../../services/connection-test.js';
import { updateConnection } from '../../services/connection-update.js';
import { webhookSyncDeps } from '../../services/webhook-sync/from-runtime.js';
import { leftBehind, unregisterConnectionWebhooks } from '../../services/webhook-sync/unregister.js';
import {
  connection,
  connectionPage,
  connectionParams,
  connectionTest,
  createConnectionBody,
  listConnectionsQuery,
  updateConnectionBody,
} from '../connection-schemas.js';
import { principalOf } from '../plugins/authenticate.js';
import { authErrors, errorBody } from '../schemas.js';

/** Vendor-facing failures a route that calls the vendor live may answer with. */
const upstreamErrors = { 409: errorBody, 424: errorBody, 429: errorBody, 502: errorBody, 503: errorBody } as const;

/** Token connections and the management of every connection (OAuth ones are created by the connect flow). */
export const connectionRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const tenantOf = (req: Parameters<typeof principalOf>[0]) => principalOf(req).tenant.id;
    const webhookDeps = webhookSyncDeps(runtime);

    app.get(
      paths.connections,
      {
        schema: {
          tags: ['connections'],
          summary: 'List the tenant’s connections (filter by provider and status)',
          querystring: listConnectionsQuery,
          response: { 200: connectionPage, ...authErrors },
        },
      },
      async (req) => {
        const { limit, cursor, provider, status } = req.query;
        return listConnections(runtime.store, tenantOf(req), { provider, status }, limit, cursor);
      },
    );

    app.post(
      paths.connections,
      {
        schema: {
          tags: ['connections'],
          summary: 'Create a token connection; the credential is checked live with the vendor before it is saved',
          body: createConnectionBody,
          response: { 201: connection, ...authErrors, ...upstreamErrors },
        },
      },
      async (req, reply) => {
        const created = await createTokenConnection(runtime, tenantOf(req), req.body);
        req.log.info(
          { connection_id: created.id, provider: created.provider, auth_type: created.auth.type },
          'connection created',
        );
        return reply.status(201).header('cache-control', 'no-store').send(created);
      },
    );

    app.get(
      paths.connection,
      {
        schema: {
          tags: ['connections'],
          summary: 'Get a connection (never its secret)',
          params: connectionParams,
          response: { 200: connection, ...authErrors },
        },
      },
      async (req) => getConnection(runtime.store, tenantOf(req), req.params.connection_id),
    );

    app.patch(
      paths.connection,
      {
        schema: {
          tags: ['connections'],
          summary: 'Rotate a token, move a Data Center connection, rename, or replace metadata',
          params: connectionParams,
          body: updateConnectionBody,
          response: { 200: connection, ...authErrors, ...upstreamErrors },
        },
      },
      async (req) => {
        const updated = await updateConnection(runtime, tenantOf(req), req.params.connection_id, req.body);
        runtime.connectionChanges.emit('changed', tenantOf(req), updated.id);
        req.log.info({ connection_id: updated.id, fields: Object.keys(req.body) }, 'connection updated');
        return updated;
      },
    );

    app.delete(
      paths.connection,
      {
        schema: {
          tags: ['connections'],
          summary: 'Delete a connection and, when nothing else uses it, its credential. Idempotent.',
          params: connectionParams,
          response: { 204: z.null().describe('Deleted, or already gone'), ...authErrors },
        },
      },
      async (req, reply) => {
        // Webhooks registered at the vendor go first, while the credential to remove them still exists.
        const webhooks = await unregisterConnectionWebhooks(webhookDeps, tenantOf(req), req.params.connection_id);
        const note = leftBehind(webhooks);
        const outcome = await deleteConnection(runtime.store, tenantOf(req), req.params.connection_id, note);
        if (outcome.deleted) runtime.connectionChanges.emit('changed', tenantOf(req), req.params.connection_id);
        if (outcome.deleted)
          req.log.info(
            { connection_id: req.params.connection_id, ...outcome, webhooks_removed: webhooks.removed },
            'connection deleted',
          );
        return reply.status(204).send(null);
      },
    );

    app.post(
      paths.connectionTest,
      {
        schema: {
          tags: ['connections'],
          summary: 'Call the vendor with the connection’s credential: latency, account and what failed',
          params: connectionParams,
          response: { 200: connectionTest, ...authErrors },
        },
      },
      async (req) =>
        testConnection({ ...runtime, credentials: runtime.grants }, tenantOf(req), req.params.connection_id),
    );
  };
