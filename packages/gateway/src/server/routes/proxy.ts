import { Readable } from 'node:stream';
import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime/runtime.js';
import { ConnectionProxy } from '../../services/proxy.js';
import { principalOf } from '../plugins/authenticate.js';

/**
 * `ANY /v1/connections/{id}/proxy/*`: a thin adapter over ConnectionProxy. In this plugin's scope every
 * request body, whatever its content type, reaches the handler as the raw stream (no parsing, no size
 * limit), and the vendor's answer is sent back as a stream. A caller that goes away mid-answer destroys
 * the reply stream, and with it the vendor's response (fastify destroys the payload when the socket closes).
 */
export const proxyRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const proxy = new ConnectionProxy(runtime, runtime.targets);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

    // No params schema: the id is only a lookup key (an unknown one is NOT_FOUND), and the vendor path is
    // read from the raw URL, so validating them would only cost time on the hot path.
    app.all<{ Params: { connection_id: string } }>(
      `${paths.connectionProxy}/*`,
      {
        schema: {
          tags: ['proxy'],
          summary: 'Call the vendor’s API with the connection’s credential; the answer is the vendor’s, streamed',
          description:
            'Any method. The path after /proxy is the vendor’s (see docs/proxy.md). Switchyard’s own errors (VALIDATION, NOT_FOUND, REAUTH_REQUIRED, TOKEN_EXPIRED, RATE_LIMITED, UPSTREAM_UNAVAILABLE) use the error envelope; every other answer is the vendor’s own.',
        },
      },
      async (req, reply) => {
        const answer = await proxy.forward({
          tenantId: principalOf(req).tenant.id,
          connectionId: req.params.connection_id,
          method: req.method,
          rawUrl: req.raw.url ?? req.url,
          headers: req.headers,
          body: req.body instanceof Readable ? req.body : undefined,
        });
        return reply.code(answer.status).headers(answer.headers).send(answer.body);
      },
    );
  };
