import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../../errors/app-error.js';
import type { Runtime } from '../../runtime/runtime.js';
import { ingestDelivery } from '../../webhooks/ingest/ingest.js';
import { ingestParams, ingestResult } from '../event-schemas.js';
import { errorBody } from '../schemas.js';

/**
 * `POST /hooks/{public_id}`: webhooks from Bitbucket, Jira and Confluence. No API key (the signature
 * authenticates); the body is kept as the raw bytes so the signature is checked over exactly what was sent.
 * JSON only; the body limit is SWITCHYARD_BODY_LIMIT_BYTES.
 */
export const ingestRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    app.removeAllContentTypeParsers();
    const keepRaw = (_req: unknown, body: Buffer | string, done: (err: null, body: Buffer | string) => void) =>
      done(null, body);
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, keepRaw);
    app.addContentTypeParser(/^application\/[a-z0-9.-]+\+json$/, { parseAs: 'buffer' }, keepRaw);
    const deps = { hooks: runtime.events.hooks, sink: runtime.events.ingest };

    app.post(
      paths.ingest,
      {
        // No access log line per webhook at info: the event log records every accepted delivery, refusals are
        // logged at warn with their reason, and /metrics counts requests by status.
        logLevel: 'warn',
        schema: {
          tags: ['events'],
          summary: 'Webhook ingest: verified over the raw body, stored, then acknowledged',
          security: [],
          params: ingestParams,
          response: { 200: ingestResult, 401: errorBody, 404: errorBody, 413: errorBody, 415: errorBody },
        },
      },
      async (req) => {
        if (!Buffer.isBuffer(req.body)) {
          throw new AppError(
            'UNSUPPORTED_MEDIA_TYPE',
            'Webhooks are JSON: send a body with Content-Type: application/json.',
          );
        }
        return ingestDelivery({ ...deps, logger: req.log }, req.params.public_id, req.body, req.headers);
      },
    );
  };
