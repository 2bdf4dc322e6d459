import { paths } from '@switchyard/sdk';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../errors/app-error.js';
import type { Runtime } from '../../runtime/runtime.js';
import { runEventStream, type StreamSink } from '../../services/event-stream.js';
import { streamQuery } from '../event-schemas.js';
import { principalOf } from '../plugins/authenticate.js';
import { authErrors } from '../schemas.js';

const EVENT_ID = /^evt_[0-9a-z]{26}$/;

/** `GET /v1/events/stream`: server-sent events, resumable with Last-Event-ID; ended when the gateway closes. */
export function eventStreamRoute(app: FastifyInstance, runtime: Runtime): void {
  const open = new Map<AbortController, Promise<void>>();
  // End every stream before the server closes, and wait for them: each answer carries Connection: close, so
  // its socket goes with it instead of holding the shutdown open until a keep-alive timeout.
  app.addHook('preClose', async () => {
    for (const c of open.keys()) c.abort();
    await Promise.allSettled([...open.values()]);
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    paths.eventStream,
    {
      schema: {
        tags: ['events'],
        summary: 'Server-sent events (text/event-stream); resume with the Last-Event-ID header',
        querystring: streamQuery,
        response: authErrors,
      },
    },
    async (req, reply) => {
      const tenantId = principalOf(req).tenant.id;
      const header = req.headers['last-event-id'];
      const lastEventId = (typeof header === 'string' && header !== '' ? header : undefined) ?? req.query.last_event_id;
      if (lastEventId !== undefined && !EVENT_ID.test(lastEventId)) {
        throw new AppError('VALIDATION', 'Last-Event-ID must be an event id (evt_…) the stream sent.');
      }
      const types = req.query.types
        ?.split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      const controller = new AbortController();
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        'x-request-id': req.id,
        connection: 'close',
      });
      res.on('close', () => controller.abort());
      const sink: StreamSink = {
        signal: controller.signal,
        write: (chunk) =>
          new Promise((resolve) => {
            if (controller.signal.aborted || res.write(chunk)) resolve();
            else {
              res.once('drain', () => resolve());
              controller.signal.addEventListener('abort', () => resolve(), { once: true });
            }
          }),
      };
      const request = {
        tenantId,
        types: types === undefined || types.length === 0 ? undefined : new Set(types),
        connectionId: req.query.connection_id,
        lastEventId,
      };
      const running = runEventStream({ store: runtime.store, notifier: runtime.events.notifier }, request, sink)
        .catch((err: unknown) => req.log.error({ err }, 'event stream failed'))
        .finally(() => {
          open.delete(controller);
          res.end();
        });
      open.set(controller, running);
      await running;
    },
  );
}
