import type { IncomingHttpHeaders } from 'node:http';
import { type Dispatcher, request } from 'undici';
import { AppError } from '../errors/app-error.js';
import { readText } from './body.js';

export interface UpstreamAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface UpstreamGetOptions {
  dispatcher?: Dispatcher | undefined;
  headers?: Record<string, string> | undefined;
  /** Per phase (headers, then body). Default 10 s. */
  timeoutMs?: number | undefined;
}

export const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The AppError a refused address (host guard) raised inside the dispatcher, however undici wrapped it. */
function guardError(err: unknown): AppError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof AppError) return e;
  }
  return undefined;
}

/**
 * One GET to an upstream with a bounded body. Network failures become UPSTREAM_UNAVAILABLE naming the host;
 * an address refused by the host guard keeps its own VALIDATION error. HTTP statuses are the caller's to judge.
 */
export async function upstreamGet(url: string, options: UpstreamGetOptions = {}): Promise<UpstreamAnswer> {
  const timeout = options.timeoutMs ?? 10_000;
  try {
    const res = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json', 'user-agent': 'switchyard', ...options.headers },
      headersTimeout: timeout,
      bodyTimeout: timeout,
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    });
    return { status: res.statusCode, headers: res.headers, text: await readText(res.body, 1024 * 1024) };
  } catch (err) {
    const refused = guardError(err);
    if (refused !== undefined) throw refused;
    const code = (err as { code?: unknown }).code;
    const host = new URL(url).host;
    throw new AppError(
      'UPSTREAM_UNAVAILABLE',
      `Could not reach ${host}${typeof code === 'string' ? ` (${code})` : ''}. Check the URL and that the gateway can reach it, then retry.`,
      { cause: err, retryAfter: 5 },
    );
  }
}
