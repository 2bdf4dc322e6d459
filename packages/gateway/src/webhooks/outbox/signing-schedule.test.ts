import { describe, expect, it } from 'vitest';
import { verifyStandardWebhook } from '../../test-support/event-fixtures.js';
import { verdictOf } from './outcome.js';
import { DEFAULT_SCHEDULE, maxAttempts, parseSchedule, retryDelay } from './schedule.js';
import { newSigningSecret, sign, signedHeaders } from './signing.js';

// The Standard Webhooks specification's published test vector.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks signing', () => {
  it('reproduces the specification’s test vector', () => {
    expect(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('signs what an independent verifier accepts, and nothing else', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const now = Math.floor(Date.now() / 1000);
    const headers = signedHeaders(secret, 'evt_1', now, '{"a":1}');
    expect(verifyStandardWebhook(secret, headers, '{"a":1}')).toBe(true);
    expect(verifyStandardWebhook(secret, headers, '{"a":2}')).toBe(false);
    expect(verifyStandardWebhook(newSigningSecret(), headers, '{"a":1}')).toBe(false);
    const stale = signedHeaders(secret, 'evt_1', now - 600, '{"a":1}');
    expect(verifyStandardWebhook(secret, stale, '{"a":1}')).toBe(false);
  });
});

describe('retry schedule', () => {
  it('parses durations and refuses what it cannot read', () => {
    expect(parseSchedule('500ms, 5s,2m 1h,1.5d')).toEqual([500, 5000, 120_000, 3_600_000, 129_600_000]);
    expect(() => parseSchedule('5 seconds')).toThrow(/not a duration/);
    expect(() => parseSchedule(' ')).toThrow(/empty/);
  });

  it('retries for more than 24 hours by default, 11 attempts in all', () => {
    const schedule = parseSchedule(DEFAULT_SCHEDULE);
    expect(maxAttempts(schedule)).toBe(11);
    const total = schedule.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    expect(total).toBe((46 * 60 + 42) * 60 * 1000 + 35 * 1000);
  });

  it('adds ±20 % jitter and stops after the last step', () => {
    const schedule = [10_000, 60_000];
    expect(retryDelay(schedule, 1, () => 0)).toBe(8000);
    expect(retryDelay(schedule, 1, () => 0.5)).toBe(10_000);
    expect(retryDelay(schedule, 2, () => 0.999_999)).toBe(72_000);
    expect(retryDelay(schedule, 3, () => 0.5)).toBeUndefined();
  });

  it('reads answers: 2xx delivered, 410 gone, everything else retried until the schedule ends', () => {
    const result = (statusCode: number | null) => ({ statusCode, error: null, durationMs: 1 });
    expect(verdictOf(result(204), 1, [1000])).toBe('succeeded');
    expect(verdictOf(result(410), 1, [1000])).toBe('gone');
    expect(verdictOf(result(500), 1, [1000])).toBe('retry');
    expect(verdictOf(result(null), 1, [1000])).toBe('retry');
    expect(verdictOf(result(301), 2, [1000])).toBe('dead');
  });
});
