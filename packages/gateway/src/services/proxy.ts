import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { CredentialSource } from '../auth/credential.js';
import type { Config } from '../config/load.js';
import { AppError } from '../errors/app-error.js';
import type { DirectBody } from '../http/direct-body.js';
import type { UpstreamDispatchers } from '../http/safe-dispatcher.js';
import { streamGarbage } from '../http/stream-garbage.js';
import type { UpstreamClient } from '../http/upstream-client.js';
import type { Store } from '../store/store.js';
import { forwardedRequestHeaders, returnedResponseHeaders } from './proxy-headers.js';
import { proxyPathOf, upstreamUrl } from './proxy-path.js';
import { proxyRootOf } from './proxy-root.js';
import { ProxyTargets } from './proxy-targets.js';

/**
 * The authenticated passthrough: `ANY /v1/connections/{id}/proxy/{path}` → the connection's API, with the
 * connection's credential, budget, retries and refresh-after-401 (UpstreamClient), and the vendor's answer
 * streamed back untouched. Nothing of the body is held in memory, except a request body of at most
 * `REPLAYABLE_BODY_BYTES` with a declared length, which is read first so that it can be sent again after a
 * token refresh or a 429 (a streamed body is sent once).
 */
export const REPLAYABLE_BODY_BYTES = 64 * 1024;

export interface ProxyDeps {
  store: Store;
  config: Config;
  grants: CredentialSource;
  upstream: UpstreamDispatchers;
  outbound: UpstreamClient;
}

export interface ProxyCall {
  tenantId: string;
  connectionId: string;
  method: string;
  /** The request URL as received: `/v1/connections/{id}/proxy/<path>?<query>`. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  /** The request body stream, when the request has one. */
  body: Readable | undefined;
}

export interface ProxyAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  /** The vendor's body, held at its socket: `pipeTo` the caller's response (or `destroy` it). */
  body: DirectBody;
}

const METHOD = /^[A-Z]{1,16}$/;

/** Read a small body whose length the caller declared; anything else stays a stream. */
async function replayable(body: Readable | undefined, headers: IncomingHttpHeaders): Promise<Readable | Buffer | null> {
  if (body === undefined) return null;
  const declared = Number(headers['content-length']);
  if (!Number.isInteger(declared) || declared > REPLAYABLE_BODY_BYTES || headers['transfer-encoding'] !== undefined) {
    return Readable.from(counted(body), { objectMode: false });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > REPLAYABLE_BODY_BYTES)
      throw new AppError('VALIDATION', 'The request body is longer than its Content-Length.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/** A streamed request body, passed on chunk by chunk and counted so that its socket buffers are collected. */
async function* counted(body: Readable): AsyncGenerator<Buffer> {
  for await (const chunk of body) {
    streamGarbage.streamed((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

export class ConnectionProxy {
  readonly targets: ProxyTargets;
  readonly #deps: ProxyDeps;

  /** `targets` is the runtime's shared cache in the gateway (one per process, invalidated on change). */
  constructor(deps: ProxyDeps, targets: ProxyTargets = new ProxyTargets(deps)) {
    this.#deps = deps;
    this.targets = targets;
  }

  async forward(call: ProxyCall): Promise<ProxyAnswer> {
    if (!METHOD.test(call.method)) throw new AppError('VALIDATION', `Method ${call.method} cannot be proxied.`);
    const where = proxyPathOf(call.rawUrl);
    const known = this.targets.get(call.tenantId, call.connectionId);
    const target = known instanceof Promise ? await known : known;
    const upstream = target.upstreamOf(proxyRootOf(this.#deps.config, target.place, where.path));
    const url = upstreamUrl(upstream.url, where);
    const headers = forwardedRequestHeaders(call.headers, target.defaultHeaders);
    const body = call.body === undefined ? null : await replayable(call.body, call.headers);
    const safe = call.method === 'GET' || call.method === 'HEAD';
    const res = await this.#deps.outbound.open({
      method: call.method as Dispatcher.HttpMethod,
      url,
      headers,
      body,
      credential: target.credential,
      ...(target.budget === undefined ? {} : { budget: target.budget }),
      dispatcher: upstream.dispatcher,
      followRedirects: safe,
    });
    return { status: res.status, headers: returnedResponseHeaders(res.headers), body: res.body };
  }
}
