import { describe, expect, it } from 'vitest';
import { backoffDelay, nextDelay } from './backoff.js';
import { classifyError, isRetryable } from './retry-policy.js';

const err = (code: string) => Object.assign(new Error(code), { code });

describe('retry policy', () => {
  it('retries idempotent methods on 502/503/504 and network errors', () => {
    for (const status of [502, 503, 504]) {
      expect(isRetryable({ method: 'GET', replayable: true, status })).toBe(true);
      expect(isRetryable({ method: 'PUT', replayable: true, status })).toBe(true);
    }
    expect(isRetryable({ method: 'GET', replayable: true, error: err('ECONNRESET') })).toBe(true);
    expect(isRetryable({ method: 'DELETE', replayable: true, error: err('UND_ERR_SOCKET') })).toBe(true);
  });

  it('retries any method on 429: the vendor refused the request', () => {
    expect(isRetryable({ method: 'POST', replayable: true, status: 429 })).toBe(true);
    expect(isRetryable({ method: 'PATCH', replayable: true, status: 429, idempotent: false })).toBe(true);
  });

  it('does not repeat a POST that may have been applied, unless marked idempotent', () => {
    expect(isRetryable({ method: 'POST', replayable: true, status: 503 })).toBe(false);
    expect(isRetryable({ method: 'POST', replayable: true, error: err('ECONNRESET') })).toBe(false);
    expect(isRetryable({ method: 'POST', replayable: true, status: 503, idempotent: true })).toBe(true);
    expect(isRetryable({ method: 'POST', replayable: true, error: err('ECONNRESET'), idempotent: true })).toBe(true);
    expect(isRetryable({ method: 'GET', replayable: true, status: 503, idempotent: false })).toBe(false);
  });

  it('retries any method when the connection was never made', () => {
    expect(isRetryable({ method: 'POST', replayable: true, error: err('ECONNREFUSED') })).toBe(true);
    expect(isRetryable({ method: 'POST', replayable: true, error: err('UND_ERR_CONNECT_TIMEOUT') })).toBe(true);
    expect(classifyError(new Error('x', { cause: err('ECONNREFUSED') }))).toBe('not-sent');
  });

  it('never retries the never-retry list, unknown errors or a spent stream', () => {
    for (const status of [400, 401, 403, 404, 409, 410, 422, 500, 501])
      expect(isRetryable({ method: 'GET', replayable: true, status, idempotent: true })).toBe(false);
    expect(isRetryable({ method: 'GET', replayable: true, error: new Error('blocked host') })).toBe(false);
    expect(isRetryable({ method: 'GET', replayable: false, status: 429 })).toBe(false);
  });
});

describe('backoff', () => {
  it('uses full jitter under an exponential ceiling, capped', () => {
    const top = () => 0.999999;
    expect(backoffDelay(0, { baseMs: 100, capMs: 1000, random: top })).toBe(99);
    expect(backoffDelay(3, { baseMs: 100, capMs: 1000, random: top })).toBe(799);
    expect(backoffDelay(10, { baseMs: 100, capMs: 1000, random: top })).toBe(999);
    expect(backoffDelay(10, { baseMs: 100, capMs: 1000, random: () => 0 })).toBe(0);
  });

  it('gives up rather than wait past the deadline or longer than allowed', () => {
    const base = { attempt: 0, nowMs: 0, deadlineMs: 10_000, maxWaitMs: 5_000 };
    expect(nextDelay({ ...base, hintMs: 4_000 })).toBe(4_000);
    expect(nextDelay({ ...base, hintMs: 6_000 })).toBeUndefined();
    expect(nextDelay({ ...base, nowMs: 8_000, hintMs: 3_000 })).toBeUndefined();
    expect(nextDelay({ ...base, hintMs: undefined, backoff: { random: () => 0.5, baseMs: 1000 } })).toBe(500);
  });
});
