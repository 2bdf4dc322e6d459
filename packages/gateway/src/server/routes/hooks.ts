import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime/runtime.js';
import { createHook, deleteHook, finishHookRotation, listHooks, rotateHook } from '../../services/hooks.js';
import { connectionParams } from '../connection-schemas.js';
import { createdHook, createHookBody, hook, hookList, hookParams, rotateHookBody } from '../event-schemas.js';
import { principalOf } from '../plugins/authenticate.js';
import { authErrors } from '../schemas.js';

/** Webhook ingest endpoints of a connection: create (secret shown once), list, rotate, delete. */
export const hookRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const deps = { ...runtime, hooks: runtime.events.hooks };
    const tenantOf = (req: Parameters<typeof principalOf>[0]) => principalOf(req).tenant.id;
    const tags = ['hooks'];

    app.get(
      paths.hooks,
      {
        schema: {
          tags,
          summary: 'List the ingest endpoints of a connection (never their secrets)',
          params: connectionParams,
          response: { 200: hookList, ...authErrors },
        },
      },
      async (req) => listHooks(deps, tenantOf(req), req.params.connection_id),
    );

    app.post(
      paths.hooks,
      {
        schema: {
          tags,
          summary: 'Create an ingest endpoint; configure its url and secret (shown once) at the vendor',
          params: connectionParams,
          body: createHookBody,
          response: { 201: createdHook, ...authErrors },
        },
      },
      async (req, reply) => {
        const created = await createHook(deps, tenantOf(req), req.params.connection_id, req.body ?? {});
        req.log.info({ hook_id: created.id, connection_id: created.connection_id }, 'hook created');
        return reply.status(201).header('cache-control', 'no-store').send(created);
      },
    );

    app.post(
      paths.hookRotate,
      {
        schema: {
          tags,
          summary: 'New secret (shown once); the previous one is accepted until finish-rotation or 7 days',
          params: hookParams,
          body: rotateHookBody.optional(),
          response: { 200: createdHook, ...authErrors },
        },
      },
      async (req, reply) => {
        const { connection_id, hook_id } = req.params;
        const rotated = await rotateHook(deps, tenantOf(req), connection_id, hook_id, req.body ?? {});
        req.log.info({ hook_id }, 'hook secret rotated');
        return reply.header('cache-control', 'no-store').send(rotated);
      },
    );

    app.post(
      paths.hookFinishRotation,
      {
        schema: {
          tags,
          summary: 'Stop accepting the previous secret now',
          params: hookParams,
          response: { 200: hook, ...authErrors },
        },
      },
      async (req) => finishHookRotation(deps, tenantOf(req), req.params.connection_id, req.params.hook_id),
    );

    app.delete(
      paths.hook,
      {
        schema: {
          tags,
          summary: 'Delete an ingest endpoint and its secrets. Idempotent.',
          params: hookParams,
          response: { 204: z.null().describe('Deleted, or already gone'), ...authErrors },
        },
      },
      async (req, reply) => {
        const { connection_id, hook_id } = req.params;
        if (await deleteHook(deps, tenantOf(req), connection_id, hook_id)) req.log.info({ hook_id }, 'hook deleted');
        return reply.status(204).send(null);
      },
    );
  };
