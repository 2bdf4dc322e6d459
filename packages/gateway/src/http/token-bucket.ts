import { AppError } from '../errors/app-error.js';
import type { ProviderId } from '../providers/types.js';
import { type Clock, systemClock } from './clock.js';

/**
 * Client-side request budgets: one token bucket per key (a connection, or a connection and a class of call:
 * `conn_1:read`, `conn_1:write`, `conn_1:search`). A caller takes a token before each upstream attempt;
 * when the bucket is empty it waits for the refill up to a bound, then fails RATE_LIMITED with retry_after.
 * Waiting callers reserve their token at once (the balance goes negative), so they are served in order
 * without polling.
 */
export interface BucketSpec {
  /** Tokens the bucket holds when full: the burst allowed after a quiet spell. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

/**
 * At most `limit` requests in any rolling hour (Bitbucket Cloud counts a rolling hour): a burst of `burst`
 * plus a refill of `limit - burst` spread over the hour.
 */
export function perHour(limit: number, burst = Math.max(1, Math.floor(limit / 10))): BucketSpec {
  const b = Math.min(burst, limit);
  return { capacity: b, refillPerSecond: Math.max(limit - b, 1) / 3600 };
}

export function perSecond(rate: number, burst = rate): BucketSpec {
  return { capacity: burst, refillPerSecond: rate };
}

/**
 * Default budgets per connection, before configuration overrides them (FACTS §2).
 * - bitbucket-cloud: the documented 1,000 requests per rolling hour per user or OAuth consumer.
 * - atlassian-cloud: Jira/Confluence Cloud burst limits are per tenant and endpoint (reported as about
 *   100/s) and the hourly points quota is shared by every tenant of the app, so no local number is exact;
 *   10/s with bursts of 50 keeps one connection from starving the others. Retry-After governs beyond that.
 * - Data Center: limits are set by each admin (Bitbucket DC suggests buckets of 60 refilled at 5/s).
 */
export const DEFAULT_BUDGETS: Readonly<Record<ProviderId, BucketSpec>> = {
  'bitbucket-cloud': perHour(1000, 100),
  'atlassian-cloud': perSecond(10, 50),
  'jira-dc': perSecond(5, 60),
  'confluence-dc': perSecond(5, 60),
  'bitbucket-dc': perSecond(5, 60),
};

interface Bucket {
  tokens: number;
  at: number;
  /** The vendor said the quota is spent until then (a 429 with a quota reason). */
  blockedUntil: number;
}

export interface TokenBucketsOptions {
  clock?: Clock;
  /** Buckets kept at most; the oldest is dropped beyond it (a dropped bucket comes back full). Default 10,000. */
  maxKeys?: number;
}

export interface TakeOptions {
  /** The longest this call may wait for a token before failing RATE_LIMITED. */
  maxWaitMs: number;
  signal?: AbortSignal | undefined;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly clock: Clock;
  private readonly maxKeys: number;

  constructor(options: TokenBucketsOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  private bucket(key: string, spec: BucketSpec, now: number): Bucket {
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next();
        if (oldest.done !== true) this.buckets.delete(oldest.value);
      }
      b = { tokens: spec.capacity, at: now, blockedUntil: 0 };
      this.buckets.set(key, b);
      return b;
    }
    const elapsed = Math.max(0, now - b.at) / 1000;
    b.tokens = Math.min(spec.capacity, b.tokens + elapsed * spec.refillPerSecond);
    b.at = now;
    return b;
  }

  /** Tokens left now (negative while callers wait for reserved tokens). */
  available(key: string, spec: BucketSpec): number {
    return this.bucket(key, spec, this.clock.now()).tokens;
  }

  /**
   * Take one token, waiting up to `maxWaitMs` for it; otherwise RATE_LIMITED with retry_after in seconds.
   * With a token at hand it answers undefined at once (no promise on the hot path); otherwise the wait.
   */
  take(key: string, spec: BucketSpec, options: TakeOptions): Promise<void> | undefined {
    const now = this.clock.now();
    const b = this.bucket(key, spec, now);
    b.tokens -= 1;
    const forTokens = b.tokens >= 0 ? 0 : (-b.tokens / spec.refillPerSecond) * 1000;
    const wait = Math.ceil(Math.max(forTokens, b.blockedUntil - now, 0));
    if (wait > options.maxWaitMs) {
      b.tokens += 1;
      return Promise.reject(
        new AppError('RATE_LIMITED', 'The request budget for this connection is spent; retry later.', {
          retryAfter: Math.max(1, Math.ceil(wait / 1000)),
        }),
      );
    }
    if (wait === 0) return undefined;
    return this.clock.sleep(wait, options.signal).catch((err: unknown) => {
      b.tokens += 1;
      throw err;
    });
  }

  /** The vendor reported the quota behind `key` spent until `untilMs`: hold every caller until then. */
  blockUntil(key: string, spec: BucketSpec, untilMs: number): void {
    const b = this.bucket(key, spec, this.clock.now());
    b.blockedUntil = Math.max(b.blockedUntil, untilMs);
  }
}
