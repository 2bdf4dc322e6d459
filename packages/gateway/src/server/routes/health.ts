import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import type { Runtime } from '../../runtime/runtime.js';
import { errorBody } from '../schemas.js';

export const healthRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['health'],
          summary: 'Liveness: the process answers',
          response: { 200: z.object({ status: z.literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        schema: {
          tags: ['health'],
          summary: 'Readiness: the database answers and every migration is applied',
          response: {
            200: z.object({ status: z.literal('ready'), database: z.literal('ok'), migrations: z.literal('applied') }),
            503: errorBody,
          },
        },
      },
      async () => {
        let pending: string[];
        try {
          await runtime.store.ping();
          pending = await runtime.store.pendingMigrations();
        } catch {
          throw new AppError(
            'SERVICE_UNAVAILABLE',
            'The database is unreachable. Check DATABASE_URL and the database server.',
            { retryAfter: 5 },
          );
        }
        if (pending.length > 0) {
          throw new AppError(
            'SERVICE_UNAVAILABLE',
            `Migrations are pending (${pending.join(', ')}). Run "switchyard migrate".`,
            {
              retryAfter: 5,
            },
          );
        }
        return { status: 'ready' as const, database: 'ok' as const, migrations: 'applied' as const };
      },
    );
  };
