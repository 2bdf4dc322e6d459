import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { paths } from '@switchyard/sdk';
import type { Logger } from 'pino';
import { ingestDelivery } from '../webhooks/ingest/ingest.js';
import { HOOK_PUBLIC_ID } from './event-schemas.js';
import { type FastPath, type FastPathDeps, sendError, sendJson } from './fast-path.js';

/** A hook URL with a well-formed public id (others go to the route, whose validation answers them). */
const HOOK_URL = new RegExp(`^/hooks/(${HOOK_PUBLIC_ID.source.slice(1, -1)})(?:\\?|$)`);

/** `application/json`, with or without parameters: what vendors send. Other JSON types take fastify's route. */
function plainJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase() === 'application/json';
}

/**
 * Webhook ingest without fastify's request lifecycle: the route vendors call at their rate, not ours. It takes a
 * `POST /hooks/{public_id}` when it can answer exactly as fastify's route would (routes/ingest.ts): a plain JSON
 * body with a Content-Length within the body limit, not while closing, not a browser request when CORS is on.
 * Everything else (other media types, chunked or oversized bodies) goes to the route, which answers the errors.
 * Both run `ingestDelivery`; like the route it logs at `warn` (refusals) and counts the answer in the metrics.
 */
export function ingestFastPath(deps: FastPathDeps): FastPath {
  const { runtime } = deps;
  const cors = runtime.config.corsOrigins.length > 0;
  const limit = runtime.config.bodyLimitBytes;
  const ingest = { hooks: runtime.events.hooks, sink: runtime.events.ingest };
  return (req, res) => {
    const url = req.url;
    if (req.method !== 'POST' || url === undefined || !url.startsWith('/hooks/')) return false;
    const match = HOOK_URL.exec(url);
    if (match === null || deps.closing() || (cors && req.headers.origin !== undefined)) return false;
    const length = Number(req.headers['content-length']);
    if (!(length > 0 && length <= limit) || req.headers['transfer-encoding'] !== undefined) return false;
    if (!plainJson(req.headers['content-type'])) return false;
    const id = deps.requestId(req);
    const started = performance.now();
    if (deps.observe !== undefined) {
      const observe = deps.observe;
      res.once('finish', () => observe('POST', paths.ingest, res.statusCode, (performance.now() - started) / 1000));
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      void answer(deps, ingest, match[1] ?? '', body, req, res, id);
    });
    return true;
  };
}

async function answer(
  deps: FastPathDeps,
  ingest: Omit<Parameters<typeof ingestDelivery>[0], 'logger'>,
  publicId: string,
  body: Buffer,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
): Promise<void> {
  // As fastify's route: a request logger bound to the request id, at `warn`, made only if something is logged.
  let child: Logger | undefined;
  const log = () => {
    child ??= deps.runtime.logger.child({ reqId: id }, { level: 'warn' });
    return child;
  };
  const logger = { warn: (fields: object, message: string) => log().warn(fields, message) };
  try {
    sendJson(res, 200, id, await ingestDelivery({ ...ingest, logger }, publicId, body, req.headers));
  } catch (err) {
    sendError(res, err, id, log());
  }
}
