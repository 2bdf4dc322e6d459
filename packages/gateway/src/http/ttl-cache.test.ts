import { describe, expect, it } from 'vitest';
import { breakerKey, CircuitBreakers } from './circuit-breaker.js';
import { manualClock } from './clock.js';
import { cacheKey, TtlCache } from './ttl-cache.js';

describe('ttl cache', () => {
  it('serves within the TTL, reloads after it, and can be bypassed', async () => {
    const clock = manualClock();
    const cache = new TtlCache<number>({ ttlMs: 1000, clock });
    let loads = 0;
    const load = async () => ++loads;
    const key = cacheKey('conn_1', 'projects');
    expect(await cache.get(key, load)).toBe(1);
    expect(await cache.get(key, load)).toBe(1);
    clock.advance(1000);
    expect(await cache.get(key, load)).toBe(2);
    expect(await cache.get(key, load, { bypass: true })).toBe(3);
    expect(await cache.get(key, load)).toBe(3);
  });

  it('shares one load between concurrent misses and does not cache failures', async () => {
    const cache = new TtlCache<string>({ clock: manualClock() });
    let loads = 0;
    let finish: (v: string) => void = () => undefined;
    const load = () => {
      loads++;
      return new Promise<string>((r) => {
        finish = r;
      });
    };
    const both = Promise.all([cache.get('k', load), cache.get('k', load)]);
    finish('v');
    expect(await both).toEqual(['v', 'v']);
    expect(loads).toBe(1);

    const boom = async (): Promise<string> => {
      throw new Error('boom');
    };
    await expect(cache.get('bad', boom)).rejects.toThrow('boom');
    expect(await cache.get('bad', async () => 'ok')).toBe('ok');
  });

  it('keeps connections apart and drops one connection at once', async () => {
    const cache = new TtlCache<string>({ clock: manualClock() });
    await cache.get(cacheKey('conn_1', 'spaces'), async () => 'one');
    await cache.get(cacheKey('conn_10', 'spaces'), async () => 'ten');
    cache.invalidateConnection('conn_1');
    expect(await cache.get(cacheKey('conn_1', 'spaces'), async () => 'fresh')).toBe('fresh');
    expect(await cache.get(cacheKey('conn_10', 'spaces'), async () => 'fresh')).toBe('ten');
  });

  it('a load invalidated while in flight is not stored', async () => {
    const cache = new TtlCache<string>({ clock: manualClock() });
    let finish: (v: string) => void = () => undefined;
    const pending = cache.get('k', () => new Promise<string>((r) => (finish = r)));
    cache.invalidate('k');
    finish('stale');
    expect(await pending).toBe('stale');
    expect(await cache.get('k', async () => 'fresh')).toBe('fresh');
  });

  it('is bounded: the least recently used entry goes', async () => {
    const cache = new TtlCache<string>({ maxEntries: 2, clock: manualClock() });
    await cache.get('a', async () => 'a');
    await cache.get('b', async () => 'b');
    await cache.get('a', async () => 'a2'); // touch a
    await cache.get('c', async () => 'c');
    expect(cache.size).toBe(2);
    expect(await cache.get('a', async () => 'a3')).toBe('a');
    expect(await cache.get('b', async () => 'b2')).toBe('b2');
  });
});

describe('circuit breaker window', () => {
  it('needs both the threshold and the failure ratio inside the window', () => {
    const clock = manualClock();
    const b = new CircuitBreakers({ failureThreshold: 3, failureRatio: 0.5, windowMs: 10_000, clock });
    b.failure('o');
    for (let i = 0; i < 10; i++) b.success('o');
    b.failure('o');
    b.failure('o');
    expect(b.state('o')).toBe('closed'); // 3 of 13
    clock.advance(20_000); // the window has moved on
    b.failure('o');
    b.failure('o');
    expect(b.state('o')).toBe('closed');
    b.failure('o');
    expect(b.state('o')).toBe('open');
  });

  it('replaces a probe that never reported', () => {
    const clock = manualClock();
    const b = new CircuitBreakers({ failureThreshold: 1, coolDownMs: 1000, clock });
    b.failure('o');
    clock.advance(1000);
    b.admit('o');
    expect(() => b.admit('o')).toThrow();
    clock.advance(1000);
    expect(() => b.admit('o')).not.toThrow();
  });

  it('keys Atlassian sites apart on the shared origin', () => {
    expect(breakerKey(new URL('https://api.atlassian.com/ex/jira/abc/rest/api/3/myself'))).toBe(
      'https://api.atlassian.com/ex/jira/abc',
    );
    expect(breakerKey(new URL('https://api.bitbucket.org/2.0/user'))).toBe('https://api.bitbucket.org');
  });
});
