import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { manualClock } from './clock.js';
import { UpstreamClient } from './upstream-client.js';
import type { RequestCredential } from './upstream-types.js';

const ORIGIN = 'https://api.example.test';
let mock: MockAgent;

beforeEach(() => {
  mock = new MockAgent();
  mock.disableNetConnect();
});
afterEach(async () => {
  await mock.close();
});

const pool = () => mock.get(ORIGIN);
const client = () => new UpstreamClient({ dispatcher: mock, clock: manualClock() });

interface Cred {
  authorization: string;
  version: number;
}

function credential(after: (used: Cred) => Promise<Cred>) {
  const hook = {
    authorize: vi.fn(async (): Promise<Cred> => ({ authorization: 'Bearer old', version: 1 })),
    afterUnauthorized: vi.fn(after),
  };
  return hook satisfies RequestCredential<Cred>;
}

describe('credentials', () => {
  it('applies the credential, refreshes once after a 401 and succeeds', async () => {
    const cred = credential(async () => ({ authorization: 'Bearer new', version: 2 }));
    pool()
      .intercept({ path: '/me', method: 'GET', headers: { authorization: 'Bearer old' } })
      .reply(401, 'expired');
    pool()
      .intercept({ path: '/me', method: 'GET', headers: { authorization: 'Bearer new' } })
      .reply(200, '{"id":1}');
    const res = await client().request({ method: 'GET', url: `${ORIGIN}/me`, credential: cred });
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(1);
    expect(cred.afterUnauthorized).toHaveBeenCalledTimes(1);
    expect(cred.afterUnauthorized).toHaveBeenCalledWith({ authorization: 'Bearer old', version: 1 });
  });

  it('propagates REAUTH_REQUIRED from the refresh', async () => {
    const cred = credential(async () => {
      throw new AppError('REAUTH_REQUIRED', 'The provider revoked the grant.');
    });
    pool().intercept({ path: '/me', method: 'GET' }).reply(401, 'revoked');
    const err = await client()
      .request({ method: 'GET', url: `${ORIGIN}/me`, credential: cred })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('REAUTH_REQUIRED');
  });

  it('refreshes at most once: a second 401 is answered', async () => {
    const cred = credential(async () => ({ authorization: 'Bearer new', version: 2 }));
    pool().intercept({ path: '/me', method: 'GET' }).reply(401, 'no').times(2);
    const res = await client().request({ method: 'GET', url: `${ORIGIN}/me`, credential: cred });
    expect(res.status).toBe(401);
    expect(cred.afterUnauthorized).toHaveBeenCalledTimes(1);
  });
});

describe('redirects and bodies', () => {
  it('follows a same-origin redirect of a GET keeping the credential, never another origin', async () => {
    const cred = credential(async (u) => u);
    pool()
      .intercept({ path: '/2.0/repositories/w/r/pullrequests/1/diff', method: 'GET' })
      .reply(302, '', { headers: { location: '/2.0/repositories/w/r/diff/a..b' } });
    pool()
      .intercept({ path: '/2.0/repositories/w/r/diff/a..b', method: 'GET', headers: { authorization: 'Bearer old' } })
      .reply(200, 'diff --git');
    const c = client();
    const res = await c.request({
      method: 'GET',
      url: `${ORIGIN}/2.0/repositories/w/r/pullrequests/1/diff`,
      credential: cred,
      followRedirects: true,
    });
    expect(res.status).toBe(200);
    expect(res.url.pathname).toBe('/2.0/repositories/w/r/diff/a..b');
    expect(await res.body.text()).toBe('diff --git');

    pool()
      .intercept({ path: '/away', method: 'GET' })
      .reply(302, '', { headers: { location: 'https://evil.test/x' } });
    const away = await c.request({ method: 'GET', url: `${ORIGIN}/away`, credential: cred, followRedirects: true });
    expect(away.status).toBe(302);
  });

  it('hands back the body as a stream, unread', async () => {
    const big = 'x'.repeat(256 * 1024);
    pool().intercept({ path: '/big', method: 'GET' }).reply(200, big);
    const res = await client().request({ method: 'GET', url: `${ORIGIN}/big` });
    expect(res.body.readableEnded).toBe(false);
    let size = 0;
    for await (const chunk of res.body) size += (chunk as Buffer).length;
    expect(size).toBe(big.length);
  });

  it('an address refused by the host guard keeps its own error and is not retried', async () => {
    const refused = new AppError('VALIDATION', 'upstream resolves to a private address');
    pool()
      .intercept({ path: '/x', method: 'GET' })
      .replyWithError(new Error('connect failed', { cause: refused }));
    const c = client();
    const err = await c.request({ method: 'GET', url: `${ORIGIN}/x` }).catch((e: unknown) => e);
    expect(err).toBe(refused);
    expect(c.breakers.state(ORIGIN)).toBe('closed');
  });
});
