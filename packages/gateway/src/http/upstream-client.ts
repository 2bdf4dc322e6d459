import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { createUpstreamAgent, sameOriginRedirect } from './agent.js';
import { nextDelay } from './backoff.js';
import { breakerKey, CircuitBreakers } from './circuit-breaker.js';
import { type Clock, systemClock } from './clock.js';
import { ConcurrencyLimits } from './concurrency.js';
import { DirectBody } from './direct-body.js';
import { rateLimitScope, retryHint } from './retry-after.js';
import { isRetryable } from './retry-policy.js';
import { TokenBuckets } from './token-bucket.js';
import { appErrorIn, deadlineError, transportError } from './upstream-errors.js';
import {
  type ClientSettings,
  clientSettings,
  type UpstreamClientOptions,
  type UpstreamRequest,
  type UpstreamResponse,
} from './upstream-types.js';

/**
 * The one outbound HTTP client of the gateway. Per attempt: budget token → circuit breaker → concurrency
 * slot → request; around it retries (retry-policy.ts) timed by the vendor's hints or backoff, all inside a
 * per-call deadline; one credential refresh after a 401. Non-2xx responses are returned, not thrown (the
 * proxy passes them through; `expectOk` maps them for the normalized API); thrown are only AppErrors:
 * RATE_LIMITED (budget), UPSTREAM_UNAVAILABLE (breaker open, transport failure, deadline), and whatever
 * the credential throws (REAUTH_REQUIRED, TOKEN_EXPIRED). Bodies stream: nothing is buffered here.
 */
const MAX_REDIRECTS = 5;

export class UpstreamClient {
  readonly budgets: TokenBuckets;
  readonly breakers: CircuitBreakers;
  readonly limits: ConcurrencyLimits;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly clock: Clock;
  private readonly o: ClientSettings;

  constructor(private readonly options: UpstreamClientOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.o = clientSettings(options);
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      createUpstreamAgent({
        ...options,
        headersTimeoutMs: this.o.headersTimeoutMs,
        bodyTimeoutMs: this.o.bodyTimeoutMs,
      });
    const b = options.breakers;
    this.breakers = b instanceof CircuitBreakers ? b : new CircuitBreakers({ clock: this.clock, ...b });
    this.budgets = new TokenBuckets({ clock: this.clock });
    this.limits = new ConcurrencyLimits({ clock: this.clock });
  }

  /** The call, answered with undici's body stream (read it, pipe it, or dump it). */
  request(req: UpstreamRequest): Promise<UpstreamResponse> {
    return this.#call(req, openRequest);
  }

  /**
   * The same call, answered with a body held at the socket until the caller writes it into a sink or drops it
   * (DirectBody): the proxy's path, with no stream between the vendor's socket and the caller's.
   */
  open(req: UpstreamRequest): Promise<UpstreamResponse<DirectBody>> {
    return this.#call(req, openDirect);
  }

