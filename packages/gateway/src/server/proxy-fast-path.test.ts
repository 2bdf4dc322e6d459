import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../test-support/harness.js';
import { type Echo, type ProxyFixture, type RawAnswer, startProxyFixture } from '../test-support/proxy-fixture.js';

/**
 * The proxy answers over the network through the server-level fast path (proxy-fast-path.ts) and through
 * fastify's route for `inject()`, closing and CORS requests. Both must give the caller the same answer.
 * (Path escapes are checked over the network in proxy.test.ts: `inject()` normalizes `%2e%2e` before routing.)
 */
describe('the proxy fast path', () => {
  let f: ProxyFixture;
  beforeAll(async () => {
    f = await startProxyFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  const viaFastify = async (
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<RawAnswer> => {
    const res = await f.t.app.inject({
      method: method as 'GET',
      url,
      headers: { ...bearer(f.t.admin.adminKey.key), ...headers },
      ...(body === undefined ? {} : { payload: body }),
    });
    return { status: res.statusCode, headers: res.headers as RawAnswer['headers'], text: res.body };
  };

  const comparable = (a: RawAnswer) => {
    const parsed = (() => {
      try {
        return JSON.parse(a.text) as Record<string, unknown>;
      } catch {
        return a.text;
      }
    })();
    // The request ids differ per call; everything else must not. Of the vendor's echo, what the gateway sent.
    if (typeof parsed === 'object' && parsed !== null && 'request_id' in parsed) parsed.request_id = 'x';
    const echo = typeof parsed === 'object' && parsed !== null ? (parsed as Partial<Echo>).echo : undefined;
    const body =
      echo === undefined
        ? parsed
        : { method: echo.method, url: echo.url, authorization: echo.headers.authorization, body: echo.bodySha256 };
    return { status: a.status, type: a.headers['content-type'], body };
  };

  const cases: Array<[string, string, (id: string) => string, Record<string, string>, string?]> = [
    ['a GET answered by the vendor', 'GET', (id) => `/v1/connections/${id}/proxy/rest/api/2/issue/A-1`, {}],
    [
      'a POST with a JSON body',
      'POST',
      (id) => `/v1/connections/${id}/proxy/rest/api/2/issue`,
      { 'content-type': 'application/json' },
      '{"fields":{"summary":"x"}}',
    ],
    ['an unknown connection', 'GET', () => '/v1/connections/con_unknown/proxy/rest/api/2/myself', {}],
    ['a bad API key', 'GET', (id) => `/v1/connections/${id}/proxy/rest/api/2/myself`, { authorization: 'Bearer nope' }],
    [
      'a tenant the key may not act for',
      'GET',
      (id) => `/v1/connections/${id}/proxy/rest/api/2/myself`,
      { 'x-tenant-id': 'no-such-tenant' },
    ],
  ];

  it.each(cases)('answers %s the same on both paths', async (_name, method, url, headers, body) => {
    const fast = await f.raw(method, url(f.id), headers, body);
    const slow = await viaFastify(method, url(f.id), headers, body);
    expect(comparable(fast)).toEqual(comparable(slow));
    expect(fast.headers['x-request-id']).toMatch(/^req_/);
    expect(slow.headers['x-request-id']).toMatch(/^req_/);
  });

  it('keeps the caller’s request id and names it in the error envelope and the log', async () => {
    const res = await f.raw('GET', '/v1/connections/con_unknown/proxy/rest/api/2/myself', {
      'x-request-id': 'caller-fast-1',
    });
    expect(res.status).toBe(404);
    expect(res.headers['x-request-id']).toBe('caller-fast-1');
    expect(JSON.parse(res.text)).toMatchObject({ status: 'error', code: 'NOT_FOUND', request_id: 'caller-fast-1' });
    const lines = f.t.logs.lines.filter((l) => l.includes('"reqId":"caller-fast-1"'));
    expect(lines.some((l) => l.includes('incoming request'))).toBe(true);
    expect(lines.some((l) => l.includes('request completed') && l.includes('"statusCode":404'))).toBe(true);
  });

  it('counts its answers in the proxy route’s metrics series', async () => {
    const before = await f.raw('GET', '/metrics');
    const series = (text: string) =>
      Number(
        /switchyard_http_requests_total\{method="GET",route="\/v1\/connections\/:connection_id\/proxy\/\*",status="200"\} (\d+)/.exec(
          text,
        )?.[1] ?? 0,
      );
    await f.raw('GET', f.proxied('/rest/api/2/issue/A-2'));
    await f.raw('GET', f.proxied('/rest/api/2/issue/A-3'));
    const after = await f.raw('GET', '/metrics');
    expect(series(after.text) - series(before.text)).toBe(2);
  });
});

describe('the proxy with CORS on', () => {
  let f: ProxyFixture;
  beforeAll(async () => {
    f = await startProxyFixture({ SWITCHYARD_CORS_ORIGINS: 'https://app.example' });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('serves browser calls through fastify’s route, with the CORS headers', async () => {
    const res = await f.raw('GET', f.proxied('/rest/api/2/issue/A-1'), { origin: 'https://app.example' });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(res.headers['access-control-expose-headers']).toContain('x-request-id');
    expect(res.headers['x-request-id']).toMatch(/^req_/);
    const preflight = await f.raw('OPTIONS', f.proxied('/rest/api/2/issue/A-1'), {
      origin: 'https://app.example',
      'access-control-request-method': 'GET',
    });
    expect(preflight.status).toBe(204);
  });
});
