import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../test-support/harness.js';
import { type Echo, type ProxyFixture, startProxyFixture } from '../test-support/proxy-fixture.js';

describe('ANY /v1/connections/{id}/proxy/*', () => {
  let f: ProxyFixture;
  beforeAll(async () => {
    f = await startProxyFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it.each([
    ['POST', 'application/json', JSON.stringify({ fields: { summary: 'Ünïcode ✓' } })],
    ['PUT', 'text/plain', 'plain text is not parsed'],
    ['PATCH', 'application/x-www-form-urlencoded', 'a=1&b=%20'],
    ['DELETE', 'application/json', '{"purge":true}'],
  ])('forwards a %s body of type %s byte for byte', async (method, type, body) => {
    const res = await f.raw(method, f.proxied('/rest/api/2/issue/A-1'), { 'content-type': type }, body);
    expect(res.status, res.text).toBe(200);
    const { echo } = JSON.parse(res.text) as Echo;
    expect(echo.method).toBe(method);
    expect(echo.headers['content-type']).toBe(type);
    expect(echo.bodyBytes).toBe(Buffer.byteLength(body));
    expect(f.up.received.at(-1)?.body).toBe(body);
  });

  it('answers HEAD and OPTIONS with the vendor’s status and headers', async () => {
    const head = await f.raw('HEAD', f.proxied('/download/2048'));
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('2048');
    expect(head.text).toBe('');
    const options = await f.raw('OPTIONS', f.proxied('/rest/api/2/issue'));
    expect(options.status).toBe(200);
    expect(f.up.received.at(-1)?.method).toBe('OPTIONS');
  });

  it.each([
    '/../../v1/keys',
    '/rest/%2e%2e/%2e%2e/admin',
    '/rest/.%2E/admin',
    '/rest/%252e%252e/admin',
    '//evil.example/rest',
    '/https://evil.example/rest',
    '/rest\\..\\admin',
    '/rest/a%2fb',
    '/rest/a%5cb',
    '/rest/%00',
  ])('refuses the escape %s with VALIDATION, and the vendor sees nothing', async (attempt) => {
    const before = f.up.received.length;
    const res = await f.raw('GET', f.proxied(attempt));
    expect(res.status, res.text).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ status: 'error', code: 'VALIDATION' });
    expect(f.up.received.length).toBe(before);
  });

  it('answers NOT_FOUND for an unknown connection and for another tenant’s', async () => {
    expect((await f.raw('GET', '/v1/connections/con_nope/proxy/rest/api/2/myself')).status).toBe(404);
    const other = await f.t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: bearer(f.t.admin.adminKey.key),
      payload: { name: 'Other' },
    });
    const res = await f.raw('GET', f.proxied('/rest/api/2/myself'), { 'x-tenant-id': other.json().id });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers 424 TOKEN_EXPIRED when the vendor refuses the token, and marks the connection', async () => {
    f.up.answerNext({ status: 401, headers: { 'content-type': 'application/json' }, body: '{"message":"expired"}' });
    const res = await f.raw('GET', f.proxied('/rest/api/2/myself'));
    expect(res.status, res.text).toBe(424);
    expect(JSON.parse(res.text)).toMatchObject({ code: 'TOKEN_EXPIRED' });
    const row = await f.t.runtime.store.connections.getConnection(f.t.admin.tenant.id, f.id);
    expect(row?.status).toBe('error');
  });

  it('holds the connection’s calls after the vendor says its quota is spent, without calling the vendor', async () => {
    f.up.answerNext({ status: 429, headers: { 'retry-after': '120', 'ratelimit-reason': 'jira-quota-tenant-based' } });
    expect((await f.raw('GET', f.proxied('/rest/api/2/myself'))).status).toBe(429);
    const before = f.up.received.length;
    const held = await f.raw('GET', f.proxied('/rest/api/2/myself'));
    expect(held.status).toBe(429);
    expect(JSON.parse(held.text)).toMatchObject({ code: 'RATE_LIMITED', retry_after: expect.any(Number) });
    expect(f.up.received.length).toBe(before);
  });

  it('needs an API key', async () => {
    const res = await fetch(`${f.base}${f.proxied('/rest/api/2/myself')}`);
    expect(res.status).toBe(401);
  });

  // Last: it deletes the fixture's connection.
  it('forgets a deleted connection at once, though its lookup is cached', async () => {
    // Warm the lookup cache (the answer may be the quota hold of the test above; the lookup is cached either way).
    expect((await f.raw('GET', f.proxied('/rest/api/2/issue/A-1'))).status).not.toBe(404);
    const del = await f.t.app.inject({
      method: 'DELETE',
      url: `/v1/connections/${f.id}`,
      headers: bearer(f.t.admin.adminKey.key),
    });
    expect(del.statusCode).toBe(204);
    const before = f.up.received.length;
    const res = await f.raw('GET', f.proxied('/rest/api/2/issue/A-1'));
    expect(res.status, res.text).toBe(404);
    expect(f.up.received.length).toBe(before);
  });
});
