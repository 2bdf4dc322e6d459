import { createHmac } from 'node:crypto';
import { SwitchyardClient } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../http/clock.js';
import { webhookSyncDeps } from '../services/webhook-sync/from-runtime.js';
import { WebhookRefresher } from '../services/webhook-sync/refresh-job.js';
import { seedTokenConnection } from '../test-support/seed-connection.js';
import { fixtureBytes } from '../test-support/webhook-fixtures.js';
import {
  ACCESS_TOKEN,
  CLIENT_SECRET,
  CLOUD_ID,
  publicIdOf,
  type SyncFixture,
  seedAtlassian3lo,
  sentSecret,
  startSyncFixture,
} from '../test-support/webhook-sync-fixture.js';
import { hubSignature } from '../webhooks/verify-hmac.js';

const DAY = 86_400_000;
const API = `/ex/jira/${CLOUD_ID}/rest/api/3`;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A JWT as Jira signs a 3LO app's dynamic webhook deliveries: HS256 with the OAuth app's client secret. */
function jiraJwt(secret: string): string {
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: 'jira', iat: now, exp: now + 180 })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('webhook sync on Jira Cloud (3LO), Confluence and the refresh job', () => {
  let f: SyncFixture;
  let jira: string;
  let url: string;
  const sync = (id: string, body: unknown) => f.call('POST', `/v1/connections/${id}/webhooks/sync`, body);
  const rows = async () => (await f.call('GET', `/v1/connections/${jira}/webhooks`)).body.items;
  const refresher = (nowMs: number) =>
    new WebhookRefresher({ ...webhookSyncDeps(f.t.runtime), clock: { ...systemClock, now: () => nowMs } });
  beforeAll(async () => {
    f = await startSyncFixture();
    jira = await seedAtlassian3lo(f.t, ['jira']);
  });
  afterAll(async () => f?.close());

  it('registers a dynamic webhook with the JQL filter, JWT-signed (no secret), expiring in 30 days', async () => {
    const mark = f.up.received.length;
    f.answer({ values: [], isLast: true, startAt: 0, maxResults: 100, total: 0 });
    f.answer({ webhookRegistrationResult: [{ createdWebhookId: 1001 }] });
    const res = await sync(jira, { jql: 'project = ABC', events: ['issue.created', 'issue.updated'] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    url = res.body.hook.url;
    expect(res.body.hook).toMatchObject({ source: 'jira-cloud', scheme: 'atlassian-jwt' });
    expect(res.body.registrations).toMatchObject([
      { target: `jira:${CLOUD_ID}`, status: 'registered', upstream_id: '1001' },
    ]);
    const expires = Date.parse(res.body.registrations[0].expires_at);
    expect(Math.abs(expires - (Date.now() + 30 * DAY))).toBeLessThan(60_000);
    const sent = f.since(mark);
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${API}/webhook?startAt=0&maxResults=100`,
      `POST ${API}/webhook`,
    ]);
    expect(sent[1]?.body).toEqual({
      url,
      webhooks: [{ events: ['jira:issue_created', 'jira:issue_updated'], jqlFilter: 'project = ABC' }],
    });
    expect(sent[1]?.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  it('a second identical sync refreshes the same webhook instead of adding one', async () => {
    const mark = f.up.received.length;
    const listed = { id: 1001, url, events: ['jira:issue_updated', 'jira:issue_created'], jqlFilter: 'project = ABC' };
    f.answer({
      values: [{ id: 7, url: 'https://other.example/hook', events: [], jqlFilter: 'x' }, listed],
      isLast: true,
    });
    f.answer({ expirationDate: Date.UTC(2030, 0, 1) });
    const res = await sync(jira, { jql: 'project = ABC', events: ['issue.updated', 'issue.created'] });
    expect(res.body.registrations).toMatchObject([
      { status: 'updated', upstream_id: '1001', expires_at: '2030-01-01T00:00:00.000Z' },
    ]);
    const sent = f.since(mark);
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${API}/webhook?startAt=0&maxResults=100`,
      `PUT ${API}/webhook/refresh`,
    ]);
    expect(sent[1]?.body).toEqual({ webhookIds: [1001] });
  });

  it('other settings replace it (new one first, then the old deleted); a refused JQL keeps the old one', async () => {
    let mark = f.up.received.length;
    f.answer({ values: [{ id: 1001, url, events: ['jira:issue_created'], jqlFilter: 'project = ABC' }], isLast: true });
    f.answer({ webhookRegistrationResult: [{ createdWebhookId: 1002 }] });
    f.answer(undefined, 202);
    const res = await sync(jira, { scope: { projects: ['ABC', 'XYZ'] } });
    expect(res.body.registrations).toMatchObject([{ status: 'updated', upstream_id: '1002' }]);
    let sent = f.since(mark);
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${API}/webhook?startAt=0&maxResults=100`,
      `POST ${API}/webhook`,
      `DELETE ${API}/webhook`,
    ]);
    expect(sent[1]?.body).toMatchObject({
      webhooks: [
        {
          events: ['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted', 'comment_created'],
          jqlFilter: 'project IN (ABC, XYZ)',
        },
      ],
    });
    expect(sent[2]?.body).toEqual({ webhookIds: [1001] });

    mark = f.up.received.length;
    f.answer({ values: [{ id: 1002, url, events: [], jqlFilter: 'project IN (ABC, XYZ)' }], isLast: true });
    f.answer({ webhookRegistrationResult: [{ errors: ['The clause watchCount is unsupported'] }] });
    const refused = await sync(jira, { jql: 'watchCount > 1' });
    expect(refused.body.registrations).toMatchObject([
      { status: 'failed', upstream_id: '1002', error: { code: 'VENDOR_ERROR' } },
    ]);
    expect(refused.body.registrations[0].error.message).toContain('watchCount is unsupported');
    sent = f.since(mark);
    expect(sent.map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(await rows()).toMatchObject([{ upstream_id: '1002', last_error: expect.stringContaining('watchCount') }]);
  });

  it('refuses a Jira sync without JQL or projects before calling Jira', async () => {
    const mark = f.up.received.length;
    const res = await sync(jira, {});
    expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION' } });
    expect(res.body.message).toContain('JQL');
    expect(f.up.received.length).toBe(mark);
  });

  it('the refresh job extends webhooks expiring within the margin, and only those', async () => {
    const deps = webhookSyncDeps(f.t.runtime);
    const [row] = await deps.registrations.listByConnection(f.t.admin.tenant.id, jira);
    if (row === undefined) throw new Error('no registration');
    const now = Date.now();
    await deps.registrations.update(row.id, { expires_at: new Date(now + 25 * DAY).toISOString() });
    let mark = f.up.received.length;
    expect(await refresher(now).runOnce()).toEqual({ refreshed: 0, failed: 0 });
    expect(f.up.received.length).toBe(mark);

    f.answer({ expirationDate: '2031-01-01T00:00:00.000+0000' });
    expect(await refresher(now + 6 * DAY).runOnce()).toEqual({ refreshed: 1, failed: 0 });
    const sent = f.since(mark);
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([`PUT ${API}/webhook/refresh`]);
    expect(sent[0]?.body).toEqual({ webhookIds: [1002] });
    expect(await rows()).toMatchObject([
      {
        expires_at: '2031-01-01T00:00:00.000Z',
        last_refreshed_at: new Date(now + 6 * DAY).toISOString(),
        last_error: null,
      },
    ]);

    // Past its expiry Jira has deleted it: no refresh call, the row says to sync again.
    await deps.registrations.update(row.id, { expires_at: new Date(now - DAY).toISOString() });
    mark = f.up.received.length;
    expect(await refresher(now).runOnce()).toEqual({ refreshed: 0, failed: 1 });
    expect(f.up.received.length).toBe(mark);
    expect(await rows()).toMatchObject([{ expires_at: null, last_error: expect.stringContaining('sync again') }]);
  });

  it('accepts at the ingest URL a delivery signed as Jira signs 3LO webhooks', async () => {
    const body = fixtureBytes('jira-cloud/jira_issue_created.json');
    const deliver = (secret: string) =>
      f.t.app.inject({
        method: 'POST',
        url: `/hooks/${publicIdOf(url)}`,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${jiraJwt(secret)}`,
          'x-atlassian-webhook-identifier': `sync-${secret.length}`,
        },
        payload: body,
      });
    const ok = await deliver(CLIENT_SECRET);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'accepted' });
    expect((await deliver('another-client-secret')).statusCode).toBe(401);
  });

  it('deleting the connection deletes its dynamic webhook at Jira', async () => {
    const mark = f.up.received.length;
    f.answer(undefined, 202);
    expect((await f.call('DELETE', `/v1/connections/${jira}`)).status).toBe(204);
    const sent = f.since(mark);
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([`DELETE ${API}/webhook`]);
    expect(sent[0]?.body).toEqual({ webhookIds: [1002] });
  });

  it('a Jira API token connection gets a manual setup: URL and a secret that the ingest accepts', async () => {
    const token = await seedTokenConnection(f.t.runtime, {
      tenantId: f.t.admin.tenant.id,
      provider: 'atlassian-cloud',
      authType: 'api_token',
      username: 'jane@example.com',
      secret: 'classic-token',
      siteUrl: 'https://acme.atlassian.net',
      products: ['jira'],
    });
    const mark = f.up.received.length;
    const res = await sync(token, { jql: 'project = ABC' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(f.up.received.length).toBe(mark);
    expect(res.body.hook).toMatchObject({ source: 'jira-cloud', scheme: 'hub-signature' });
    expect(res.body.registrations).toMatchObject([{ target: 'jira:https://acme.atlassian.net', status: 'manual' }]);
    expect(res.body.manual).toMatchObject({
      url: res.body.hook.url,
      vendor_events: ['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted', 'comment_created'],
    });
    expect(res.body.manual.instructions).toContain('project = ABC');
    const secret = res.body.manual.secret as string;
    const body = fixtureBytes('jira-cloud/jira_issue_created.json');
    const delivered = await f.t.app.inject({
      method: 'POST',
      url: `/hooks/${publicIdOf(res.body.hook.url)}`,
      headers: { 'content-type': 'application/json', 'x-hub-signature': hubSignature(body, secret) },
      payload: body,
    });
    expect(delivered.statusCode, delivered.body).toBe(200);
  });

  it('Confluence Cloud answers manual (CQL polling); Jira Data Center is refused', async () => {
    const confluence = await seedAtlassian3lo(f.t, ['confluence']);
    const mark = f.up.received.length;
    const res = await sync(confluence, {});
    expect(res.body).toMatchObject({
      hook: null,
      manual: null,
      registrations: [{ target: `confluence:${CLOUD_ID}`, status: 'manual', events: ['page.created', 'page.updated'] }],
    });
    expect(res.body.registrations[0].note).toContain('polling');
    const jiraDc = await seedTokenConnection(f.t.runtime, {
      tenantId: f.t.admin.tenant.id,
      provider: 'jira-dc',
      authType: 'bearer',
      username: null,
      secret: 'pat',
      siteUrl: `${f.up.url}/jira`,
      products: ['jira'],
    });
    expect(await sync(jiraDc, {})).toMatchObject({ status: 400, body: { code: 'VALIDATION' } });
    expect(f.up.received.length).toBe(mark);
  });

  it('registers a Confluence Data Center site webhook with a secret', async () => {
    const conf = await seedTokenConnection(f.t.runtime, {
      tenantId: f.t.admin.tenant.id,
      provider: 'confluence-dc',
      authType: 'bearer',
      username: null,
      secret: 'conf-pat',
      siteUrl: `${f.up.url}/conf`,
      products: ['confluence'],
    });
    const mark = f.up.received.length;
    f.answer({ values: [], isLastPage: true });
    f.answer({ id: 12, name: 'Switchyard' });
    // Through the SDK this time: its paths and methods are the server's.
    const sdk = new SwitchyardClient({
      baseUrl: await f.t.app.listen({ host: '127.0.0.1', port: 0 }),
      apiKey: f.t.admin.adminKey.key,
    });
    const synced = await sdk.webhooks.sync(conf);
    const res = { body: synced };
    expect(synced.registrations).toMatchObject([{ target: 'confluence', status: 'registered', upstream_id: '12' }]);
    expect((await sdk.webhooks.list(conf)).items).toMatchObject([
      { target: 'confluence', upstream_id: '12', events: ['page.created', 'page.updated'], last_error: null },
    ]);
    const sent = f.since(mark);
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /conf/rest/api/webhooks',
      'POST /conf/rest/api/webhooks',
    ]);
    expect(sent[1]?.body).toEqual({
      name: 'Switchyard',
      url: res.body.hook?.url,
      active: true,
      events: ['page_created', 'page_updated'],
      configuration: { secret: sentSecret(sent[1]?.body) },
    });
    expect(sent[1]?.authorization).toBe('Bearer conf-pat');
  });

  it('documents both routes in the OpenAPI document', async () => {
    const doc = (await f.t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths['/v1/connections/{connection_id}/webhooks/sync'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.paths['/v1/connections/{connection_id}/webhooks'] ?? {})).toEqual(['get']);
  });
});
