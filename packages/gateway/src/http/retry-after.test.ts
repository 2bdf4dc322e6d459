import { describe, expect, it } from 'vitest';
import { MAX_HINT_MS, parseReset, parseRetryAfter, rateLimitScope, retryHint } from './retry-after.js';

const NOW = Date.UTC(2026, 2, 2, 10, 0, 0);

describe('Retry-After', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
  });

  it('reads an HTTP-date, and a past date means now', () => {
    expect(parseRetryAfter('Mon, 02 Mar 2026 10:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Mon, 02 Mar 2026 09:00:00 GMT', NOW)).toBe(0);
  });

  it('refuses what is neither', () => {
    for (const v of ['soon', '-5', 'Mon, 02 Mar 2026', '', '1e3']) expect(parseRetryAfter(v, NOW)).toBeUndefined();
  });

  it('caps absurd values at a day', () => {
    expect(parseRetryAfter('999999999', NOW)).toBe(MAX_HINT_MS);
  });
});

describe('reset headers', () => {
  it("reads Jira's ISO-8601 minute precision and full instants", () => {
    expect(parseReset('2026-03-02T10:15Z', NOW)).toBe(15 * 60_000);
    expect(parseReset('2026-03-02T10:00:05.000+00:00', NOW)).toBe(5000);
  });

  it('reads epoch seconds and relative seconds', () => {
    expect(parseReset(String(NOW / 1000 + 42), NOW)).toBe(42_000);
    expect(parseReset('42', NOW)).toBe(42_000);
  });
});

describe('retryHint', () => {
  it('prefers Retry-After, then Beta-Retry-After, then X-RateLimit-Reset, then Beta-RateLimit t=', () => {
    const all = {
      'retry-after': '3',
      'beta-retry-after': '7',
      'x-ratelimit-reset': '2026-03-02T10:15Z',
      'beta-ratelimit': '"global-app-quota";r=0;t=99',
    };
    expect(retryHint(all, NOW)).toEqual({ delayMs: 3000, source: 'retry-after' });
    const { 'retry-after': _a, ...noRetryAfter } = all;
    expect(retryHint(noRetryAfter, NOW)).toEqual({ delayMs: 7000, source: 'beta-retry-after' });
    const { 'beta-retry-after': _b, ...resetOnly } = noRetryAfter;
    expect(retryHint(resetOnly, NOW)).toEqual({ delayMs: 900_000, source: 'x-ratelimit-reset' });
    expect(retryHint({ 'beta-ratelimit': '"tenant-app-quota";r=0;t=99' }, NOW)).toEqual({
      delayMs: 99_000,
      source: 'beta-ratelimit',
    });
  });

  it('falls through an unreadable header and takes the first of repeated ones', () => {
    expect(retryHint({ 'retry-after': 'later', 'x-ratelimit-reset': '10' }, NOW)?.source).toBe('x-ratelimit-reset');
    expect(retryHint({ 'retry-after': ['2', '9'] }, NOW)?.delayMs).toBe(2000);
    expect(retryHint({}, NOW)).toBeUndefined();
  });
});

describe('RateLimit-Reason', () => {
  it('tells burst from quota', () => {
    expect(rateLimitScope({ 'ratelimit-reason': 'jira-burst-based' }).scope).toBe('burst');
    expect(rateLimitScope({ 'ratelimit-reason': 'jira-quota-tenant-based' }).scope).toBe('quota');
    expect(rateLimitScope({ 'ratelimit-reason': 'jira-quota-global-based' }).scope).toBe('quota');
    expect(rateLimitScope({ 'ratelimit-reason': 'jira-per-issue-on-write' }).scope).toBe('per-issue-write');
    expect(rateLimitScope({ 'x-beta-ratelimit-reason': 'confluence-quota-global-based' }).scope).toBe('quota');
    expect(rateLimitScope({}).scope).toBe('unknown');
  });
});
