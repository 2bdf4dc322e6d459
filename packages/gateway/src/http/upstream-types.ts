import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { AppliedCredential, CredentialSource } from '../auth/credential.js';
import type { UpstreamAgentOptions } from './agent.js';
import type { BackoffOptions } from './backoff.js';
import type { BreakerOptions, CircuitBreakers } from './circuit-breaker.js';
import type { Clock } from './clock.js';
import type { HeaderBag } from './retry-after.js';
import type { BucketSpec } from './token-bucket.js';

/**
 * The credential of one request: applied before the first attempt; after a 401, `afterUnauthorized` runs
 * once (it refreshes, or throws REAUTH_REQUIRED / TOKEN_EXPIRED, which propagates) and the request is sent
 * again with the new credential. Matches auth/credential.ts bound to one grant (`bindCredential`).
 */
export interface RequestCredential<C extends { authorization: string } = { authorization: string }> {
  authorize(): Promise<C>;
  /** The credential authorize() would answer, when it is at hand without any wait (a cached one). */
  current?(): C | undefined;
  afterUnauthorized(used: C): Promise<C>;
}

export function bindCredential(source: CredentialSource, grantId: string): RequestCredential<AppliedCredential> {
  return {
    authorize: () => source.authorize(grantId),
    afterUnauthorized: (used) => source.afterUnauthorized(used),
  };
}

export interface RequestBudget {
  /** Who pays: a connection id, or a connection and a class of call (`conn_1:search`). */
  key: string;
  spec: BucketSpec;
  /** Requests of this key in flight at most. Default: the client's `maxConcurrent`. */
  maxConcurrent?: number;
}

export interface UpstreamRequest {
  method: Dispatcher.HttpMethod;
  /** Absolute URL on the upstream. */
  url: string | URL;
  headers?: Record<string, string>;
  /** Strings and bytes can be replayed on retry; a stream is sent once and never retried. */
  body?: string | Uint8Array | Readable | null;
  /**
   * The idempotency marker. true: safe to repeat whatever the method (a POST that only reads, or one the
   * vendor deduplicates). false: treat as a write. Default: by method (GET, HEAD, OPTIONS, PUT, DELETE).
   */
  idempotent?: boolean;
  credential?: RequestCredential<{ authorization: string }>;
  budget?: RequestBudget;
  /** The whole call — waits, retries, until the response headers — ends by then (ms). Default: client's. */
  deadlineMs?: number;
  /** The caller gave up (client disconnected): aborts waits, the request and the response body. */
  signal?: AbortSignal;
  /** Follow same-origin redirects of GET/HEAD (Bitbucket Cloud's diff answers 302). Default false. */
  followRedirects?: boolean;
  /** Send this request through another dispatcher than the client's (e.g. the guarded agent of a DC connection). */
  dispatcher?: Dispatcher;
  /** The circuit breaker to use. Default: breakerKey(url) — the origin, or the site on api.atlassian.com. */
  breakerKey?: string;
}

export interface UpstreamResponse<B = Dispatcher.ResponseData['body']> {
  status: number;
  headers: HeaderBag;
  /**
   * Not buffered: undici's body stream (`request`; read it, pipe it, or `dump()` it — the connection waits for
   * that), or a DirectBody (`open`; `pipeTo` a sink, `dump()` or `destroy()` it).
   */
  body: B;
  /** The URL that answered (after redirects). */
  url: URL;
  /** Attempts made, retries included. */
  attempts: number;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  status?: number;
  code?: string;
  origin: string;
}

export interface UpstreamClientOptions extends UpstreamAgentOptions {
  /** Send through this dispatcher (the SSRF-guarded agent, or a MockAgent in tests). Default: an own Agent. */
  dispatcher?: Dispatcher;
  /** Default per-call deadline. Default 30 s. */
  deadlineMs?: number;
  /** Attempts per call including the first. Default 4. */
  maxAttempts?: number;
  /** The longest single wait before a retry; a longer Retry-After is answered to the caller instead. Default 20 s. */
  maxRetryWaitMs?: number;
  /** The longest wait for a budget token or a concurrency slot. Default 5 s. */
  maxBudgetWaitMs?: number;
  /** Requests in flight per budget key. Default 64. */
  maxConcurrent?: number;
  backoff?: BackoffOptions;
  breakers?: CircuitBreakers | BreakerOptions;
  clock?: Clock;
  onRetry?: (event: RetryEvent) => void;
}

export type ClientSettings = Record<
  | 'headersTimeoutMs'
  | 'bodyTimeoutMs'
  | 'deadlineMs'
  | 'maxAttempts'
  | 'maxRetryWaitMs'
  | 'maxBudgetWaitMs'
  | 'maxConcurrent',
  number
>;

/** The documented defaults filled in. */
export function clientSettings(options: UpstreamClientOptions): ClientSettings {
  return {
    headersTimeoutMs: options.headersTimeoutMs ?? 30_000,
    bodyTimeoutMs: options.bodyTimeoutMs ?? 30_000,
    deadlineMs: options.deadlineMs ?? 30_000,
    maxAttempts: options.maxAttempts ?? 4,
    maxRetryWaitMs: options.maxRetryWaitMs ?? 20_000,
    maxBudgetWaitMs: options.maxBudgetWaitMs ?? 5_000,
    maxConcurrent: options.maxConcurrent ?? 64,
  };
}
