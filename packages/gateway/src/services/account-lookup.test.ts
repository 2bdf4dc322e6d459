import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { CredentialRejectedError, lookupAccount } from './account-lookup.js';

let mock: MockAgent;
beforeEach(() => {
  mock = new MockAgent();
  mock.disableNetConnect();
});
afterEach(async () => {
  mock.assertNoPendingInterceptors();
  await mock.close();
});

const BEARER = 'Bearer pat-123';
const BASIC = `Basic ${Buffer.from('jane@example.com:tok').toString('base64')}`;
const json = { headers: { 'content-type': 'application/json' } };

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('lookupAccount per provider', () => {
  it('Atlassian Cloud with Jira: /rest/api/3/myself through the /ex route', async () => {
    mock
      .get('https://api.atlassian.com')
      .intercept({ path: '/ex/jira/cloud-1/rest/api/3/myself', headers: { authorization: BASIC } })
      .reply(200, { accountId: '5b10a', displayName: 'Jane Doe', emailAddress: 'jane@example.com' }, json);
    const target = {
      provider: 'atlassian-cloud' as const,
      apiUrl: 'https://api.atlassian.com/ex/jira/cloud-1',
      products: ['jira' as const, 'confluence' as const],
    };
    expect(await lookupAccount(target, BASIC, { dispatcher: mock })).toEqual({
      accountId: '5b10a',
      accountName: 'Jane Doe',
      email: 'jane@example.com',
    });
  });

  it('Atlassian Cloud, Confluence-only site: /wiki/rest/api/user/current', async () => {
    mock
      .get('https://acme.atlassian.net')
      .intercept({ path: '/wiki/rest/api/user/current', headers: { authorization: BASIC } })
      .reply(200, { type: 'known', accountId: '5b10b', publicName: 'jane' }, json);
    const target = { provider: 'atlassian-cloud' as const, apiUrl: 'https://acme.atlassian.net', products: [] };
    expect(await lookupAccount({ ...target, products: ['confluence'] }, BASIC, { dispatcher: mock })).toEqual({
      accountId: '5b10b',
      accountName: 'jane',
    });
  });

  it('Jira Data Center: /rest/api/2/myself with the context path, key as the id', async () => {
    mock
      .get('https://jira.example.com')
      .intercept({ path: '/jira/rest/api/2/myself', headers: { authorization: BEARER } })
      .reply(200, { key: 'JIRAUSER10000', name: 'jdoe', displayName: 'J. Doe', emailAddress: 'jd@example.com' }, json);
    const target = { provider: 'jira-dc' as const, apiUrl: 'https://jira.example.com/jira/', products: [] };
    expect(await lookupAccount(target, BEARER, { dispatcher: mock })).toEqual({
      accountId: 'JIRAUSER10000',
      accountName: 'J. Doe',
      email: 'jd@example.com',
    });
  });

  it('Confluence Data Center: /rest/api/user/current; an anonymous answer is no user', async () => {
    const pool = mock.get('https://wiki.example.com');
    pool
      .intercept({ path: '/rest/api/user/current' })
      .reply(200, { type: 'known', username: 'jdoe', userKey: 'ff80', displayName: 'J. Doe' }, json);
    pool.intercept({ path: '/rest/api/user/current' }).reply(200, { type: 'anonymous' }, json);
    const target = { provider: 'confluence-dc' as const, apiUrl: 'https://wiki.example.com', products: [] };
    expect(await lookupAccount(target, BEARER, { dispatcher: mock })).toEqual({
      accountId: 'ff80',
      accountName: 'J. Doe',
    });
    const err = await failure(lookupAccount(target, BEARER, { dispatcher: mock }));
    expect(err.message).toContain('not with a signed-in Confluence Data Center user');
  });

  it('Bitbucket Cloud: /2.0/user, and the uuid for an access token’s pseudo-user', async () => {
    const pool = mock.get('https://api.bitbucket.org');
    pool
      .intercept({ path: '/2.0/user', headers: { authorization: BASIC } })
      .reply(200, { account_id: '557058:abc', uuid: '{u-1}', display_name: 'Jane', nickname: 'jane' }, json);
    pool.intercept({ path: '/2.0/user' }).reply(200, { uuid: '{u-2}', display_name: 'ci-token' }, json);
    const target = { provider: 'bitbucket-cloud' as const, apiUrl: 'https://api.bitbucket.org/2.0', products: [] };
    expect(await lookupAccount(target, BASIC, { dispatcher: mock })).toEqual({
      accountId: '557058:abc',
      accountName: 'Jane',
    });
    expect(await lookupAccount(target, BEARER, { dispatcher: mock })).toEqual({
      accountId: '{u-2}',
      accountName: 'ci-token',
    });
  });

  it('Bitbucket Data Center: X-AUSERNAME from any answer, then the user by slug, with the XSRF header', async () => {
    const pool = mock.get('https://bitbucket.example.com');
    pool
      .intercept({
        path: '/rest/api/latest/application-properties',
        headers: { authorization: BEARER, 'x-atlassian-token': 'no-check' },
      })
      .reply(
        200,
        { version: '9.5.0', displayName: 'Bitbucket' },
        {
          headers: { 'content-type': 'application/json', 'x-ausername': 'jdoe', 'x-auserid': '101' },
        },
      );
    pool
      .intercept({ path: '/rest/api/latest/users/jdoe', headers: { authorization: BEARER } })
      .reply(200, { id: 101, name: 'jdoe', slug: 'jdoe', displayName: 'J. Doe', emailAddress: 'jd@example.com' }, json);
    const target = { provider: 'bitbucket-dc' as const, apiUrl: 'https://bitbucket.example.com', products: [] };
    expect(await lookupAccount(target, BEARER, { dispatcher: mock })).toEqual({
      accountId: '101',
      accountName: 'J. Doe',
      email: 'jd@example.com',
    });
  });

  it('Bitbucket Data Center: a bot user the users resource hides keeps its slug; no X-AUSERNAME is no user', async () => {
    const pool = mock.get('https://bitbucket.example.com');
    pool
      .intercept({ path: '/rest/api/latest/application-properties' })
      .reply(200, { version: '9.5.0' }, { headers: { 'content-type': 'application/json', 'x-ausername': 'bot-x' } });
    pool.intercept({ path: '/rest/api/latest/users/bot-x' }).reply(404, { errors: [{ message: 'no such user' }] });
    pool.intercept({ path: '/rest/api/latest/application-properties' }).reply(200, { version: '9.5.0' }, json);
    const target = { provider: 'bitbucket-dc' as const, apiUrl: 'https://bitbucket.example.com', products: [] };
    expect(await lookupAccount(target, BEARER, { dispatcher: mock })).toEqual({
      accountId: 'bot-x',
      accountName: 'bot-x',
    });
    expect((await failure(lookupAccount(target, BEARER, { dispatcher: mock }))).code).toBe('VENDOR_ERROR');
  });
});

