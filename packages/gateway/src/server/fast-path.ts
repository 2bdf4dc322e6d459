import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Runtime } from '../runtime/runtime.js';
import { errorAnswer } from './plugins/error-envelope.js';

/**
 * A server-level fast path: answers a request before fastify sees it, or answers false and leaves it to fastify.
 * Fast paths take only requests they answer exactly as fastify's route would (their tests compare the two).
 */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface FastPathDeps {
  runtime: Runtime;
  requestId(req: IncomingMessage): string;
  closing(): boolean;
  /** Counts the answer in the same series as fastify's onResponse hook; undefined when metrics are off. */
  observe: ((method: string, route: string, status: number, seconds: number) => void) | undefined;
}

/** The first fast path that takes the request. */
export const firstOf =
  (...paths: FastPath[]): FastPath =>
  (req, res) =>
    paths.some((take) => take(req, res));

/** Answer a JSON body as fastify's serializer would, with our request id. */
export function sendJson(
  res: ServerResponse,
  status: number,
  id: string,
  value: unknown,
  retryAfter?: string | number,
): void {
  const body = JSON.stringify(value);
  const head: Record<string, string | number> = {
    'x-request-id': id,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  };
  if (retryAfter !== undefined) head['retry-after'] = retryAfter;
  res.writeHead(status, head).end(body);
}

/** Answer an error in the envelope, as fastify's error handler would; a response already under way is cut. */
export function sendError(res: ServerResponse, err: unknown, id: string, log: Parameters<typeof errorAnswer>[2]): void {
  const answer = errorAnswer(err, id, log);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, answer.status, id, answer.body, answer.retryAfter);
}
