import { Readable } from 'node:stream';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { type ManualClock, manualClock } from './clock.js';
import { UpstreamClient } from './upstream-client.js';
import { expectOk } from './upstream-errors.js';
import type { UpstreamClientOptions } from './upstream-types.js';

const ORIGIN = 'https://api.example.test';
let mock: MockAgent;
let clock: ManualClock;

beforeEach(() => {
  mock = new MockAgent();
  mock.disableNetConnect();
  clock = manualClock();
});
afterEach(async () => {
  await mock.close();
});

const pool = () => mock.get(ORIGIN);
const client = (o: UpstreamClientOptions = {}) =>
  new UpstreamClient({ dispatcher: mock, clock, backoff: { random: () => 0.5, baseMs: 200 }, ...o });
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const thrown = async (p: Promise<unknown>): Promise<AppError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
};

describe('429', () => {
  it('waits Retry-After in seconds, then succeeds', async () => {
    pool()
      .intercept({ path: '/x', method: 'GET' })
      .reply(429, 'slow down', { headers: { 'retry-after': '2' } });
    pool().intercept({ path: '/x', method: 'GET' }).reply(200, { ok: true });
    const res = await client().request({ method: 'GET', url: `${ORIGIN}/x` });
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(2);
    expect(clock.sleeps).toEqual([2000]);
    expect(await res.body.json()).toEqual({ ok: true });
  });

  it('waits until a Retry-After HTTP-date', async () => {
    const at = new Date(clock.now() + 5000).toUTCString();
    pool()
      .intercept({ path: '/x', method: 'GET' })
      .reply(429, '', { headers: { 'retry-after': at } });
    pool().intercept({ path: '/x', method: 'GET' }).reply(200, 'ok');
    const res = await client().request({ method: 'GET', url: `${ORIGIN}/x` });
    expect(res.status).toBe(200);
    expect(clock.sleeps).toEqual([5000]);
  });

  it('retries a refused POST, whatever the method', async () => {
    pool()
      .intercept({ path: '/issue', method: 'POST' })
      .reply(429, '', { headers: { 'retry-after': '1' } });
    pool().intercept({ path: '/issue', method: 'POST', body: '{"a":1}' }).reply(201, '{}');
    const res = await client().request({ method: 'POST', url: `${ORIGIN}/issue`, body: '{"a":1}' });
    expect(res.status).toBe(201);
  });

  it('answers the 429 at once when the wait is longer than allowed; expectOk maps it to RATE_LIMITED', async () => {
    pool()
      .intercept({ path: '/x', method: 'GET' })
      .reply(429, '{"message":"Rate limit exceeded"}', {
        headers: { 'retry-after': '120', 'content-type': 'application/json' },
      });
    const res = await client({ maxRetryWaitMs: 20_000 }).request({ method: 'GET', url: `${ORIGIN}/x` });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('120');
    expect(clock.sleeps).toEqual([]);
    const err = await thrown(expectOk(res));
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.retryAfter).toBe(120);
    expect(err.message).toContain('Rate limit exceeded');
  });

  it('a quota 429 holds the whole budget until the reset', async () => {
    pool()
      .intercept({ path: '/x', method: 'GET' })
      .reply(429, '', { headers: { 'retry-after': '1800', 'ratelimit-reason': 'jira-quota-tenant-based' } });
    const c = client();
    const budget = { key: 'conn_1', spec: { capacity: 100, refillPerSecond: 10 } };
    expect((await c.request({ method: 'GET', url: `${ORIGIN}/x`, budget })).status).toBe(429);
    const err = await thrown(c.request({ method: 'GET', url: `${ORIGIN}/y`, budget }));
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.retryAfter).toBe(1800);
  });
});