describe('lookupAccount failures', () => {
  const target = { provider: 'jira-dc' as const, apiUrl: 'https://jira.example.com', products: [] };
  const pool = () => mock.get('https://jira.example.com');

  it('a rejected credential is VALIDATION quoting the vendor, sanitized', async () => {
    pool()
      .intercept({ path: '/rest/api/2/myself' })
      .reply(
        401,
        { errorMessages: ['Client must be authenticated.\nAuthorization: Bearer leaked-secret-value'] },
        json,
      );
    const err = await failure(lookupAccount(target, BEARER, { dispatcher: mock }));
    expect(err).toBeInstanceOf(CredentialRejectedError);
    expect((err as CredentialRejectedError).upstreamStatus).toBe(401);
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toContain(
      'Jira Data Center rejected the credential (HTTP 401: "Client must be authenticated. Authorization: Bearer [REDACTED]")',
    );
    expect(err.message).not.toContain('leaked-secret-value');
  });

  it('a 403 with a CAPTCHA login reason says what to do', async () => {
    pool()
      .intercept({ path: '/rest/api/2/myself' })
      .reply(403, '', { headers: { 'x-seraph-loginreason': 'AUTHENTICATION_DENIED' } });
    const err = await failure(lookupAccount(target, BEARER, { dispatcher: mock }));
    expect(err.message).toContain('log in once in a browser');
  });

  it('truncates long vendor messages and never quotes HTML', async () => {
    pool()
      .intercept({ path: '/rest/api/2/myself' })
      .reply(401, { message: 'x'.repeat(5000) }, json);
    pool().intercept({ path: '/rest/api/2/myself' }).reply(401, '<html><body>Login</body></html>');
    const long = await failure(lookupAccount(target, BEARER, { dispatcher: mock }));
    expect(long.message.length).toBeLessThan(500);
    const html = await failure(lookupAccount(target, BEARER, { dispatcher: mock }));
    expect(html.message).toContain('(HTTP 401)');
    expect(html.message).not.toContain('<html>');
  });

  it('5xx is UPSTREAM_UNAVAILABLE, 429 RATE_LIMITED with Retry-After, 404 and redirects VALIDATION', async () => {
    pool().intercept({ path: '/rest/api/2/myself' }).reply(503, 'down');
    pool()
      .intercept({ path: '/rest/api/2/myself' })
      .reply(429, '', { headers: { 'retry-after': '17' } });
    pool().intercept({ path: '/rest/api/2/myself' }).reply(404, 'Not Found');
    pool()
      .intercept({ path: '/rest/api/2/myself' })
      .reply(302, '', { headers: { location: 'https://sso.example.com/login?token=abc' } });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push(await failure(lookupAccount(target, BEARER, { dispatcher: mock })));
    expect(codes.map((e) => e.code)).toEqual(['UPSTREAM_UNAVAILABLE', 'RATE_LIMITED', 'VALIDATION', 'VALIDATION']);
    expect(codes[1]?.retryAfter).toBe(17);
    expect(codes[2]?.message).toContain('context path');
    expect(codes[3]?.message).toContain('redirected the API call to https://sso.example.com');
    expect(codes[3]?.message).not.toContain('token=abc');
  });

  it('a network failure is UPSTREAM_UNAVAILABLE naming the host', async () => {
    pool().intercept({ path: '/rest/api/2/myself' }).replyWithError(new Error('connect ECONNREFUSED'));
    const err = await failure(lookupAccount(target, BEARER, { dispatcher: mock }));
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(err.message).toContain('Could not reach jira.example.com');
  });

  it('a 200 that is not a user is VENDOR_ERROR', async () => {
    pool().intercept({ path: '/rest/api/2/myself' }).reply(200, '<html>welcome</html>');
    expect((await failure(lookupAccount(target, BEARER, { dispatcher: mock }))).code).toBe('VENDOR_ERROR');
  });
});
