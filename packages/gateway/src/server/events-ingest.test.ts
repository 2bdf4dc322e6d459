import type { CreatedHook } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureBytes,
  captures,
  deliver,
  type EventGateway,
  startEventGateway,
} from '../test-support/event-gateway.js';
import type { Kind } from '../test-support/harness.js';
import { fixtureBytes, TEST_SECRET } from '../test-support/webhook-fixtures.js';
import { hubSignature } from '../webhooks/verify-hmac.js';

// The real Bitbucket Cloud capture and the secret it was signed with (../shared/atlassian/MANIFEST.md).
const SIGNED_CAPTURE = 'bitbucket-cloud/repo_push.signed.json';
const SIGNED_SECRET = 'Gkvl$k$wyNpQAF42';
const SIGNED_HEADER = 'sha256=f205c729821c6954aff2afe72b965c34015b4baf96ea8ddc2cc44999c014a035';

describe.each<Kind>(['sqlite', 'postgres'])('webhook ingest over HTTP on %s', (kind) => {
  let gw: EventGateway;
  const hooks = new Map<string, CreatedHook>();

  beforeAll(async () => {
    gw = await startEventGateway(kind);
    for (const [provider, id] of Object.entries(gw.connections)) {
      hooks.set(provider, await gw.client.hooks.create(id, { secret: TEST_SECRET }));
    }
  });
  afterAll(async () => gw?.close());

  const hookOf = (provider: keyof EventGateway['connections']) => {
    const hook = hooks.get(provider);
    if (hook === undefined) throw new Error(`no hook for ${provider}`);
    return gw.ingestUrl(hook);
  };

  it.each(captures)('$file → 200 and $type in the event log', async (capture) => {
    const body = captureBytes(capture);
    const res = await deliver(hookOf(capture.connection), body, capture.headers);
    expect(res).toMatchObject({ status: 200, body: { status: 'accepted' } });
    const [id] = res.body.event_ids as string[];
    if (id === undefined) throw new Error('no event id');
    const event = await gw.client.events.get(id, { raw: true });
    expect(event).toMatchObject({
      id,
      type: capture.type,
      connection_id: gw.connections[capture.connection],
      provider: capture.connection,
    });
    expect(event.raw).toEqual(JSON.parse(body.toString('utf8')));
    const listed = await gw.client.events.list({ type: event.type, connection_id: event.connection_id });
    expect(listed.items.map((e) => e.id)).toContain(id);
    expect(listed.items.find((e) => e.id === id)).not.toHaveProperty('raw');
  });

  it('accepts the real signed Bitbucket capture with the signature bitbucket.org sent', async () => {
    const hook = await gw.client.hooks.create(gw.connections['bitbucket-cloud'], { secret: SIGNED_SECRET });
    const body = fixtureBytes(SIGNED_CAPTURE);
    const headers = { 'X-Event-Key': 'repo:push', 'X-Request-UUID': 'real-capture', 'X-Hub-Signature': SIGNED_HEADER };
    const res = await deliver(gw.ingestUrl(hook), body, headers, false);
    expect(res).toMatchObject({ status: 200, body: { status: 'accepted' } });
    const event = await gw.client.events.get((res.body.event_ids as string[])[0] ?? '');
    expect(event.type).toBe('push');
  });

  it('refuses tampered, wrongly signed and unsigned deliveries with 401 and stores nothing', async () => {
    const capture = captures[0];
    if (capture === undefined) throw new Error('no capture');
    const hook = hookOf(capture.connection);
    const body = captureBytes(capture);
    const headers = { ...capture.headers, 'X-Request-UUID': 'refused-1' };
    const before = (await gw.client.events.list({ limit: 200 })).items.length;
    const tampered = Buffer.from(body);
    tampered[tampered.length - 3] = 0x20;
    const signedOriginal = { ...headers, 'X-Hub-Signature': `sha256=${'0'.repeat(64)}` };
    for (const res of [
      await deliver(hook, tampered, { ...headers, 'X-Hub-Signature': hubSignature(body, TEST_SECRET) }, false),
      await deliver(hook, body, headers, 'not-the-secret'),
      await deliver(hook, body, headers, false),
      await deliver(hook, body, signedOriginal, false),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ status: 'error', code: 'UNAUTHORIZED' });
    }
    expect((await gw.client.events.list({ limit: 200 })).items.length).toBe(before);
    expect(gw.t.logs.text).toContain('webhook delivery refused');
    expect(gw.t.logs.text).toMatch(/"reason":"mismatch"/);
    expect(gw.t.logs.text).toMatch(/"reason":"missing"/);
  });

  it('answers 404 for an unknown hook', async () => {
    const res = await deliver(`${gw.url}/hooks/${'x'.repeat(32)}`, '{}', {});
    expect(res).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('stores a delivery retried with the same delivery id once', async () => {
    const hook = hookOf('bitbucket-dc');
    const body = fixtureBytes('bitbucket-server/pr_opened.json');
    const headers = { 'X-Event-Key': 'pr:opened', 'X-Request-Id': 'retried-delivery' };
    const first = await deliver(hook, body, headers);
    const again = await deliver(hook, body, headers);
    expect(first.body.status).toBe('accepted');
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    const stored = (await gw.client.events.list({ limit: 200 })).items.filter(
      (e) => e.vendor.delivery_id === 'retried-delivery',
    );
    expect(stored).toHaveLength(1);
  });

  it('answers Bitbucket Data Center’s unsigned ping with 200 and stores no event', async () => {
    const before = (await gw.client.events.list({ limit: 200 })).items.length;
    const res = await deliver(hookOf('bitbucket-dc'), '{"test":true}', { 'X-Event-Key': 'diagnostics:ping' }, false);
    expect(res).toMatchObject({ status: 200, body: { status: 'ping' } });
    expect((await gw.client.events.list({ limit: 200 })).items.length).toBe(before);
  });

  it('takes JSON only (415) and refuses bodies over the limit (413)', async () => {
    const hook = hookOf('bitbucket-cloud');
    const text = await fetch(hook, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    const big = Buffer.alloc(gw.t.config.bodyLimitBytes + 1, 0x20);
    const res = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});
