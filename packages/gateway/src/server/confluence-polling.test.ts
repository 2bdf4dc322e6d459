import { SwitchyardClient, SwitchyardError, type SwitchyardEvent } from '@switchyard/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../http/clock.js';
import { confluencePoller } from '../services/confluence-poll/from-runtime.js';
import { PollStore } from '../services/confluence-poll/poll-store.js';
import { ConfluencePoller, type PollerOptions } from '../services/confluence-poll/poller.js';
import { searchPage, searchResult } from '../test-support/confluence-poll-fixtures.js';
import { waitFor } from '../test-support/event-fixtures.js';
import { startTestApp, type TestApp } from '../test-support/harness.js';
import { type ProxyUpstream, startProxyUpstream } from '../test-support/proxy-upstream.js';
import { seedTokenConnection } from '../test-support/seed-connection.js';

const json = { 'content-type': 'application/json' };
const MINUTE = 60_000;

/**
 * Confluence Cloud polling end to end on SQLite: the route, the poller against a local upstream serving
 * `/wiki/rest/api/search`, and the events it commits as they appear in GET /v1/events and in the outbox.
 */
describe('Confluence Cloud polling', () => {
  let up: ProxyUpstream;
  let t: TestApp;
  let sdk: SwitchyardClient;
  let cloud: string;
  let nowMs = Date.now();
  const clock: Clock = { now: () => nowMs, sleep: async () => undefined };
  const poller = (options: Partial<PollerOptions> = {}) =>
    new ConfluencePoller(
      {
        polls: new PollStore(t.runtime.db),
        writer: t.runtime.events.writer,
        transport: { config: t.runtime.config, outbound: t.runtime.outbound, targets: t.runtime.targets },
        logger: t.runtime.logger,
        clock,
      },
      { owner: 'test-replica', ...options },
    );
  const answer = (body: unknown, status = 200) => up.answerNext({ status, headers: json, body: JSON.stringify(body) });
  const searches = () =>
    up.received.filter((r) => r.url.startsWith('/wiki/rest/api/search')).map((r) => new URL(r.url, up.url));
  const pageEvents = async () =>
    (await sdk.events.list({ connection_id: cloud, limit: 100 })).items.filter((e) => e.type.startsWith('page.'));
  const versions = (events: SwitchyardEvent[]) =>
    events.map((e) => (e.subject.kind === 'page' ? `${e.type} ${e.subject.page.id} v${e.subject.page.version}` : ''));

  beforeAll(async () => {
    up = await startProxyUpstream();
    t = await startTestApp('sqlite', {
      SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
      SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
    });
    sdk = new SwitchyardClient({
      baseUrl: await t.app.listen({ host: '127.0.0.1', port: 0 }),
      apiKey: t.admin.adminKey.key,
    });
    const seed = { tenantId: t.admin.tenant.id, provider: 'atlassian-cloud' as const, authType: 'api_token' as const };
    cloud = await seedTokenConnection(t.runtime, {
      ...seed,
      username: 'jane@example.com',
      secret: 'classic-token',
      siteUrl: up.url,
      products: ['jira', 'confluence'],
    });
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });
  beforeEach(() => {
    up.received.length = 0;
  });

  it('refuses connections that cannot be polled, with a VALIDATION error', async () => {
    const jiraOnly = await seedTokenConnection(t.runtime, {
      tenantId: t.admin.tenant.id,
      provider: 'atlassian-cloud',
      authType: 'api_token',
      username: 'jane@example.com',
      secret: 'x',
      siteUrl: up.url,
      products: ['jira'],
    });
    const dc = await seedTokenConnection(t.runtime, {
      tenantId: t.admin.tenant.id,
      provider: 'confluence-dc',
      authType: 'bearer',
      username: null,
      secret: 'pat',
      siteUrl: up.url,
      products: ['confluence'],
    });
    for (const id of [jiraOnly, dc]) {
      const err = await sdk.confluencePolling.set(id, { enabled: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SwitchyardError);
      expect((err as SwitchyardError).code).toBe('VALIDATION');
    }
    // An OAuth grant must carry a scope that reaches the v1 search.
    const oauth = await seedTokenConnection(t.runtime, {
      tenantId: t.admin.tenant.id,
      provider: 'atlassian-cloud',
      authType: 'api_token',
      username: 'jane@example.com',
      secret: 'x',
      siteUrl: up.url,
      products: ['confluence'],
    });
    const row = await t.runtime.store.connections.getConnection(t.admin.tenant.id, oauth);
    await t.runtime.db.kysely
      .updateTable('grants')
      .set({ auth_type: 'oauth2' })
      .where('id', '=', row?.grant_id ?? '')
      .execute();
    const scoped = (scopes: string[]) =>
      t.runtime.db.kysely
        .updateTable('connections')
        .set({ scopes: JSON.stringify(scopes) })
        .where('id', '=', oauth);
    await scoped(['read:confluence-content.all', 'offline_access']).execute();
    const unscoped = await sdk.confluencePolling.set(oauth, { enabled: true }).catch((e: unknown) => e);
    expect((unscoped as SwitchyardError).code).toBe('VALIDATION');
    expect((unscoped as SwitchyardError).message).toContain('search:confluence');
    await scoped(['search:confluence', 'offline_access']).execute();
    expect((await sdk.confluencePolling.set(oauth, { enabled: true })).enabled).toBe(true);
    expect((await sdk.confluencePolling.set(oauth, { enabled: false })).enabled).toBe(false);

    const bad = await sdk.confluencePolling.set(cloud, { enabled: true, spaces: ['EN") OR (x'] }).catch((e) => e);
    expect((bad as SwitchyardError).code).toBe('VALIDATION');
    expect((await sdk.confluencePolling.get(cloud)).enabled).toBe(false);
  });

  it('polls with CQL, pages through _links.next and emits created/updated events once', async () => {
    const sub = await sdk.subscriptions.create({ url: 'http://127.0.0.1:9/hook', events: ['page.updated'] });
    const before = Date.now();
    const state = await sdk.confluencePolling.set(cloud, { enabled: true, spaces: ['ENG', 'OPS'] });
    expect(state).toMatchObject({ enabled: true, spaces: ['ENG', 'OPS'], interval_seconds: 60, last_error: null });
    expect(Date.parse(state.watermark ?? '')).toBeGreaterThanOrEqual(before - 1000);
    // The pages were modified after polling was turned on (the watermark) and before this run.
    nowMs = Date.now() + 40_000;

    const t1 = new Date(nowMs - 30_000).toISOString();
    const t2 = new Date(nowMs - 20_000).toISOString();
    answer(searchPage([searchResult('100', 1, t1), searchResult('200', 3, t1)], '/rest/api/search?cql=x&cursor=c2'));
    answer(searchPage([searchResult('300', 1, t2, 'OPS')]));
    expect(await poller().runOnce()).toEqual({ polled: 1, events: 3, failed: 0 });

    const [first, second] = searches();
    expect(first?.pathname).toBe('/wiki/rest/api/search');
    // The window starts 10 minutes (the overlap) before the watermark, rounded up to whole minutes.
    expect(first?.searchParams.get('cql')).toBe(
      'type = page AND lastmodified >= now("-11m") AND space in ("ENG","OPS") ORDER BY lastmodified ASC',
    );
    expect(first?.searchParams.get('expand')).toBe('content.version,content.history,content.space');
    expect(first?.searchParams.get('limit')).toBe('50');
    expect(second?.pathname).toBe('/wiki/rest/api/search');
    expect(second?.searchParams.get('cursor')).toBe('c2');
    const auth = up.received[0]?.headers.authorization;
    expect(auth).toBe(`Basic ${Buffer.from('jane@example.com:classic-token').toString('base64')}`);

    const events = await pageEvents();
    expect(versions(events)).toEqual(['page.created 100 v1', 'page.updated 200 v3', 'page.created 300 v1']);
    const created = events[0];
    expect(created).toMatchObject({
      provider: 'atlassian-cloud',
      connection_id: cloud,
      occurred_at: t1,
      actor: { id: 'acc-alice', display_name: 'Alice' },
      vendor: { event_key: 'page_created', delivery_id: null },
      subject: {
        kind: 'page',
        page: {
          title: 'Page 100',
          space: { key: 'ENG', name: 'Engineering' },
          links: { web: 'https://acme.atlassian.net/wiki/spaces/ENG/pages/100' },
        },
      },
    });
    expect(events[1]?.actor?.id).toBe('acc-bob');
    // Same path as webhooks: the matching subscription got exactly its delivery (page.updated only).
    const deliveries = await sdk.deliveries.list({ subscription_id: sub.id });
    expect(deliveries.items.map((d) => d.event_id)).toEqual([events[1]?.id]);
    const polled = await sdk.confluencePolling.get(cloud);
    expect(polled).toMatchObject({ watermark: t2, last_event_count: 3, last_error: null });
    expect(polled.next_run_at).toBe(new Date(Date.parse(polled.last_run_at ?? '') + MINUTE).toISOString());
  });

  it('is not due again before its interval', async () => {
    expect(await poller().runOnce()).toEqual({ polled: 0, events: 0, failed: 0 });
    expect(searches()).toHaveLength(0);
  });

  it('emits nothing for a repeated window and one update for a new version', async () => {
    nowMs += 61_000;
    const old = (await sdk.confluencePolling.get(cloud)).watermark ?? '';
    answer(searchPage([searchResult('100', 1, old), searchResult('200', 3, old), searchResult('300', 1, old)]));
    expect(await poller().runOnce()).toMatchObject({ polled: 1, events: 0 });
    nowMs += 61_000;
    const later = new Date(nowMs - 5_000).toISOString();
    answer(searchPage([searchResult('300', 1, old), searchResult('200', 5, later)]));
    expect(await poller().runOnce()).toMatchObject({ polled: 1, events: 1 });
    expect(versions(await pageEvents())).toEqual([
      'page.created 100 v1',
      'page.updated 200 v3',
      'page.created 300 v1',
      'page.updated 200 v5',
    ]);
    expect((await sdk.confluencePolling.get(cloud)).watermark).toBe(later);
  });

  it('keeps the watermark when a run fails halfway, and the repeat stores nothing twice', async () => {
    nowMs += 61_000;
    const watermark = (await sdk.confluencePolling.get(cloud)).watermark;
    const at = new Date(nowMs - 3_000).toISOString();
    answer(searchPage([searchResult('400', 1, at)], '/rest/api/search?cql=x&cursor=c2'));
    answer({ message: 'Could not parse cql' }, 400);
    expect(await poller().runOnce()).toEqual({ polled: 1, events: 1, failed: 1 });
    const failed = await sdk.confluencePolling.get(cloud);
    expect(failed.watermark).toBe(watermark);
    expect(failed.last_error).toContain('Could not parse cql');

    nowMs += 61_000;
    answer(searchPage([searchResult('400', 1, at)], '/rest/api/search?cql=x&cursor=c2'));
    answer(searchPage([searchResult('500', 1, at)]));
    expect(await poller().runOnce()).toEqual({ polled: 1, events: 1, failed: 0 });
    const ids = versions(await pageEvents());
    expect(ids.filter((v) => v === 'page.created 400 v1')).toHaveLength(1);
    expect(ids.at(-1)).toBe('page.created 500 v1');
    expect(await sdk.confluencePolling.get(cloud)).toMatchObject({ last_error: null, watermark: at });
  });

  it('stops at the page cap and catches up at once, without the overlap', async () => {
    nowMs += 61_000;
    const a = new Date(nowMs - 2_000).toISOString();
    answer(searchPage([searchResult('600', 1, a)], '/rest/api/search?cql=x&cursor=c2'));
    expect(await poller({ maxPages: 1 }).runOnce()).toMatchObject({ polled: 1, events: 1 });
    const capped = await sdk.confluencePolling.get(cloud);
    expect(capped.next_run_at).toBe(capped.last_run_at);
    answer(searchPage([searchResult('700', 1, a)]));
    expect(await poller({ maxPages: 1 }).runOnce()).toMatchObject({ polled: 1, events: 1 });
    // From the watermark 2 s ago: one minute, not eleven.
    expect(searches().at(-1)?.searchParams.get('cql')).toContain('lastmodified >= now("-1m")');
  });

  it('never moves the watermark past the run’s start, whatever date Confluence sends', async () => {
    nowMs += 61_000;
    answer(searchPage([searchResult('800', 1, new Date(nowMs + 3_600_000).toISOString())]));
    expect(await poller().runOnce()).toMatchObject({ polled: 1, events: 1 });
    expect((await sdk.confluencePolling.get(cloud)).watermark).toBe(new Date(nowMs).toISOString());
  });

  it('stops polling when disabled', async () => {
    expect(await sdk.confluencePolling.set(cloud, { enabled: false })).toMatchObject({
      enabled: false,
      next_run_at: null,
    });
    nowMs += 3_600_000;
    expect(await poller().runOnce()).toMatchObject({ polled: 0 });
  });

  it('runs on its own once started, as main.ts starts it, and stops', async () => {
    // Turned on again: the watermark restarts at now, so only a page modified after that is an event.
    const on = await sdk.confluencePolling.set(cloud, { enabled: true, spaces: [] });
    const at = new Date(Date.parse(on.watermark ?? '') + 1).toISOString();
    answer(searchPage([searchResult('900', 2, at)]));
    const job = confluencePoller(t.runtime, { tickMs: 20 });
    job.start(0);
    try {
      await waitFor(async () => versions(await pageEvents()).includes('page.updated 900 v2'), 10_000, 'the event');
    } finally {
      await job.stop();
    }
    const [search] = searches();
    // No space filter: every space the credential can read. The overlap (10 min) plus the few ms since turning on.
    expect(search?.searchParams.get('cql')).toBe(
      'type = page AND lastmodified >= now("-11m") ORDER BY lastmodified ASC',
    );
    expect(await sdk.confluencePolling.get(cloud)).toMatchObject({ last_event_count: 1, last_error: null });
  });
});
