import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureBytes, captures, type EventGateway, startEventGateway } from '../test-support/event-gateway.js';
import { TEST_SECRET } from '../test-support/webhook-fixtures.js';
import { hubSignature } from '../webhooks/verify-hmac.js';

interface Answer {
  status: number;
  type: string | undefined;
  requestId: string | undefined;
  body: unknown;
}

/**
 * Webhooks reach the ingest over the network through the server-level fast path (ingest-fast-path.ts) and
 * through fastify's route for `inject()` and for what the fast path declines. Both must answer the vendor alike.
 */
describe('the ingest fast path', () => {
  let gw: EventGateway;
  let path: string;
  let n = 0;

  beforeAll(async () => {
    gw = await startEventGateway('sqlite');
    const hook = await gw.client.hooks.create(gw.connections['bitbucket-cloud'], { secret: TEST_SECRET });
    path = new URL(hook.url).pathname;
  });
  afterAll(async () => gw?.close());

  const capture = captures.find((c) => c.file === 'bitbucket-cloud/pullrequest_created.json');
  if (capture === undefined) throw new Error('capture missing');
  const payload = captureBytes(capture);

  const comparable = (status: number, headers: Record<string, unknown>, text: string): Answer => {
    const body = JSON.parse(text) as Record<string, unknown>;
    // Ids differ per call; everything else must not.
    if (Array.isArray(body.event_ids)) body.event_ids = body.event_ids.map(() => 'evt');
    if ('request_id' in body) body.request_id = 'x';
    const type = headers['content-type'];
    const requestId = headers['x-request-id'];
    return {
      status,
      type: typeof type === 'string' ? type : undefined,
      requestId: typeof requestId === 'string' ? requestId.replace(/^req_.*/, 'req_') : undefined,
      body,
    };
  };
  const overNetwork = async (url: string, headers: Record<string, string>, body: Buffer | string) => {
    const res = await fetch(`${gw.url}${url}`, { method: 'POST', headers, body });
    return comparable(res.status, Object.fromEntries(res.headers), await res.text());
  };
  const viaFastify = async (url: string, headers: Record<string, string>, body: Buffer | string) => {
    const res = await gw.t.app.inject({ method: 'POST', url, headers, payload: body });
    return comparable(res.statusCode, res.headers, res.body);
  };
  const signed = (body: Buffer | string, extra: Record<string, string> = {}) => ({
    'content-type': 'application/json',
    'x-event-key': 'pullrequest:created',
    'x-request-uuid': `fast-path-${++n}`,
    'x-hub-signature': hubSignature(body, TEST_SECRET),
    ...extra,
  });

  const cases: Array<[string, () => [string, Record<string, string>, Buffer | string]]> = [
    ['a verified delivery', () => [path, signed(payload), payload]],
    [
      'a verified delivery with a charset',
      () => [path, signed(payload, { 'content-type': 'application/json; charset=utf-8' }), payload],
    ],
    ['a bad signature', () => [path, signed(payload, { 'x-hub-signature': `sha256=${'0'.repeat(64)}` }), payload]],
    [
      'no signature',
      () => [path, { 'content-type': 'application/json', 'x-event-key': 'pullrequest:created' }, payload],
    ],
    ['an unknown hook', () => [`/hooks/${'u'.repeat(32)}`, signed(payload), payload]],
    ['a malformed hook id (fastify answers)', () => ['/hooks/not-a-hook', signed(payload), payload]],
    ['a verified body that is not JSON', () => [path, signed('{not json'), '{not json']],
    ['an event we do not map', () => [path, signed('{}', { 'x-event-key': 'repo:fork' }), '{}']],
    ['a text/plain body (fastify answers)', () => [path, { ...signed('hi'), 'content-type': 'text/plain' }, 'hi']],
    [
      'a +json media type (fastify answers)',
      () => [path, signed(payload, { 'content-type': 'application/vnd.x+json' }), payload],
    ],
  ];

  it.each(cases)('answers %s the same on both paths', async (_name, make) => {
    const [url, headers, body] = make();
    const fast = await overNetwork(url, headers, body);
    const slow = await viaFastify(url, signedAgain(headers), body);
    expect(fast).toEqual(slow);
    expect(fast.requestId).toBe('req_');
  });

  // The same delivery id twice would be a duplicate the second time: the fastify call gets its own id.
  const signedAgain = (headers: Record<string, string>) =>
    headers['x-request-uuid'] === undefined
      ? headers
      : { ...headers, 'x-request-uuid': `${headers['x-request-uuid']}-b` };

  it('answers a retried delivery as a duplicate on both paths', async () => {
    const headers = signed(payload);
    expect((await overNetwork(path, headers, payload)).body).toMatchObject({ status: 'accepted' });
    expect(await overNetwork(path, headers, payload)).toEqual(await viaFastify(path, headers, payload));
    expect((await overNetwork(path, headers, payload)).body).toEqual({ status: 'duplicate' });
  });

  it('keeps the caller’s request id, in the header and the error envelope', async () => {
    const res = await fetch(`${gw.url}/hooks/${'u'.repeat(32)}`, {
      method: 'POST',
      headers: { ...signed(payload), 'x-request-id': 'vendor-req-1' },
      body: payload,
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('vendor-req-1');
    expect(await res.json()).toMatchObject({ code: 'NOT_FOUND', request_id: 'vendor-req-1' });
  });

  it('logs a refused delivery at warn with the request id, and no access lines', async () => {
    await fetch(`${gw.url}${path}`, {
      method: 'POST',
      headers: {
        ...signed(payload, { 'x-hub-signature': `sha256=${'1'.repeat(64)}` }),
        'x-request-id': 'vendor-req-2',
      },
      body: payload,
    });
    const lines = gw.t.logs.lines.filter((l) => l.includes('"reqId":"vendor-req-2"'));
    expect(lines.some((l) => l.includes('webhook delivery refused') && l.includes('"level":40'))).toBe(true);
    expect(lines.some((l) => l.includes('incoming request'))).toBe(false);
  });

  it('counts its answers in the ingest route’s metrics series', async () => {
    const series = async () => {
      const text = await (await fetch(`${gw.url}/metrics`)).text();
      const m = /switchyard_http_requests_total\{method="POST",route="\/hooks\/:public_id",status="200"\} (\d+)/.exec(
        text,
      );
      return Number(m?.[1] ?? 0);
    };
    const before = await series();
    await overNetwork(path, signed(payload), payload);
    await overNetwork(path, signed(payload), payload);
    expect((await series()) - before).toBe(2);
  });

  it('commits before it answers: an accepted event can be read at once, raw body included', async () => {
    const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers: signed(payload), body: payload });
    const answer = (await res.json()) as { status: string; event_ids: string[] };
    expect(answer.status).toBe('accepted');
    const [id] = answer.event_ids;
    if (id === undefined) throw new Error('no event id');
    const event = await gw.client.events.get(id, { raw: true });
    expect(event).toMatchObject({ id, type: 'pull_request.opened' });
    expect(event.raw).toEqual(JSON.parse(payload.toString('utf8')));
  });
});
