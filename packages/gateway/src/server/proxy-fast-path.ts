import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { paths } from '@switchyard/sdk';
import type { Logger } from 'pino';
import { ClientClosed } from '../http/direct-body.js';
import type { Principal } from '../services/authenticate.js';
import type { ConnectionProxy } from '../services/proxy.js';
import { type FastPath, type FastPathDeps, sendError } from './fast-path.js';

/** The proxy route's template: fastify's route and the label its metrics carry on either path. */
export const PROXY_ROUTE = `${paths.connectionProxy}/*`;
const PROXY_URL = /^\/v1\/connections\/([^/?#]+)\/proxy\//;

export interface ProxyExchange {
  proxy: ConnectionProxy;
  principal: Principal;
  connectionId: string;
  req: IncomingMessage;
  res: ServerResponse;
  /** The request body stream, when there is one. */
  body: Readable | undefined;
  /** Headers our side adds to the vendor's answer (x-request-id, CORS), asked for once the answer is in. */
  head(): Record<string, string | number | string[]>;
  log: Pick<Logger, 'warn'>;
}

/**
 * A proxied call from the request to the last byte: forward (throws AppErrors before anything is written),
 * then the vendor's status and headers, then its body written straight into the socket. Shared by the fastify
 * route (after `reply.hijack()`) and the server-level fast path, so the two cannot drift apart.
 */
export async function serveProxy(x: ProxyExchange): Promise<void> {
  const answer = await x.proxy.forward({
    tenantId: x.principal.tenant.id,
    connectionId: x.connectionId,
    method: x.req.method ?? 'GET',
    rawUrl: x.req.url ?? '',
    headers: x.req.headers,
    body: x.body,
  });
  x.res.writeHead(answer.status, Object.assign(x.head(), answer.headers));
  try {
    await answer.body.pipeTo(x.res);
  } catch (err) {
    // The head is out, so the caller sees a cut connection. A caller that left is not worth a warning.
    if (!(err instanceof ClientClosed)) x.log.warn({ err }, 'the vendor’s response broke off mid-body');
  }
}

/** Whether a request carries a body: the same rule as node's parser (a length above 0, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export interface ProxyFastPathDeps extends FastPathDeps {
  proxy: ConnectionProxy;
}

/**
 * The proxy route without fastify's request lifecycle: the one route users call all day, so its per-call cost
 * is only what it must do (API key, connection, credential, budget, the vendor's answer written into the
 * socket). It claims `…/proxy/…` requests when it can answer them exactly as the fastify route would: not
 * while the gateway is closing and not for browser requests when CORS is on (those take the fastify route,
 * which serves them through `serveProxy` too). What fastify would add, it does itself: the request id header,
 * the error envelope, the request log lines at `info`, the metrics. Answers whether it took the request.
 */
export function proxyFastPath(deps: ProxyFastPathDeps): FastPath {
  const { runtime } = deps;
  const cors = runtime.config.corsOrigins.length > 0;
  const logger = runtime.logger;
  return (req, res) => {
    const url = req.url;
    if (url === undefined || !url.startsWith('/v1/connections/')) return false;
    const match = PROXY_URL.exec(url);
    if (match === null || deps.closing() || (cors && req.headers.origin !== undefined)) return false;
    const id = deps.requestId(req);
    const started = performance.now();
    const log = logger.isLevelEnabled('info') ? logger.child({ reqId: id }) : logger;
    if (log !== logger)
      log.info({ req: { id, method: req.method, url, ip: req.socket.remoteAddress } }, 'incoming request');
    res.once('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      deps.observe?.(req.method ?? 'GET', PROXY_ROUTE, res.statusCode, seconds);
      if (log !== logger)
        log.info({ res: { statusCode: res.statusCode }, responseTime: seconds * 1000 }, 'request completed');
    });
    // Connection ids are plain (`con_…`); an encoded one is decoded as fastify decodes route params.
    const raw = match[1] ?? '';
    let connectionId = raw;
    if (raw.includes('%')) {
      try {
        connectionId = decodeURIComponent(raw);
      } catch {
        return false; // let fastify answer the malformed URL
      }
    }
    void answer(deps, req, res, id, connectionId, log);
    return true;
  };
}

async function answer(
  deps: ProxyFastPathDeps,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  connectionId: string,
  log: Logger,
): Promise<void> {
  try {
    const header = req.headers['x-tenant-id'];
    const tenantHeader = Array.isArray(header) ? header[0] : header;
    const { authenticator } = deps.runtime;
    const principal =
      authenticator.cached(req.headers.authorization, tenantHeader) ??
      (await authenticator.authenticate(req.headers.authorization, tenantHeader));
    await serveProxy({
      proxy: deps.proxy,
      principal,
      connectionId,
      req,
      res,
      body: hasBody(req) ? req : undefined,
      head: () => ({ 'x-request-id': id }),
      log,
    });
  } catch (err) {
    sendError(res, err, id, log);
  }
}
