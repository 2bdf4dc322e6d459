import { type ConfluencePolling, paths, type UpdateConfluencePollingBody } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime/runtime.js';
import { PollStore } from '../../services/confluence-poll/poll-store.js';
import { getPolling, setPolling } from '../../services/confluence-poll/settings.js';
import { connectionParams } from '../connection-schemas.js';
import { principalOf } from '../plugins/authenticate.js';
import { authErrors } from '../schemas.js';

// Space keys go into the CQL between double quotes: letters, digits, `_`, `-` (personal spaces start with `~`).
const spaceKey = z.string().regex(/^~?[A-Za-z0-9_-]{1,255}$/, 'a Confluence space key');

const pollingState = z
  .object({
    connection_id: z.string(),
    enabled: z.boolean(),
    spaces: z.array(z.string()),
    interval_seconds: z.number().int(),
    watermark: z.string().nullable(),
    last_run_at: z.string().nullable(),
    last_success_at: z.string().nullable(),
    last_error: z.string().nullable(),
    last_event_count: z.number().int(),
    next_run_at: z.string().nullable(),
  })
  .meta({ id: 'ConfluencePolling' }) satisfies z.ZodType<ConfluencePolling>;

const pollingBody = z
  .object({
    enabled: z.boolean(),
    spaces: z.array(spaceKey).max(100).optional(),
    interval_seconds: z.number().int().min(30).max(86_400).optional(),
  })
  .strict() satisfies z.ZodType<UpdateConfluencePollingBody>;

/** `/v1/connections/{id}/confluence/polling`: Confluence Cloud page events by CQL polling (docs/confluence-polling.md). */
export const confluencePollingRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const deps = { store: runtime.store, polls: new PollStore(runtime.db) };
    const tenantOf = (req: Parameters<typeof principalOf>[0]) => principalOf(req).tenant.id;
    const tags = ['events'];

    app.get(
      paths.confluencePolling,
      {
        schema: {
          tags,
          summary: 'Confluence Cloud polling of a connection: settings, watermark, last run',
          params: connectionParams,
          response: { 200: pollingState, ...authErrors },
        },
      },
      async (req) => getPolling(deps, tenantOf(req), req.params.connection_id),
    );

    app.post(
      paths.confluencePolling,
      {
        schema: {
          tags,
          summary: 'Turn Confluence Cloud polling on or off (page.created / page.updated events by CQL search)',
          params: connectionParams,
          body: pollingBody,
          response: { 200: pollingState, ...authErrors },
        },
      },
      async (req) => {
        const state = await setPolling(deps, tenantOf(req), req.params.connection_id, req.body);
        req.log.info(
          { connection_id: state.connection_id, enabled: state.enabled, spaces: state.spaces.length },
          'confluence polling updated',
        );
        return state;
      },
    );
  };