describe('5xx and network failures', () => {
  it('rides out a burst of 503s with backoff', async () => {
    pool().intercept({ path: '/x', method: 'GET' }).reply(503, 'busy').times(3);
    pool().intercept({ path: '/x', method: 'GET' }).reply(200, 'ok');
    const res = await client().request({ method: 'GET', url: `${ORIGIN}/x` });
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(4);
    expect(clock.sleeps).toEqual([100, 200, 400]);
  });

  it('answers the last 503 after the attempts; expectOk maps it to UPSTREAM_UNAVAILABLE', async () => {
    pool()
      .intercept({ path: '/x', method: 'GET' })
      .reply(503, '<html>down</html>', { headers: { 'retry-after': '1' } })
      .times(4);
    const res = await client().request({ method: 'GET', url: `${ORIGIN}/x` });
    expect(res.status).toBe(503);
    expect(res.attempts).toBe(4);
    const err = await thrown(expectOk(res));
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(err.message).not.toContain('<html>');
  });

  it('retries a GET after a connection reset', async () => {
    pool().intercept({ path: '/x', method: 'GET' }).replyWithError(reset());
    pool().intercept({ path: '/x', method: 'GET' }).reply(200, 'ok');
    const res = await client().request({ method: 'GET', url: `${ORIGIN}/x` });
    expect(res.status).toBe(200);
  });

  it('gives up with UPSTREAM_UNAVAILABLE when resets persist', async () => {
    pool().intercept({ path: '/x', method: 'GET' }).replyWithError(reset()).times(4);
    const err = await thrown(client().request({ method: 'GET', url: `${ORIGIN}/x` }));
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(err.message).toContain('ECONNRESET');
  });
});

describe('writes are not repeated', () => {
  it('a POST without an idempotency marker is sent once, on 503 and on reset', async () => {
    pool().intercept({ path: '/pr', method: 'POST' }).reply(503, 'busy');
    pool().intercept({ path: '/pr', method: 'POST' }).reply(200, 'should not be reached');
    const res = await client().request({ method: 'POST', url: `${ORIGIN}/pr`, body: '{}' });
    expect(res.status).toBe(503);
    expect(res.attempts).toBe(1);
    await res.body.dump();

    const c = client();
    pool().intercept({ path: '/merge', method: 'POST' }).replyWithError(reset());
    pool().intercept({ path: '/merge', method: 'POST' }).reply(200, 'merged twice');
    const err = await thrown(c.request({ method: 'POST', url: `${ORIGIN}/merge`, body: '{}' }));
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(mock.pendingInterceptors().map((i) => i.path)).toEqual(['/pr', '/merge']);
  });

  it('a POST marked idempotent is retried', async () => {
    pool().intercept({ path: '/rest/api/3/search/jql', method: 'POST' }).reply(503, 'busy');
    pool().intercept({ path: '/rest/api/3/search/jql', method: 'POST' }).reply(200, '{"issues":[]}');
    const res = await client().request({
      method: 'POST',
      url: `${ORIGIN}/rest/api/3/search/jql`,
      body: '{"jql":"project = A"}',
      idempotent: true,
    });
    expect(res.status).toBe(200);
  });

  it('a streamed body is never replayed', async () => {
    pool().intercept({ path: '/upload', method: 'PUT' }).reply(503, 'busy');
    const res = await client().request({ method: 'PUT', url: `${ORIGIN}/upload`, body: Readable.from(['a', 'b']) });
    expect(res.status).toBe(503);
    expect(res.attempts).toBe(1);
  });
});

describe('deadline', () => {
  it('does not sleep past the deadline: the vendor answer comes back at once', async () => {
    pool()
      .intercept({ path: '/x', method: 'GET' })
      .reply(503, '', { headers: { 'retry-after': '10' } });
    const res = await client().request({ method: 'GET', url: `${ORIGIN}/x`, deadlineMs: 5000 });
    expect(res.status).toBe(503);
    expect(clock.sleeps).toEqual([]);
  });

  it('aborts a request whose headers do not arrive in time', async () => {
    pool().intercept({ path: '/slow', method: 'GET' }).reply(200, 'late').delay(2000);
    const c = new UpstreamClient({ dispatcher: mock, maxAttempts: 1 });
    const started = Date.now();
    const err = await thrown(c.request({ method: 'GET', url: `${ORIGIN}/slow`, deadlineMs: 100 }));
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(err.message).toContain('deadline');
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
