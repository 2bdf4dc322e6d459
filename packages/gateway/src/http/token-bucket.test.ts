import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { manualClock, systemClock } from './clock.js';
import { ConcurrencyLimits } from './concurrency.js';
import { DEFAULT_BUDGETS, perHour, TokenBuckets } from './token-bucket.js';

describe('token buckets', () => {
  it('perHour never allows more than the limit in any rolling hour', () => {
    const spec = perHour(1000, 100);
    expect(spec.capacity + spec.refillPerSecond * 3600).toBeCloseTo(1000);
    expect(DEFAULT_BUDGETS['bitbucket-cloud']).toEqual(spec);
  });

  it('spends the burst at once, then serves waiting callers in order of arrival', async () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ clock });
    const spec = { capacity: 2, refillPerSecond: 1 };
    for (let i = 0; i < 2; i++) await buckets.take('k', spec, { maxWaitMs: 0 });
    expect(clock.sleeps).toEqual([]);
    await Promise.all([buckets.take('k', spec, { maxWaitMs: 5000 }), buckets.take('k', spec, { maxWaitMs: 5000 })]);
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it('fails RATE_LIMITED with retry_after when the wait exceeds the bound, and keeps the token', async () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ clock });
    const spec = { capacity: 1, refillPerSecond: 0.1 };
    await buckets.take('k', spec, { maxWaitMs: 0 });
    const err = await Promise.resolve(buckets.take('k', spec, { maxWaitMs: 1000 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('RATE_LIMITED');
    expect((err as AppError).retryAfter).toBe(10);
    expect(buckets.available('k', spec)).toBe(0);
    clock.advance(10_000);
    await buckets.take('k', spec, { maxWaitMs: 0 });
  });

  it('keys are independent, refill is capped at capacity, and a vendor block holds everyone', async () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ clock });
    const spec = { capacity: 3, refillPerSecond: 1 };
    await buckets.take('a', spec, { maxWaitMs: 0 });
    expect(buckets.available('b', spec)).toBe(3);
    clock.advance(60_000);
    expect(buckets.available('a', spec)).toBe(3);
    buckets.blockUntil('a', spec, clock.now() + 30_000);
    const err = (await Promise.resolve(buckets.take('a', spec, { maxWaitMs: 1000 })).catch(
      (e: unknown) => e,
    )) as AppError;
    expect(err.retryAfter).toBe(30);
  });

  it('answers at once, without a promise, when a token is at hand', () => {
    const buckets = new TokenBuckets({ clock: manualClock() });
    const spec = { capacity: 1, refillPerSecond: 1 };
    expect(buckets.take('k', spec, { maxWaitMs: 0 })).toBeUndefined();
    expect(buckets.take('k', spec, { maxWaitMs: 5000 })).toBeInstanceOf(Promise);
  });

  it('drops the oldest bucket beyond maxKeys', async () => {
    const buckets = new TokenBuckets({ clock: manualClock(), maxKeys: 2 });
    const spec = { capacity: 1, refillPerSecond: 0.001 };
    for (const k of ['a', 'b', 'c']) await buckets.take(k, spec, { maxWaitMs: 0 });
    expect(buckets.available('a', spec)).toBe(1); // came back full
  });
});

describe('concurrency limits', () => {
  it('queues beyond the cap, hands slots on in order, and times out waiters with RATE_LIMITED', async () => {
    const limits = new ConcurrencyLimits({ clock: systemClock });
    const r1 = await limits.acquire('k', 1, { maxWaitMs: 0 });
    const order: string[] = [];
    const w2 = Promise.resolve(limits.acquire('k', 1, { maxWaitMs: 1000 })).then((r) => {
      order.push('second');
      return r;
    });
    const w3 = Promise.resolve(limits.acquire('k', 1, { maxWaitMs: 20 })).catch((e: unknown) => e);
    expect(((await w3) as AppError).code).toBe('RATE_LIMITED');
    r1();
    r1(); // releasing twice is harmless
    const r2 = await w2;
    expect(order).toEqual(['second']);
    expect(limits.active('k')).toBe(1);
    r2();
    expect(limits.active('k')).toBe(0);
  });

  it('hands a free slot over at once, without a promise', () => {
    const limits = new ConcurrencyLimits();
    const slot = limits.acquire('k', 1, { maxWaitMs: 0 });
    expect(typeof slot).toBe('function');
    const waiting = limits.acquire('k', 1, { maxWaitMs: 10 });
    expect(waiting).toBeInstanceOf(Promise);
    return Promise.resolve(waiting).then(
      () => expect.unreachable('the slot is taken'),
      (e: unknown) => expect((e as AppError).code).toBe('RATE_LIMITED'),
    );
  });

  it('an aborted waiter leaves the queue', async () => {
    const limits = new ConcurrencyLimits();
    const r1 = await limits.acquire('k', 1, { maxWaitMs: 0 });
    const abort = new AbortController();
    const waiting = Promise.resolve(limits.acquire('k', 1, { maxWaitMs: 10_000, signal: abort.signal })).catch(
      (e: unknown) => e,
    );
    abort.abort(new Error('client went away'));
    expect(((await waiting) as Error).message).toBe('client went away');
    r1();
    expect(limits.active('k')).toBe(0);
  });
});
