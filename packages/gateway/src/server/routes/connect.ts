import cookie from '@fastify/cookie';
import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime/runtime.js';
import { createConnectSession } from '../../services/connect-sessions.js';
import { startConnect } from '../../services/connect-start.js';
import {
  connectBody,
  connectQuery,
  connectSession,
  connectStarted,
  createConnectSessionBody,
  providerParams,
} from '../connect-schemas.js';
import { principalOf } from '../plugins/authenticate.js';
import { authErrors } from '../schemas.js';
import { setBindingCookie } from './browser-outcome.js';

/** Start OAuth connections: a start link for the user's browser, or a connect session an app hands over. */
export const connectRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    await app.register(cookie);

    app.post(
      paths.connect,
      {
        schema: {
          tags: ['connect'],
          summary: 'Start an OAuth connection; open authorize_url in the user’s browser',
          params: providerParams,
          querystring: connectQuery,
          body: connectBody.optional(),
          response: { 201: connectStarted, 424: authErrors[400], ...authErrors },
        },
      },
      async (req, reply) => {
        const tenantId = principalOf(req).tenant.id;
        const bind = req.query.redirect === 'true';
        const started = await startConnect(runtime, tenantId, req.params.provider, req.body ?? {}, { bind });
        if (started.cookie !== undefined) {
          // The caller is the browser: bind it now and send it straight to the provider.
          setBindingCookie(reply, runtime.config, started.cookie);
          return reply.header('cache-control', 'no-store').redirect(started.providerUrl, 307);
        }
        return reply
          .status(201)
          .header('cache-control', 'no-store')
          .send({ authorize_url: started.authorizeUrl, expires_at: started.expiresAt });
      },
    );

    app.post(
      paths.connectSessions,
      {
        schema: {
          tags: ['connect'],
          summary: 'Create a single-use URL that lets an end user’s browser connect without the API key',
          body: createConnectSessionBody,
          response: { 201: connectSession, 424: authErrors[400], ...authErrors },
        },
      },
      async (req, reply) => {
        const session = await createConnectSession(runtime, principalOf(req).tenant.id, req.body);
        return reply.status(201).header('cache-control', 'no-store').send(session);
      },
    );
  };
