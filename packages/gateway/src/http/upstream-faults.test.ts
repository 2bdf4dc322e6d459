import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { readJson, readText } from './body.js';
import { UpstreamClient } from './upstream-client.js';

/**
 * Faults MockAgent cannot fake — stalled and truncated bodies, headers that never come, refused connections —
 * against a throwaway server on the loopback interface (nothing leaves the machine).
 */
let server: Server | undefined;
let client: UpstreamClient | undefined;

afterEach(async () => {
  await client?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
  client = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const thrown = async (p: Promise<unknown>): Promise<AppError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
};

describe('slow and broken upstreams', () => {
  it('a body that stalls past the body timeout fails the read with UPSTREAM_UNAVAILABLE', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"values":[');
      // …and never another byte.
    });
    client = new UpstreamClient({ bodyTimeoutMs: 100 });
    const res = await client.request({ method: 'GET', url: `${base}/slow` });
    expect(res.status).toBe(200);
    const err = await thrown(readJson(res.body));
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('a body cut short of its Content-Length fails the read with UPSTREAM_UNAVAILABLE', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only ten b');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    client = new UpstreamClient();
    const res = await client.request({ method: 'GET', url: `${base}/cut` });
    const err = await thrown(readText(res.body));
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('headers that never come: retried, then UPSTREAM_UNAVAILABLE', async () => {
    let calls = 0;
    const base = await serve(() => {
      calls++;
    });
    client = new UpstreamClient({ headersTimeoutMs: 100, maxAttempts: 2, backoff: { baseMs: 1 } });
    const err = await thrown(client.request({ method: 'GET', url: `${base}/hang` }));
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(err.message).toContain('UND_ERR_HEADERS_TIMEOUT');
    expect(calls).toBe(2);
  });

  it('a POST whose headers never come is not sent twice', async () => {
    let calls = 0;
    const base = await serve(() => {
      calls++;
    });
    client = new UpstreamClient({ headersTimeoutMs: 100, maxAttempts: 3, backoff: { baseMs: 1 } });
    await thrown(client.request({ method: 'POST', url: `${base}/write`, body: '{}' }));
    expect(calls).toBe(1);
  });

  it('a refused connection is retried even for a POST (nothing was sent)', async () => {
    const base = await serve(() => undefined);
    server?.close();
    await new Promise((r) => setTimeout(r, 10));
    const retries: string[] = [];
    const c = new UpstreamClient({
      maxAttempts: 2,
      backoff: { baseMs: 1 },
      onRetry: (e) => retries.push(e.code ?? ''),
    });
    const err = await thrown(c.request({ method: 'POST', url: `${base}/x`, body: '{}' }));
    await c.close();
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(err.message).toContain('could not be reached');
    expect(retries).toEqual(['ECONNREFUSED']);
  });

  it('a body larger than the read limit is dropped', async () => {
    const base = await serve((_req, res) => {
      res.end('x'.repeat(10_000));
    });
    client = new UpstreamClient();
    const res = await client.request({ method: 'GET', url: `${base}/big` });
    const err = await thrown(readText(res.body, 1000));
    expect(err.code).toBe('VENDOR_ERROR');
  });
});
