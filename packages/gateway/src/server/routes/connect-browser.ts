import cookie from '@fastify/cookie';
import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime/runtime.js';
import { openConnectSession } from '../../services/connect-sessions.js';
import { openFlowLink } from '../../services/connect-start.js';
import { sendOutcome } from './browser-outcome.js';

/**
 * The browser side of starting a flow, outside /v1 (no API key): the start link the API answered, and the
 * connect-session link an app handed to its user. Both bind the flow to this browser with a cookie and
 * redirect to the provider.
 */
export const connectBrowserRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    await app.register(cookie);

    app.get(
      paths.connectStart,
      { schema: { hide: true, params: z.object({ state: z.string().max(200) }) } },
      async (req, reply) =>
        sendOutcome(reply, runtime.config, await openFlowLink(runtime, req.params.state, req.cookies)),
    );

    app.get(
      paths.connectSession,
      { schema: { hide: true, params: z.object({ token: z.string().max(200) }) } },
      async (req, reply) => sendOutcome(reply, runtime.config, await openConnectSession(runtime, req.params.token)),
    );
  };
