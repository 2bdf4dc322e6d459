import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBitbucketPair } from '../test-support/api-fixture.js';
import type { Kind } from '../test-support/harness.js';
import { fixtureBytes } from '../test-support/webhook-fixtures.js';
import {
  PUBLIC_URL,
  publicIdOf,
  type SyncFixture,
  sentSecret,
  startSyncFixture,
} from '../test-support/webhook-sync-fixture.js';
import { hubSignature } from '../webhooks/verify-hmac.js';

const DC_KEYS = [
  'pr:opened',
  'pr:from_ref_updated',
  'pr:modified',
  'pr:reviewer:updated',
  'pr:reviewer:approved',
  'pr:reviewer:unapproved',
  'pr:reviewer:changes_requested',
  'pr:merged',
  'pr:declined',
  'pr:comment:added',
  'pr:comment:edited',
  'pr:comment:deleted',
  'repo:refs_changed',
];

describe.each<Kind>(['sqlite', 'postgres'])('POST /v1/connections/{id}/webhooks/sync on Bitbucket (%s)', (kind) => {
  let f: SyncFixture;
  let cloud: string;
  let dc: string;
  let firstSecret: string;
  let hookUrl: string;
  beforeAll(async () => {
    f = await startSyncFixture(kind);
    ({ cloud, dc } = await seedBitbucketPair(f));
  });
  afterAll(async () => f?.close());

  const cloudBody = {
    scope: { workspace: 'acme', repositories: ['acme/web', 'acme/api'] },
    events: ['push', 'pull_request.opened'],
  };

  it('registers each Cloud target with a fresh secret and reports a 403 on one target without failing', async () => {
    const mark = f.up.received.length;
    f.answer({ values: [], pagelen: 10 });
    f.answer({ uuid: '{hook-web}', url: 'ignored' }, 201);
    f.answer({ values: [] });
    f.answer({ type: 'error', error: { message: 'You must be an admin of this repository' } }, 403);
    f.answer({ values: [] });
    f.answer({ uuid: '{hook-ws}' }, 201);
    const res = await f.call('POST', `/v1/connections/${cloud}/webhooks/sync`, cloudBody);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    hookUrl = res.body.hook.url;
    expect(hookUrl).toMatch(new RegExp(`^${PUBLIC_URL}/hooks/[A-Za-z0-9_-]{32}$`));
    expect(res.body.hook).toMatchObject({ source: 'bitbucket-cloud', scheme: 'hub-signature' });
    expect(res.body.manual).toBeNull();
    expect(res.body.registrations).toMatchObject([
      { target: 'repository:acme/web', status: 'registered', upstream_id: '{hook-web}', error: null },
      { target: 'repository:acme/api', status: 'failed', upstream_id: null, error: { code: 'VENDOR_ERROR' } },
      { target: 'workspace:acme', status: 'registered', upstream_id: '{hook-ws}' },
    ]);
    expect(res.body.registrations[1].error.message).toContain('admin of this repository');
    expect(res.body.registrations[0].events).toEqual(['push', 'pull_request.opened']);

    const sent = f.since(mark);
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /2.0/repositories/acme/web/hooks',
      'POST /2.0/repositories/acme/web/hooks',
      'GET /2.0/repositories/acme/api/hooks',
      'POST /2.0/repositories/acme/api/hooks',
      'GET /2.0/workspaces/acme/hooks',
      'POST /2.0/workspaces/acme/hooks',
    ]);
    const created = sent[1]?.body;
    firstSecret = sentSecret(created);
    expect(firstSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created).toEqual({
      description: 'Switchyard',
      url: hookUrl,
      active: true,
      secret: firstSecret,
      events: ['pullrequest:created', 'repo:push'],
    });
    expect(sent[5]?.body).toEqual(created);
    expect(sent[1]?.authorization).toMatch(/^Basic /);

    const listed = await f.call('GET', `/v1/connections/${cloud}/webhooks`);
    expect(listed.body.items).toMatchObject([
      { target: 'repository:acme/web', upstream_id: '{hook-web}', vendor_events: ['pullrequest:created', 'repo:push'] },
      { target: 'workspace:acme', upstream_id: '{hook-ws}', events: ['pull_request.opened', 'push'] },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(firstSecret);
  });

  it('a second sync updates the webhooks it finds by URL (no duplicate) with a new secret', async () => {
    const mark = f.up.received.length;
    f.answer({ values: [{ uuid: '{other}', url: 'https://elsewhere.example/x' }], next: `${f.up.url}/2.0/page2` });
    f.answer({ values: [{ uuid: '{hook-web}', url: hookUrl }] });
    f.answer({ uuid: '{hook-web}' });
    f.answer({ values: [] });
    f.answer({ uuid: '{hook-api}' }, 201);
    f.answer({ values: [{ uuid: '{hook-ws}', url: hookUrl }] });
    f.answer({ uuid: '{hook-ws}' });
    const res = await f.call('POST', `/v1/connections/${cloud}/webhooks/sync`, cloudBody);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.hook.url).toBe(hookUrl);
    expect(res.body.registrations.map((r: { status: string }) => r.status)).toEqual([
      'updated',
      'registered',
      'updated',
    ]);
    const sent = f.since(mark);
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /2.0/repositories/acme/web/hooks',
      'GET /2.0/page2',
      'PUT /2.0/repositories/acme/web/hooks/%7Bhook-web%7D',
      'GET /2.0/repositories/acme/api/hooks',
      'POST /2.0/repositories/acme/api/hooks',
      'GET /2.0/workspaces/acme/hooks',
      'PUT /2.0/workspaces/acme/hooks/%7Bhook-ws%7D',
    ]);
    const secret = sentSecret(sent[2]?.body);
    expect(secret).not.toBe(firstSecret);
    expect(sent[4]?.body).toMatchObject({ secret, url: hookUrl });

    const listed = await f.call('GET', `/v1/connections/${cloud}/webhooks`);
    expect(listed.body.items.map((i: { target: string }) => i.target).sort()).toEqual([
      'repository:acme/api',
      'repository:acme/web',
      'workspace:acme',
    ]);

    // What the vendor now signs with is accepted at the ingest URL, and so is the previous secret during the switch.
    const body = fixtureBytes('bitbucket-cloud/repo_push.signed.json');
    const deliver = (key: string, id: string) =>
      f.t.app.inject({
        method: 'POST',
        url: `/hooks/${publicIdOf(hookUrl)}`,
        headers: {
          'content-type': 'application/json',
          'x-event-key': 'repo:push',
          'x-request-uuid': id,
          'x-hub-signature': hubSignature(body, key),
        },
        payload: body,
      });
    const fresh = await deliver(secret, 'sync-e2e-1');
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(fresh.json()).toMatchObject({ status: 'accepted' });
    expect((await deliver(firstSecret, 'sync-e2e-2')).statusCode).toBe(200);
    expect((await deliver('not-the-secret', 'sync-e2e-3')).statusCode).toBe(401);
  });

  it('registers Data Center repository and project webhooks, then updates them', async () => {
    const body = { scope: { repositories: ['PRJ/web'], projects: ['OPS'] } };
    let mark = f.up.received.length;
    f.answer({ values: [], isLastPage: true, start: 0 });
    f.answer({ id: 7, name: 'Switchyard' });
    f.answer({ values: [], isLastPage: true, start: 0 });
    f.answer({ id: 8, name: 'Switchyard' });
    const first = await f.call('POST', `/v1/connections/${dc}/webhooks/sync`, body);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.registrations).toMatchObject([
      { target: 'repository:PRJ/web', status: 'registered', upstream_id: '7' },
      { target: 'project:OPS', status: 'registered', upstream_id: '8' },
    ]);
    let sent = f.since(mark);
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /bbdc/rest/api/latest/projects/PRJ/repos/web/webhooks',
      'POST /bbdc/rest/api/latest/projects/PRJ/repos/web/webhooks',
      'GET /bbdc/rest/api/latest/projects/OPS/webhooks',
      'POST /bbdc/rest/api/latest/projects/OPS/webhooks',
    ]);
    const url = first.body.hook.url as string;
    const secret = sentSecret(sent[1]?.body);
    expect(sent[1]?.body).toEqual({
      name: 'Switchyard',
      url,
      active: true,
      events: DC_KEYS,
      configuration: { secret },
    });
    expect(sent[1]?.authorization).toBe('Bearer bb-dc-token-1');

    mark = f.up.received.length;
    f.answer({ values: [{ id: 3, url: 'https://ci.example/hook' }], isLastPage: false, nextPageStart: 1 });
    f.answer({ values: [{ id: 7, url }], isLastPage: true });
    f.answer({ id: 7 });
    f.answer({ values: [{ id: 8, url }], isLastPage: true });
    f.answer({ id: 8 });
    const second = await f.call('POST', `/v1/connections/${dc}/webhooks/sync`, body);
    expect(second.body.registrations.map((r: { status: string }) => r.status)).toEqual(['updated', 'updated']);
    sent = f.since(mark);
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /bbdc/rest/api/latest/projects/PRJ/repos/web/webhooks',
      'GET /bbdc/rest/api/latest/projects/PRJ/repos/web/webhooks?start=1',
      'PUT /bbdc/rest/api/latest/projects/PRJ/repos/web/webhooks/7',
      'GET /bbdc/rest/api/latest/projects/OPS/webhooks',
      'PUT /bbdc/rest/api/latest/projects/OPS/webhooks/8',
    ]);
    expect(sentSecret(sent[2]?.body)).not.toBe(secret);
  });

  it('after its hook was deleted by hand, a sync makes a new hook and removes the webhook of the dead URL', async () => {
    const [old] = (await f.call('GET', `/v1/connections/${dc}/webhooks`)).body.items;
    expect((await f.call('DELETE', `/v1/connections/${dc}/hooks/${old.hook_id}`)).status).toBe(204);
    const mark = f.up.received.length;
    f.answer(undefined, 204);
    f.answer({ values: [], isLastPage: true });
    f.answer({ id: 9 });
    const res = await f.call('POST', `/v1/connections/${dc}/webhooks/sync`, { scope: { repositories: ['PRJ/web'] } });
    expect(res.body.hook.id).not.toBe(old.hook_id);
    expect(res.body.registrations).toMatchObject([{ status: 'registered', upstream_id: '9' }]);
    expect(f.since(mark).map((r) => `${r.method} ${r.url}`)).toEqual([
      'DELETE /bbdc/rest/api/latest/projects/PRJ/repos/web/webhooks/7',
      'GET /bbdc/rest/api/latest/projects/PRJ/repos/web/webhooks',
      'POST /bbdc/rest/api/latest/projects/PRJ/repos/web/webhooks',
    ]);
  });

  it('refuses a sync with no target, or an event Bitbucket does not send, before calling anyone', async () => {
    const mark = f.up.received.length;
    const none = await f.call('POST', `/v1/connections/${cloud}/webhooks/sync`, {});
    expect(none).toMatchObject({ status: 400, body: { code: 'VALIDATION' } });
    const wrong = await f.call('POST', `/v1/connections/${cloud}/webhooks/sync`, {
      scope: { repositories: ['acme/web'] },
      events: ['issue.created'],
    });
    expect(wrong).toMatchObject({ status: 400, body: { code: 'VALIDATION' } });
    expect(wrong.body.message).toContain('issue.created');
    expect(f.up.received.length).toBe(mark);
  });

  it('deleting the connection unregisters its webhooks first; one that fails is reported, not blocking', async () => {
    const mark = f.up.received.length;
    f.answer(undefined, 204);
    f.answer({ type: 'error', error: { message: 'Forbidden' } }, 403);
    f.answer(undefined, 204);
    const res = await f.call('DELETE', `/v1/connections/${cloud}`);
    expect(res.status).toBe(204);
    expect(
      f
        .since(mark)
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual([
      'DELETE /2.0/repositories/acme/api/hooks/%7Bhook-api%7D',
      'DELETE /2.0/repositories/acme/web/hooks/%7Bhook-web%7D',
      'DELETE /2.0/workspaces/acme/hooks/%7Bhook-ws%7D',
    ]);
    expect((await f.call('GET', `/v1/connections/${cloud}`)).status).toBe(404);
    const events = await f.call('GET', `/v1/events?type=connection.deleted&connection_id=${cloud}`);
    const reason = events.body.items[0]?.subject?.reason as string;
    expect(reason).toContain('could not be removed at the vendor');
    expect(reason).toMatch(/1 webhook\(s\)/);
  });
});
