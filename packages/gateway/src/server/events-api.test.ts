import { SwitchyardClient, SwitchyardError } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  localSubscriberEnv,
  seedConnection,
  startReceiver,
  verifyStandardWebhook,
} from '../test-support/event-fixtures.js';
import {
  captureBytes,
  captures,
  deliver,
  type EventGateway,
  startEventGateway,
} from '../test-support/event-gateway.js';
import type { Kind } from '../test-support/harness.js';
import { TEST_SECRET } from '../test-support/webhook-fixtures.js';
import { signHs256 } from '../webhooks/verify-jwt.js';

const CLIENT_SECRET = 'atlassian-app-client-secret';

async function refused(call: Promise<unknown>): Promise<SwitchyardError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SwitchyardError)) throw new Error(`expected a SwitchyardError, got ${String(err)}`);
  return err;
}

describe.each<Kind>(['sqlite', 'postgres'])('hooks and subscriptions API on %s', (kind) => {
  let gw: EventGateway;

  beforeAll(async () => {
    gw = await startEventGateway(kind, {
      ...localSubscriberEnv,
      ATLASSIAN_CLIENT_ID: 'app-client-id',
      ATLASSIAN_CLIENT_SECRET: CLIENT_SECRET,
    });
  });
  afterAll(async () => gw?.close());

  it('creates subscriptions with a secret shown once, and checks their URLs like Data Center hosts', async () => {
    for (const url of ['http://169.254.169.254/latest', 'https://10.1.2.3/hook', 'http://localhost:1/hook']) {
      const err = await refused(gw.client.subscriptions.create({ url, events: ['push'] }));
      expect(err).toMatchObject({ status: 400, code: 'VALIDATION' });
    }
    const bad = await refused(
      gw.client.request('POST', '/v1/subscriptions', { url: 'https://x.test', events: ['nope'] }),
    );
    expect(bad.code).toBe('VALIDATION');
    const created = await gw.client.subscriptions.create({ url: 'http://127.0.0.1:9/hook', events: ['push', 'push'] });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.events).toEqual(['push']);
    const got = await gw.client.subscriptions.get(created.id);
    expect(got).not.toHaveProperty('secret');
    const patched = await gw.client.subscriptions.update(created.id, { events: ['*'], status: 'disabled' });
    expect(patched).toMatchObject({ events: ['*'], status: 'disabled', disabled_reason: 'disabled through the API' });
    const enabled = await gw.client.subscriptions.update(created.id, { status: 'active' });
    expect(enabled).toMatchObject({ status: 'active', disabled_reason: null });
    expect((await gw.client.subscriptions.list()).items.map((s) => s.id)).toContain(created.id);
    await gw.client.subscriptions.delete(created.id);
    await gw.client.subscriptions.delete(created.id);
    expect((await refused(gw.client.subscriptions.get(created.id))).status).toBe(404);
  });

  it('sends a signed test ping and reports the answer', async () => {
    let secret = '';
    const receiver = await startReceiver((r) => (verifyStandardWebhook(secret, r.headers, r.body) ? 202 : 400));
    try {
      const sub = await gw.client.subscriptions.create({ url: receiver.url, events: ['push'] });
      secret = sub.secret;
      const result = await gw.client.subscriptions.test(sub.id);
      expect(result).toMatchObject({ ok: true, status_code: 202, error: null });
      expect(receiver.received[0]?.headers['webhook-id']).toBe(result.message_id);
      expect(JSON.parse(receiver.received[0]?.body ?? '{}')).toMatchObject({ type: 'ping', subscription_id: sub.id });
      expect((await gw.client.deliveries.list({ subscription_id: sub.id })).items).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('rotates a hook secret: both are accepted until the rotation is finished', async () => {
    const capture = captures.find((c) => c.connection === 'bitbucket-cloud');
    if (capture === undefined) throw new Error('no capture');
    const connectionId = gw.connections['bitbucket-cloud'];
    const hook = await gw.client.hooks.create(connectionId, { secret: TEST_SECRET });
    const url = gw.ingestUrl(hook);
    const send = (secret: string, n: string) =>
      deliver(url, captureBytes(capture), { ...capture.headers, 'X-Request-UUID': `rot-${n}` }, secret);
    const rotated = await gw.client.hooks.rotate(connectionId, hook.id);
    expect(rotated.secret).not.toBe(TEST_SECRET);
    expect(Date.parse(rotated.previous_secret_expires_at ?? '')).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect((await send(TEST_SECRET, '1')).status).toBe(200);
    expect((await send(rotated.secret ?? '', '2')).status).toBe(200);
    const finished = await gw.client.hooks.finishRotation(connectionId, hook.id);
    expect(finished.previous_secret_expires_at).toBeNull();
    expect((await send(TEST_SECRET, '3')).status).toBe(401);
    expect((await send(rotated.secret ?? '', '4')).status).toBe(200);
    const listed = await gw.client.hooks.list(connectionId);
    expect(listed.items.find((h) => h.id === hook.id)).not.toHaveProperty('secret');
    await gw.client.hooks.delete(connectionId, hook.id);
    expect((await send(rotated.secret ?? '', '5')).status).toBe(404);
  });

  it('verifies Jira dynamic webhooks by the OAuth app’s JWT', async () => {
    const connectionId = gw.connections['atlassian-cloud'];
    const hook = await gw.client.hooks.create(connectionId, { scheme: 'atlassian-jwt' });
    expect(hook).toMatchObject({ scheme: 'atlassian-jwt', source: 'jira-cloud', secret: null });
    const capture = captures.find((c) => c.type === 'issue.created');
    if (capture === undefined) throw new Error('no capture');
    const now = Math.floor(Date.now() / 1000);
    const send = (secret: string) =>
      deliver(
        gw.ingestUrl(hook),
        captureBytes(capture),
        { ...capture.headers, authorization: `Bearer ${signHs256({ iat: now, exp: now + 60 }, secret)}` },
        false,
      );
    expect((await send(CLIENT_SECRET)).body).toMatchObject({ status: 'accepted' });
    expect((await send('another-secret')).status).toBe(401);
    const err = await refused(gw.client.hooks.create(gw.connections['bitbucket-cloud'], { scheme: 'atlassian-jwt' }));
    expect(err.code).toBe('VALIDATION');
    const jiraDc = await seedConnection(gw.t.runtime, gw.tenantId, 'jira-dc');
    expect((await refused(gw.client.hooks.create(jiraDc))).code).toBe('VALIDATION');
  });

  it('keeps each tenant’s hooks, events and subscriptions to itself', async () => {
    const tenant = await gw.client.tenants.create({ name: 'Other' });
    const key = await gw.client.keys.create({ name: 'other', tenant_id: tenant.id, role: 'tenant' });
    const other = new SwitchyardClient({ baseUrl: gw.url, apiKey: key.key });
    const [event] = (await gw.client.events.list({ limit: 1 })).items;
    expect((await other.events.list()).items).toEqual([]);
    expect((await refused(other.events.get(event?.id ?? 'evt_x'))).status).toBe(404);
    expect((await refused(other.hooks.list(gw.connections['bitbucket-dc']))).status).toBe(404);
    expect((await other.subscriptions.list()).items).toEqual([]);
    expect((await other.deliveries.list()).items).toEqual([]);
  });
});
