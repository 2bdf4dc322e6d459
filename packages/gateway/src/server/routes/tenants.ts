import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { forbidden } from '../../errors/app-error.js';
import type { Runtime } from '../../runtime/runtime.js';
import { toApiKey } from '../../services/api-keys.js';
import { createTenant, listTenants, requireTenant, toTenant } from '../../services/tenants.js';
import { principalOf, requireAdmin } from '../plugins/authenticate.js';
import { authErrors, createTenantBody, errorBody, listQuery, page, tenant, whoami } from '../schemas.js';

export const tenantRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      paths.whoami,
      {
        schema: {
          tags: ['tenants'],
          summary: 'The key and tenant this request acts as',
          response: { 200: whoami, ...authErrors },
        },
      },
      async (req) => {
        const p = principalOf(req);
        return { tenant: toTenant(p.tenant), key: toApiKey(p.key), acting_as_admin: p.isAdmin };
      },
    );

    app.get(
      paths.tenants,
      {
        schema: {
          tags: ['tenants'],
          summary: 'List tenants (admin)',
          querystring: listQuery,
          response: { 200: page(tenant), ...authErrors },
        },
      },
      async (req) => {
        requireAdmin(req);
        return listTenants(runtime.store, req.query.limit, req.query.cursor);
      },
    );

    app.post(
      paths.tenants,
      {
        schema: {
          tags: ['tenants'],
          summary: 'Create a tenant (admin)',
          body: createTenantBody,
          response: { 201: tenant, ...authErrors, 409: errorBody },
        },
      },
      async (req, reply) => {
        requireAdmin(req);
        const row = await createTenant(runtime.store, req.body);
        req.log.info({ tenant_id: row.id }, 'tenant created');
        return reply.status(201).send(toTenant(row));
      },
    );

    app.get(
      paths.tenant,
      {
        schema: {
          tags: ['tenants'],
          summary: 'One tenant, by id or slug (admin, or the key’s own tenant)',
          params: z.object({ tenant_id: z.string() }),
          response: { 200: tenant, ...authErrors },
        },
      },
      async (req) => {
        const p = principalOf(req);
        const row = await requireTenant(runtime.store, req.params.tenant_id);
        if (!p.isAdmin && row.id !== p.tenant.id) throw forbidden('A tenant key can read only its own tenant.');
        return toTenant(row);
      },
    );
  };
