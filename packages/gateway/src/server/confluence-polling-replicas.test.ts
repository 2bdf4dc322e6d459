import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../http/clock.js';
import { createLogger } from '../logging/logger.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { pollHookId } from '../services/confluence-poll/page-events.js';
import { PollStore } from '../services/confluence-poll/poll-store.js';
import { ConfluencePoller, type PollerOptions } from '../services/confluence-poll/poller.js';
import type { ConfluenceSearch } from '../services/confluence-poll/search.js';
import { setPolling } from '../services/confluence-poll/settings.js';
import { searchPage, searchResult } from '../test-support/confluence-poll-fixtures.js';
import { LogCapture, startTestApp, type TestApp } from '../test-support/harness.js';
import { type ProxyUpstream, startProxyUpstream } from '../test-support/proxy-upstream.js';
import { seedTokenConnection } from '../test-support/seed-connection.js';

/**
 * Two replicas (two runtimes, two pools, two pollers) over one PostgreSQL schema: the lease lets one of them poll
 * a connection at a time, and when a lease is lost mid-run the dedupe key still stores each page version once.
 */
describe('Confluence pollers on two replicas over PostgreSQL', () => {
  let up: ProxyUpstream;
  let t: TestApp;
  let second: Runtime;
  let connectionId: string;
  let nowMs = Date.now() + 60_000;
  const clock: Clock = { now: () => nowMs, sleep: async () => undefined };
  const pollerOf = (
    runtime: Runtime,
    owner: string,
    options: Partial<PollerOptions> = {},
    searchOf?: () => Promise<ConfluenceSearch>,
  ) =>
    new ConfluencePoller(
      {
        polls: new PollStore(runtime.db),
        writer: runtime.events.writer,
        transport: { config: runtime.config, outbound: runtime.outbound, targets: runtime.targets },
        logger: runtime.logger,
        clock,
        ...(searchOf === undefined ? {} : { searchOf }),
      },
      { owner, ...options },
    );
  const polledVersions = async () =>
    (
      await t.runtime.db.kysely
        .selectFrom('events')
        .select('dedupe_key')
        .where('hook_id', '=', pollHookId(connectionId))
        .execute()
    ).map((r) => r.dedupe_key);

  beforeAll(async () => {
    up = await startProxyUpstream();
    t = await startTestApp('postgres', {
      SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
      SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
    });
    second = await createRuntime(t.config, createLogger('warn', new LogCapture()));
    connectionId = await seedTokenConnection(t.runtime, {
      tenantId: t.admin.tenant.id,
      provider: 'atlassian-cloud',
      authType: 'api_token',
      username: 'jane@example.com',
      secret: 'classic-token',
      siteUrl: up.url,
      products: ['confluence'],
    });
    await setPolling({ store: t.runtime.store, polls: new PollStore(t.runtime.db) }, t.admin.tenant.id, connectionId, {
      enabled: true,
    });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
    await up?.close();
  });

  it('lets exactly one replica poll a connection per run', async () => {
    const a = pollerOf(t.runtime, 'replica-a');
    const b = pollerOf(second, 'replica-b');
    for (let round = 1; round <= 6; round++) {
      nowMs += 61_000;
      const at = new Date(nowMs - 1_000).toISOString();
      up.answerNext({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(searchPage([searchResult('10', round, at), searchResult(`${20 + round}`, 1, at)])),
      });
      const before = up.received.length;
      const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
      expect(ra.polled + rb.polled).toBe(1);
      expect(ra.events + rb.events).toBe(2);
      expect(up.received.length - before).toBe(1);
    }
    const keys = await polledVersions();
    expect(keys).toHaveLength(12);
    expect(new Set(keys).size).toBe(12);
    // The events took the ingest path: visible in the tenant's event log.
    const listed = await t.runtime.store.events.listEvents(t.admin.tenant.id, { connectionId }, { limit: 100 });
    expect(listed.filter((e) => e.type.startsWith('page.'))).toHaveLength(12);
  });

  it('stores each version once when a lost lease lets both replicas poll the same window', async () => {
    nowMs += 61_000;
    const at = new Date(nowMs - 1_000).toISOString();
    const results = [searchResult('10', 7, at), searchResult('40', 1, at), searchResult('41', 2, at)];
    let entered = 0;
    let release: () => void = () => undefined;
    const bothIn = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Both runs reach the search before either commits: the lease (0 ms here, as if it had expired) no longer
    // keeps the second replica out, so only the dedupe key stands between them and a duplicate.
    const searchOf = async (): Promise<ConfluenceSearch> => {
      entered++;
      if (entered === 2) release();
      await Promise.race([
        bothIn,
        new Promise((_, reject) => setTimeout(() => reject(new Error('second replica never polled')), 5_000)),
      ]);
      return {
        async *pages() {
          yield { results, base: null, more: false };
        },
      };
    };
    const a = pollerOf(t.runtime, 'replica-a', { leaseMs: 0 }, searchOf);
    const b = pollerOf(second, 'replica-b', { leaseMs: 0 }, searchOf);
    const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(ra.polled + rb.polled).toBe(2);
    expect(ra.failed + rb.failed).toBe(0);
    expect(ra.events + rb.events).toBe(3);
    const keys = await polledVersions();
    expect(keys).toHaveLength(15);
    expect(new Set(keys).size).toBe(15);
  });
});
