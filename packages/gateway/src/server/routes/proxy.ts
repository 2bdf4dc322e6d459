import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime/runtime.js';
import { ConnectionProxy } from '../../services/proxy.js';
import { principalOf } from '../plugins/authenticate.js';
import { PROXY_ROUTE, serveProxy } from '../proxy-fast-path.js';

/**
 * `ANY /v1/connections/{id}/proxy/*`: a thin adapter over ConnectionProxy. In this plugin's scope every
 * request body, whatever its content type, reaches the handler as the raw stream (no parsing, no size
 * limit), and the vendor's answer is written into the socket as undici parses it (serveProxy). A caller that
 * goes away mid-answer aborts the vendor's response. Most calls never get here: the server-level fast path
 * (proxy-fast-path.ts) answers them before fastify's lifecycle; this route takes the rest (CORS, closing)
 * and `inject()`.
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
      PROXY_ROUTE,
      {
        schema: {
          tags: ['proxy'],
          summary: 'Call the vendor’s API with the connection’s credential; the answer is the vendor’s, streamed',
          description:
            'Any method. The path after /proxy is the vendor’s (see docs/proxy.md). Switchyard’s own errors (VALIDATION, NOT_FOUND, REAUTH_REQUIRED, TOKEN_EXPIRED, RATE_LIMITED, UPSTREAM_UNAVAILABLE) use the error envelope; every other answer is the vendor’s own.',
        },
      },
      async (req, reply) =>
        serveProxy({
          proxy,
          principal: principalOf(req),
          connectionId: req.params.connection_id,
          req: req.raw,
          res: reply.raw,
          body: req.body instanceof Readable ? req.body : undefined,
          // From here the answer is the vendor's, written past fastify's send path; onResponse hooks still run.
          head: () => {
            reply.hijack();
            const head: Record<string, string | number | string[]> = {};
            for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) head[name] = value;
            return head;
          },
          log: req.log,
        }),
    );
  };
