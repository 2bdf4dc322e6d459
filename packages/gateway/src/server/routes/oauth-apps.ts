import type { OAuthApp } from '@switchyard/sdk';
import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireProvider } from '../../providers/registry.js';
import type { Runtime } from '../../runtime/runtime.js';
import { deleteOAuthApp, putOAuthApp } from '../../services/oauth-apps.js';
import type { OAuthAppRow } from '../../store/connection-store.js';
import { oauthApp, providerParams, putOAuthAppBody } from '../connect-schemas.js';
import { principalOf } from '../plugins/authenticate.js';
import { authErrors, page } from '../schemas.js';

const view = (row: OAuthAppRow): OAuthApp => ({
  provider: row.provider,
  client_id: row.client_id,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

/** The tenant's own OAuth clients. The client secret goes in and is never answered back. */
export const oauthAppRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      paths.oauthApps,
      {
        schema: {
          tags: ['oauth-apps'],
          summary: 'List the tenant’s OAuth apps (never their secrets)',
          response: { 200: page(oauthApp), ...authErrors },
        },
      },
      async (req) => {
        const rows = await runtime.store.connections.listOAuthApps(principalOf(req).tenant.id);
        return { items: rows.map(view), next_cursor: null };
      },
    );

    app.put(
      paths.oauthApp,
      {
        schema: {
          tags: ['oauth-apps'],
          summary: 'Set the tenant’s OAuth client for a provider (replaces the previous one)',
          params: providerParams,
          body: putOAuthAppBody,
          response: { 200: oauthApp, ...authErrors },
        },
      },
      async (req) => {
        const p = principalOf(req);
        const row = await putOAuthApp(runtime, p.tenant.id, req.params.provider, {
          clientId: req.body.client_id,
          clientSecret: req.body.client_secret,
        });
        req.log.info({ tenant_id: p.tenant.id, provider: row.provider }, 'oauth app set');
        return view(row);
      },
    );

    app.delete(
      paths.oauthApp,
      {
        schema: {
          tags: ['oauth-apps'],
          summary: 'Remove the tenant’s OAuth client for a provider. Idempotent.',
          params: providerParams,
          response: { 204: z.null().describe('Removed (or there was none)'), ...authErrors },
        },
      },
      async (req, reply) => {
        const p = principalOf(req);
        requireProvider(req.params.provider);
        if (await deleteOAuthApp(runtime, p.tenant.id, req.params.provider)) {
          req.log.info({ tenant_id: p.tenant.id, provider: req.params.provider }, 'oauth app removed');
        }
        return reply.status(204).send(null);
      },
    );
  };
