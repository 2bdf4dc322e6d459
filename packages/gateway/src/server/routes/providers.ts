import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime/runtime.js';
import { listProviders } from '../../services/providers-list.js';
import { providerList } from '../connection-schemas.js';
import { principalOf } from '../plugins/authenticate.js';
import { authErrors } from '../schemas.js';

export const providerRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      paths.providers,
      {
        schema: {
          tags: ['connections'],
          summary: 'The providers, their auth methods and required fields, and OAuth details for this tenant',
          response: { 200: providerList, ...authErrors },
        },
      },
      async (req) => listProviders(runtime, principalOf(req).tenant.id),
    );
  };
