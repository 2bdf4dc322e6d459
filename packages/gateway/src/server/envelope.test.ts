import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../test-support/harness.js';

describe('HTTP surface', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { SWITCHYARD_BODY_LIMIT_BYTES: '2048' });
    key = t.admin.adminKey.key;
  });
  afterAll(() => t?.close());

  const expectEnvelope = (
    res: { statusCode: number; json(): unknown; headers: Record<string, unknown> },
    status: number,
    code: string,
  ) => {
    expect(res.statusCode).toBe(status);
    const body = res.json() as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'error', code, message: expect.any(String), request_id: expect.any(String) });
    expect(body.request_id).toBe(res.headers['x-request-id']);
    expect(String(body.message).length).toBeGreaterThan(10);
  };

  it('answers unknown routes with NOT_FOUND', async () => {
    expectEnvelope(await t.app.inject({ method: 'GET', url: '/nowhere?token=abc' }), 404, 'NOT_FOUND');
    expectEnvelope(await t.app.inject({ method: 'PATCH', url: '/healthz' }), 404, 'NOT_FOUND');
  });

  it('answers malformed JSON with VALIDATION', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expectEnvelope(res, 400, 'VALIDATION');
    expect(res.json().message).toMatch(/not valid JSON/);
  });

  it('answers a schema violation with VALIDATION and details', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: bearer(key),
      payload: { name: 5, extra: true },
    });
    expectEnvelope(res, 400, 'VALIDATION');
    expect(res.json().details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'body.name' })]));
  });

  it('answers a wrong content type with UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/tenants',
        headers: { ...bearer(key), 'content-type': type },
        payload: 'name=x',
      });
      expectEnvelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('answers an oversize body with PAYLOAD_TOO_LARGE', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: bearer(key),
      payload: { name: 'x'.repeat(4096) },
    });
    expectEnvelope(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers a thrown bug with INTERNAL_ERROR and no detail of it', async () => {
    const original = t.runtime.store.transaction.bind(t.runtime.store);
    t.runtime.store.transaction = async () => {
      throw new Error('db exploded: password=hunter2');
    };
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/tenants',
        headers: bearer(key),
        payload: { name: 'boom' },
      });
      expectEnvelope(res, 500, 'INTERNAL_ERROR');
      expect(res.body).not.toContain('exploded');
      expect(t.logs.text).toContain('db exploded');
      expect(t.logs.text).not.toContain('hunter2');
    } finally {
      t.runtime.store.transaction = original;
    }
  });

  it('accepts a caller X-Request-Id and makes one otherwise', async () => {
    const given = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers['x-request-id']).toBe('trace-123');
    const made = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(made.headers['x-request-id']).toMatch(/^req_/);
    const err = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { 'x-request-id': 'trace-456' } });
    expect(err.json().request_id).toBe('trace-456');
    expect(t.logs.text).toContain('"reqId":"trace-456"');
  });

  it('serves /healthz and /readyz', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      database: 'ok',
      migrations: 'applied',
    });
  });

  it('serves OpenAPI 3.1 generated from the route schemas, and a local reference at /docs', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/v1/me', '/v1/tenants', '/v1/keys', '/v1/keys/{key_id}']),
    );
    const create = doc.paths['/v1/tenants'].post;
    expect(JSON.stringify(create.requestBody)).toContain('"name"');
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '401', '409']));
    const html = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(html.statusCode).toBe(200);
    expect(html.body).toMatch(/swagger-ui/i);
    expect(html.body).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
    const bundle = await t.app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
  });

  it('exposes Prometheus metrics', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(/switchyard_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(res.body).toContain('switchyard_process_cpu_seconds_total');
  });

  it('sends no CORS headers unless an allowlist is configured', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS allowlist', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { SWITCHYARD_CORS_ORIGINS: 'https://console.example' });
  });
  afterAll(() => t?.close());

  it('allows the listed origin only', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://console.example' } });
    expect(ok.headers['access-control-allow-origin']).toBe('https://console.example');
    const other = await t.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight request, then stops accepting connections', async () => {
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const t = await startTestApp('sqlite', {}, (app) => {
      app.get('/test/slow', async () => {
        entered();
        await new Promise((r) => setTimeout(r, 300));
        return { done: true };
      });
    });
    try {
      const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
      const inFlight = fetch(`${address}/test/slow`);
      await inside;
      const stopped = t.shutdown();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ done: true });
      await stopped;
      await expect(fetch(`${address}/healthz`)).rejects.toThrow();
    } finally {
      await t.close();
    }
  });
});
