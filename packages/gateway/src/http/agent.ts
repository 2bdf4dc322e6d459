import { Agent } from 'undici';

/**
 * The client's own undici Agent when none is injected: one Pool per upstream origin (Agent's default
 * factory), keep-alive sockets reused across calls, and connect / headers / body timeouts.
 */
export interface UpstreamAgentOptions {
  /** TCP+TLS connect timeout. Default 10 s. */
  connectTimeoutMs?: number | undefined;
  /** Time to receive the response headers. Default 30 s. */
  headersTimeoutMs?: number | undefined;
  /** Longest silence between body chunks. Default 30 s. */
  bodyTimeoutMs?: number | undefined;
  /** Idle keep-alive sockets are closed after this. Default 30 s. */
  keepAliveTimeoutMs?: number | undefined;
  /** Sockets per origin. Default 64. */
  connectionsPerOrigin?: number | undefined;
}

export function createUpstreamAgent(options: UpstreamAgentOptions = {}): Agent {
  return new Agent({
    connections: options.connectionsPerOrigin ?? 64,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    keepAliveMaxTimeout: 10 * 60_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
    headersTimeout: options.headersTimeoutMs ?? 30_000,
    bodyTimeout: options.bodyTimeoutMs ?? 30_000,
  });
}

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Where a GET/HEAD redirect points, if it stays on the same origin (a credential never leaves it). */
export function sameOriginRedirect(
  method: string,
  status: number,
  location: string | string[] | undefined,
  from: URL,
): URL | undefined {
  if (!REDIRECTS.has(status) || (method !== 'GET' && method !== 'HEAD') || typeof location !== 'string')
    return undefined;
  try {
    const target = new URL(location, from);
    return target.origin === from.origin ? target : undefined;
  } catch {
    return undefined;
  }
}
