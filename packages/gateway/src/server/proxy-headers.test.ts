import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Echo, type ProxyFixture, startProxyFixture } from '../test-support/proxy-fixture.js';

/** What crosses the proxy besides the body: headers both ways, the credential, hop-by-hop, rate-limit hints. */
describe('proxy headers', () => {
  let f: ProxyFixture;
  beforeAll(async () => {
    f = await startProxyFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('forwards method, path and query as sent, with the connection’s credential instead of the caller’s', async () => {
    const res = await f.raw('GET', f.proxied('/rest/api/2/search?jql=project%20%3D%20A&fields=*all&x=1&x=2'), {
      cookie: 'session=caller',
      'x-tenant-id': 'default',
      'x-custom': 'kept',
      'x-forwarded-for': '203.0.113.9',
      connection: 'keep-alive, x-drop-me',
      'x-drop-me': 'hop-by-hop by naming',
      'keep-alive': 'timeout=5',
      te: 'trailers',
    });
    expect(res.status).toBe(200);
    const { echo } = JSON.parse(res.text) as Echo;
    expect(echo.method).toBe('GET');
    expect(echo.url).toBe('/jira/rest/api/2/search?jql=project%20%3D%20A&fields=*all&x=1&x=2');
    expect(echo.headers.authorization).toBe(`Bearer ${f.pat}`);
    expect(echo.headers['x-custom']).toBe('kept');
    expect(echo.headers.host).toBe(new URL(f.up.url).host);
    for (const gone of ['cookie', 'x-tenant-id', 'x-forwarded-for', 'x-drop-me', 'keep-alive', 'te', 'x-request-id']) {
      expect(echo.headers[gone], gone).toBeUndefined();
    }
    expect(f.t.logs.text).not.toContain(f.pat);
  });

  it('passes the vendor’s status, body, content type and rate-limit headers back, and nothing that acts on our origin', async () => {
    const body = JSON.stringify({ errorMessages: ['Rate limit exceeded'] });
    f.up.answerNext({
      status: 429,
      headers: {
        'content-type': 'application/json;charset=UTF-8',
        'retry-after': '3600',
        'x-ratelimit-limit': '100',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '2030-01-01T00:00Z',
        'ratelimit-reason': 'jira-burst-based',
        'beta-retry-after': '3600',
        'x-arequestid': 'abc123',
        link: '<https://example.atlassian.net/next>; rel="next"',
        'set-cookie': 'atlassian.xsrf.token=secret; Path=/',
        'www-authenticate': 'Basic realm="jira"',
        'access-control-allow-origin': '*',
        'strict-transport-security': 'max-age=31536000',
        'x-request-id': 'vendor-id',
      },
      body,
    });
    const res = await f.raw('GET', f.proxied('/rest/api/2/issue/A-1'), { 'x-request-id': 'caller-req-1' });
    expect(res.status).toBe(429);
    expect(res.text).toBe(body);
    expect(res.headers).toMatchObject({
      'content-type': 'application/json;charset=UTF-8',
      'retry-after': '3600',
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '2030-01-01T00:00Z',
      'ratelimit-reason': 'jira-burst-based',
      'beta-retry-after': '3600',
      'x-arequestid': 'abc123',
      link: '<https://example.atlassian.net/next>; rel="next"',
      'x-request-id': 'caller-req-1',
    });
    for (const gone of ['set-cookie', 'www-authenticate', 'access-control-allow-origin', 'strict-transport-security']) {
      expect(res.headers[gone], gone).toBeUndefined();
    }
  });
});
