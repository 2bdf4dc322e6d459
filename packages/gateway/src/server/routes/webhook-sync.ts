import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime/runtime.js';
import { webhookSyncDeps } from '../../services/webhook-sync/from-runtime.js';
import { listRegistrations, syncWebhooks } from '../../services/webhook-sync/sync.js';
import { connectionParams } from '../connection-schemas.js';
import { principalOf } from '../plugins/authenticate.js';
import { authErrors } from '../schemas.js';
import { syncWebhooksBody, webhookRegistrationList, webhookSyncResult } from '../webhook-sync-schemas.js';

/** Webhooks registered at the vendor for a connection: sync (register or update) and list. */
export const webhookSyncRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const deps = webhookSyncDeps(runtime);
    const tenantOf = (req: Parameters<typeof principalOf>[0]) => principalOf(req).tenant.id;
    const tags = ['webhooks'];

    app.get(
      paths.webhooks,
      {
        schema: {
          tags,
          summary: 'List the webhooks Switchyard registered at the vendor for a connection (never secrets)',
          params: connectionParams,
          response: { 200: webhookRegistrationList, ...authErrors },
        },
      },
      async (req) => listRegistrations(deps, tenantOf(req), req.params.connection_id),
    );

    app.post(
      paths.webhookSync,
      {
        schema: {
          tags,
          summary: 'Register (or update) the connection’s ingest URL at the vendor with a fresh secret',
          params: connectionParams,
          body: syncWebhooksBody.optional(),
          response: { 200: webhookSyncResult, ...authErrors },
        },
      },
      async (req, reply) => {
        const { connection_id } = req.params;
        const result = await syncWebhooks(deps, tenantOf(req), connection_id, req.body ?? {});
        req.log.info(
          {
            connection_id,
            hook_id: result.hook?.id,
            registrations: result.registrations.map((r) => `${r.target}=${r.status}`),
          },
          'webhooks synced',
        );
        // A manual setup carries a secret, shown this once.
        return reply.header('cache-control', 'no-store').send(result);
      },
    );
  };