  async #call<B extends HeldBody>(req: UpstreamRequest, open: Opener<B>): Promise<UpstreamResponse<B>> {
    const deadline = this.clock.now() + (req.deadlineMs ?? this.o.deadlineMs);
    let url = typeof req.url === 'string' ? new URL(req.url) : req.url;
    const replayable =
      req.body === undefined || req.body === null || typeof req.body === 'string' || req.body instanceof Uint8Array;
    let credential =
      req.credential === undefined ? undefined : (req.credential.current?.() ?? (await req.credential.authorize()));
    let refreshed = false;
    let redirects = 0;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(req, url, credential?.authorization, deadline, open);
      const now = this.clock.now();
      if ('error' in outcome) {
        const retry =
          attempt < this.o.maxAttempts && isRetryable({ ...this.question(req, replayable), error: outcome.error });
        const delay = retry ? this.delay(attempt, undefined, now, deadline) : undefined;
        if (delay === undefined) throw transportError(outcome.error);
        const code = (outcome.error as { code?: unknown }).code;
        this.options.onRetry?.({
          attempt,
          delayMs: delay,
          origin: url.origin,
          ...(typeof code === 'string' ? { code } : {}),
        });
        await this.clock.sleep(delay, req.signal);
        continue;
      }
      const res = outcome.response;
      const status = res.statusCode;
      if (status === 401 && req.credential !== undefined && credential !== undefined && !refreshed) {
        refreshed = true;
        const used = credential;
        if (!replayable) {
          // The body stream is spent: let the credential refresh for next time and answer this 401.
          try {
            await req.credential.afterUnauthorized(used);
          } catch (err) {
            res.body.destroy();
            throw err;
          }
          return this.wrap(res, url, attempt);
        }
        await res.body.dump();
        credential = await req.credential.afterUnauthorized(used);
        attempt--;
        continue;
      }
      const target =
        req.followRedirects === true ? sameOriginRedirect(req.method, status, res.headers.location, url) : undefined;
      if (target !== undefined && redirects < MAX_REDIRECTS) {
        redirects++;
        await res.body.dump();
        url = target;
        attempt--;
        continue;
      }
      if (!isRetryable({ ...this.question(req, replayable), status })) return this.wrap(res, url, attempt);
      const hint = retryHint(res.headers, now);
      if (
        status === 429 &&
        req.budget !== undefined &&
        hint !== undefined &&
        rateLimitScope(res.headers).scope === 'quota'
      ) {
        this.budgets.blockUntil(req.budget.key, req.budget.spec, now + hint.delayMs);
      }
      const delay = attempt < this.o.maxAttempts ? this.delay(attempt, hint?.delayMs, now, deadline) : undefined;
      if (delay === undefined) return this.wrap(res, url, attempt);
      await res.body.dump();
      this.options.onRetry?.({ attempt, delayMs: delay, status, origin: url.origin });
      await this.clock.sleep(delay, req.signal);
    }
  }

  /** Close the own Agent's sockets (an injected dispatcher is the caller's to close). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private question(req: UpstreamRequest, replayable: boolean) {
    return { method: req.method, idempotent: req.idempotent, replayable };
  }

  private delay(attempt: number, hintMs: number | undefined, nowMs: number, deadlineMs: number): number | undefined {
    return nextDelay({
      attempt: attempt - 1,
      hintMs,
      nowMs,
      deadlineMs,
      maxWaitMs: this.o.maxRetryWaitMs,
      ...(this.options.backoff === undefined ? {} : { backoff: this.options.backoff }),
    });
  }

  /** One attempt. Admission failures (budget, breaker, deadline) throw; transport failures are returned. */
  private async attempt<B extends HeldBody>(
    req: UpstreamRequest,
    url: URL,
    authorization: string | undefined,
    deadline: number,
    open: Opener<B>,
  ): Promise<Attempt<B>> {
    const signal = req.signal;
    const waitBound = () => Math.min(this.o.maxBudgetWaitMs, deadline - this.clock.now());
    if (deadline - this.clock.now() <= 0) throw deadlineError();
    const budget = req.budget;
    let release: (() => void) | undefined;
    if (budget !== undefined) {
      // Both answer at once, without a promise, when a token and a slot are at hand (the usual case).
      const waiting = this.budgets.take(budget.key, budget.spec, { maxWaitMs: waitBound(), signal });
      if (waiting !== undefined) await waiting;
      const limit = budget.maxConcurrent ?? this.o.maxConcurrent;
      const slot = this.limits.acquire(budget.key, limit, { maxWaitMs: waitBound(), signal });
      release = typeof slot === 'function' ? slot : await slot;
    }
    const key = req.breakerKey ?? breakerKey(url);
    try {
      this.breakers.admit(key);
    } catch (err) {
      release?.();
      throw err;
    }
    const remaining = deadline - this.clock.now();
    const headers = authorization === undefined ? req.headers : { ...req.headers, authorization };
    const opened = await open(
      req.dispatcher ?? this.dispatcher,
      {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers: headers ?? {},
        body: req.body ?? null,
        headersTimeout: Math.min(this.o.headersTimeoutMs, Math.max(1, remaining)),
        bodyTimeout: this.o.bodyTimeoutMs,
      },
      Math.max(0, remaining),
      signal,
    );
    if ('response' in opened) {
      const response = opened.response;
      if (response.statusCode >= 500) this.breakers.failure(key);
      else this.breakers.success(key);
      if (release !== undefined) settled(response.body, release);
      return opened;
    }
    release?.();
    const error = opened.error;
    if (signal?.aborted || appErrorIn(error) !== undefined) {
      // The caller gave up, or the host guard refused the address: nothing to say about the upstream.
      this.breakers.neutral(key);
      throw appErrorIn(error) ?? error;
    }
    this.breakers.failure(key);
    return { error: opened.timedOut ? deadlineError() : error };
  }

  private wrap<B extends HeldBody>(res: Opened<B>, url: URL, attempts: number): UpstreamResponse<B> {
    return { status: res.statusCode, headers: res.headers, body: res.body, url, attempts };
  }
}

/** What the retry loop needs of a body it will not hand over: drop it (keeping the socket) or kill it. */
interface HeldBody {
  dump(): Promise<unknown>;
  destroy(error?: Error): unknown;
}

interface Opened<B> {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: B;
}

type Attempt<B> = { response: Opened<B> } | { error: unknown; timedOut?: boolean };

/** Sends one request; answers the head (body held) or the transport error, within `remainingMs`. */
type Opener<B> = (
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions & { headersTimeout: number; bodyTimeout: number },
  remainingMs: number,
  signal: AbortSignal | undefined,
) => Promise<Attempt<B>>;

function settled(body: HeldBody, fn: () => void): void {
  if (body instanceof DirectBody) body.onSettled(fn);
  else (body as Dispatcher.ResponseData['body']).once('close', fn);
}

const openRequest: Opener<Dispatcher.ResponseData['body']> = async (dispatcher, options, remainingMs, signal) => {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), remainingMs);
  try {
    const response = await dispatcher.request({
      ...options,
      signal: signal === undefined ? timeout.signal : AbortSignal.any([signal, timeout.signal]),
    });
    return { response };
  } catch (error) {
    return { error, timedOut: timeout.signal.aborted };
  } finally {
    clearTimeout(timer);
  }
};

const openDirect: Opener<DirectBody> = (dispatcher, options, remainingMs, signal) => {
  const body = new DirectBody();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    body.abort(new Error('deadline reached before the response headers'));
  }, remainingMs);
  const onAbort = () => body.abort(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  if (signal !== undefined) {
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    body.onSettled(() => signal.removeEventListener('abort', onAbort));
  }
  dispatcher.dispatch(options, body);
  return body.head.then(
    (held) => {
      clearTimeout(timer);
      return { response: { statusCode: held.statusCode, headers: held.headers, body: held } };
    },
    (error: unknown) => {
      clearTimeout(timer);
      return { error, timedOut };
    },
  );
};
