import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime/runtime.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../services/api-keys.js';
import { requireTenant } from '../../services/tenants.js';
import { principalOf, requireAdmin } from '../plugins/authenticate.js';
import { apiKey, authErrors, createdApiKey, createKeyBody, listQuery, page } from '../schemas.js';

export const keyRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      paths.keys,
      {
        schema: {
          tags: ['keys'],
          summary: 'List API keys: a tenant key sees its tenant’s; an admin key all, or those of X-Tenant-Id',
          querystring: listQuery,
          response: { 200: page(apiKey), ...authErrors },
        },
      },
      async (req) => {
        const p = principalOf(req);
        const scoped = !p.isAdmin || req.headers['x-tenant-id'] !== undefined;
        return listApiKeys(runtime.store, scoped ? p.tenant.id : undefined, req.query.limit, req.query.cursor);
      },
    );

    app.post(
      paths.keys,
      {
        schema: {
          tags: ['keys'],
          summary: 'Create an API key (admin). The key is in this answer only.',
          body: createKeyBody,
          response: { 201: createdApiKey, ...authErrors },
        },
      },
      async (req, reply) => {
        const p = requireAdmin(req);
        const tenant =
          req.body.tenant_id === undefined ? p.tenant : await requireTenant(runtime.store, req.body.tenant_id);
        const created = await createApiKey(runtime.store, {
          tenantId: tenant.id,
          name: req.body.name,
          role: req.body.role ?? 'tenant',
        });
        req.log.info({ key_id: created.id, tenant_id: tenant.id, role: created.role }, 'api key created');
        return reply.status(201).header('cache-control', 'no-store').send(created);
      },
    );

    app.delete(
      paths.key,
      {
        schema: {
          tags: ['keys'],
          summary: 'Revoke an API key (admin). Idempotent.',
          params: z.object({ key_id: z.string() }),
          response: { 200: apiKey, ...authErrors },
        },
      },
      async (req) => {
        const p = requireAdmin(req);
        const scope = req.headers['x-tenant-id'] === undefined ? undefined : p.tenant.id;
        const revoked = await revokeApiKey(runtime.store, req.params.key_id, scope);
        runtime.authenticator.invalidate(revoked.id);
        req.log.info({ key_id: revoked.id }, 'api key revoked');
        return revoked;
      },
    );
  };
