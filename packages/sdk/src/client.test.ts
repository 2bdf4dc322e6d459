import { describe, expect, it } from 'vitest';
import { SwitchyardClient } from './client.js';
import { SwitchyardError } from './errors.js';

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fetch that records each request and answers from a script: no network in unit tests. */
function fakeFetch(answer: (seen: Seen) => Response) {
  const seen: Seen[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    const s: Seen = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? init.body : undefined,
    };
    seen.push(s);
    return answer(s);
  }) as typeof fetch;
  return { fn, seen };
}
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('SwitchyardClient', () => {
  it('sends the key, the tenant header and a JSON body to the contract path', async () => {
    const f = fakeFetch(() => json(201, { id: 'ten_1', slug: 'acme', name: 'Acme', created_at: 'now' }));
    const client = new SwitchyardClient({ baseUrl: 'http://gw.test:3001/', apiKey: 'syk_a_b', fetch: f.fn });
    const tenant = await client.forTenant('ten_9').tenants.create({ name: 'Acme', slug: 'acme' });
    expect(tenant.slug).toBe('acme');
    expect(f.seen[0]).toEqual({
      url: 'http://gw.test:3001/v1/tenants',
      method: 'POST',
      headers: {
        accept: 'application/json',
        authorization: 'Bearer syk_a_b',
        'x-tenant-id': 'ten_9',
        'content-type': 'application/json',
      },
      body: '{"name":"Acme","slug":"acme"}',
    });
  });

  it('encodes path parameters and drops undefined query values', async () => {
    const f = fakeFetch(() => json(200, { items: [], next_cursor: null }));
    const client = new SwitchyardClient({ baseUrl: 'http://gw.test', fetch: f.fn });
    await client.tenants.get('a/b c');
    await client.keys.list({ limit: 5 });
    expect(f.seen[0]?.url).toBe('http://gw.test/v1/tenants/a%2Fb%20c');
    expect(f.seen[1]?.url).toBe('http://gw.test/v1/keys?limit=5');
  });

  it('turns the error envelope into a SwitchyardError with code, request id and retry_after', async () => {
    const f = fakeFetch(() =>
      json(429, {
        status: 'error',
        code: 'RATE_LIMITED',
        message: 'Slow down.',
        request_id: 'req_1',
        retry_after: 7,
      }),
    );
    const client = new SwitchyardClient({ baseUrl: 'http://gw.test', fetch: f.fn });
    const err = await client.me().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchyardError);
    expect(err).toMatchObject({ status: 429, code: 'RATE_LIMITED', requestId: 'req_1', retryAfter: 7 });
    expect((err as Error).message).toBe('Slow down.');
  });

  it('reports a non-envelope failure and an unreachable gateway distinctly', async () => {
    const html = fakeFetch(() => new Response('<h1>Bad gateway</h1>', { status: 502 }));
    const bad = await new SwitchyardClient({ baseUrl: 'http://gw.test', fetch: html.fn }).health().catch((e) => e);
    expect(bad).toMatchObject({ status: 502, code: 'BAD_RESPONSE' });

    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const net = await new SwitchyardClient({ baseUrl: 'http://gw.test', fetch: down }).health().catch((e) => e);
    expect(net).toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
    expect((net as Error).message).toContain('cannot reach the gateway at http://gw.test');
  });

  it('all() follows next_cursor until the last page', async () => {
    const pages: Record<string, unknown> = {
      '': { items: [1, 2], next_cursor: 'c2' },
      c2: { items: [3], next_cursor: 'c3' },
      c3: { items: [4], next_cursor: null },
    };
    const f = fakeFetch((s) => json(200, pages[new URL(s.url).searchParams.get('cursor') ?? '']));
    const client = new SwitchyardClient({ baseUrl: 'http://gw.test', fetch: f.fn });
    const items: unknown[] = [];
    for await (const t of client.all((q) => client.tenants.list(q), 2)) items.push(t);
    expect(items).toEqual([1, 2, 3, 4]);
    expect(f.seen.map((s) => new URL(s.url).search)).toEqual(['?limit=2', '?limit=2&cursor=c2', '?limit=2&cursor=c3']);
  });
});
