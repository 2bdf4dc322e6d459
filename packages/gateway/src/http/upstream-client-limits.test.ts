import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { type ManualClock, manualClock } from './clock.js';
import { perHour } from './token-bucket.js';
import { UpstreamClient } from './upstream-client.js';
import type { UpstreamClientOptions } from './upstream-types.js';

const ORIGIN = 'https://bitbucket.example.test';
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
const client = (o: UpstreamClientOptions = {}) => new UpstreamClient({ dispatcher: mock, clock, ...o });
const thrown = async (p: Promise<unknown>): Promise<AppError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
};

describe('circuit breaker', () => {
  const options = { maxAttempts: 1, breakers: { failureThreshold: 2, coolDownMs: 10_000 } };

  it('opens after failures, refuses without calling, then lets one probe close it', async () => {
    const c = client(options);
    pool().intercept({ path: '/x', method: 'GET' }).reply(502, 'bad gateway').times(2);
    for (let i = 0; i < 2; i++) await (await c.request({ method: 'GET', url: `${ORIGIN}/x` })).body.dump();
    expect(c.breakers.state(ORIGIN)).toBe('open');

    const refused = await thrown(c.request({ method: 'GET', url: `${ORIGIN}/x` }));
    expect(refused.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(refused.retryAfter).toBe(10);

    clock.advance(10_000);
    expect(c.breakers.state(ORIGIN)).toBe('half-open');
    pool().intercept({ path: '/x', method: 'GET' }).reply(200, 'ok');
    expect((await c.request({ method: 'GET', url: `${ORIGIN}/x` })).status).toBe(200);
    expect(c.breakers.state(ORIGIN)).toBe('closed');
  });

  it('a failed probe opens it again', async () => {
    const c = client(options);
    pool()
      .intercept({ path: '/x', method: 'GET' })
      .replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))
      .times(3);
    for (let i = 0; i < 2; i++) await thrown(c.request({ method: 'GET', url: `${ORIGIN}/x` }));
    clock.advance(10_000);
    await thrown(c.request({ method: 'GET', url: `${ORIGIN}/x` }));
    expect(c.breakers.state(ORIGIN)).toBe('open');
  });

  it('4xx and 429 do not count against the upstream', async () => {
    const c = client(options);
    pool().intercept({ path: '/x', method: 'GET' }).reply(404, '{}').times(3);
    pool()
      .intercept({ path: '/x', method: 'GET' })
      .reply(429, '', { headers: { 'retry-after': '999' } });
    for (let i = 0; i < 4; i++) await (await c.request({ method: 'GET', url: `${ORIGIN}/x` })).body.dump();
    expect(c.breakers.state(ORIGIN)).toBe('closed');
  });

  it('keeps one breaker per Atlassian site on the shared gateway origin', async () => {
    const atlassian = 'https://api.atlassian.com';
    const c = client(options);
    mock.get(atlassian).intercept({ path: '/ex/jira/site-a/rest/api/3/myself', method: 'GET' }).reply(503, '').times(2);
    for (let i = 0; i < 2; i++)
      await (await c.request({ method: 'GET', url: `${atlassian}/ex/jira/site-a/rest/api/3/myself` })).body.dump();
    expect(c.breakers.state(`${atlassian}/ex/jira/site-a`)).toBe('open');
    mock.get(atlassian).intercept({ path: '/ex/jira/site-b/rest/api/3/myself', method: 'GET' }).reply(200, '{}');
    expect((await c.request({ method: 'GET', url: `${atlassian}/ex/jira/site-b/rest/api/3/myself` })).status).toBe(200);
  });
});

describe('budgets', () => {
  it('waits for a token within the bound, then fails RATE_LIMITED with retry_after', async () => {
    const c = client({ maxBudgetWaitMs: 5_000 });
    // 1,000 an hour with a burst of 2: a token every 3.6 s once the burst is spent.
    const budget = { key: 'conn_bb', spec: perHour(1000, 2) };
    pool().intercept({ path: '/x', method: 'GET' }).reply(200, 'ok').times(3);
    for (let i = 0; i < 3; i++) await (await c.request({ method: 'GET', url: `${ORIGIN}/x`, budget })).body.dump();
    expect(clock.sleeps).toEqual([3608]); // 3,600 s / 998 tokens, rounded up

    const tight = client({ maxBudgetWaitMs: 1_000 });
    pool().intercept({ path: '/x', method: 'GET' }).reply(200, 'ok').times(2);
    for (let i = 0; i < 2; i++) await (await tight.request({ method: 'GET', url: `${ORIGIN}/x`, budget })).body.dump();
    const err = await thrown(tight.request({ method: 'GET', url: `${ORIGIN}/x`, budget }));
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.retryAfter).toBe(4);
    expect(mock.pendingInterceptors()).toEqual([]);
  });

  it('every retry pays for its attempt', async () => {
    const c = client({ maxBudgetWaitMs: 0 });
    const budget = { key: 'conn_2', spec: { capacity: 2, refillPerSecond: 0.001 } };
    pool().intercept({ path: '/x', method: 'GET' }).reply(503, '').times(2);
    const err = await thrown(c.request({ method: 'GET', url: `${ORIGIN}/x`, budget }));
    expect(err.code).toBe('RATE_LIMITED');
  });

  it('caps requests in flight per key and frees the slot when the body is done', async () => {
    const real = new UpstreamClient({ dispatcher: mock, maxBudgetWaitMs: 50 });
    const budget = { key: 'conn_3', spec: { capacity: 100, refillPerSecond: 100 }, maxConcurrent: 1 };
    pool().intercept({ path: '/x', method: 'GET' }).reply(200, 'first').times(2);
    const first = await real.request({ method: 'GET', url: `${ORIGIN}/x`, budget });
    expect(real.limits.active('conn_3')).toBe(1);
    const err = await thrown(real.request({ method: 'GET', url: `${ORIGIN}/x`, budget }));
    expect(err.code).toBe('RATE_LIMITED');
    expect(await first.body.text()).toBe('first');
    await new Promise((r) => setImmediate(r));
    expect(real.limits.active('conn_3')).toBe(0);
    expect((await real.request({ method: 'GET', url: `${ORIGIN}/x`, budget })).status).toBe(200);
  });
});
