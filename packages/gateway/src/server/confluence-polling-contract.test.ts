import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollStore } from '../services/confluence-poll/poll-store.js';
import { ConfluencePoller } from '../services/confluence-poll/poller.js';
import { setPolling } from '../services/confluence-poll/settings.js';
import { atlassianScopedToken, LOCAL_UPSTREAMS, seedInto } from '../test-support/api-fixture.js';
import { type AtlassianFront, startAtlassianFront } from '../test-support/atlassian-front.js';
import { startTestApp, type TestApp } from '../test-support/harness.js';
import { prismMocks } from '../test-support/prism-client.js';
import { expectNoRequestViolations, sentTo } from '../test-support/recording-front.js';

const CLOUD_ID = '7f1c9a2e-5b3d-4e8f-9a6b-2c4d6e8f0a1b';

/**
 * The poller's search request against Confluence Cloud's v1 OpenAPI spec (Prism, behind api.atlassian.com's
 * `/ex/confluence/{cloudId}` route as a scoped token or 3LO sends it): no request violation allowed.
 */
describe('the Confluence poller against Confluence Cloud’s v1 spec (Prism)', () => {
  let t: TestApp;
  let front: AtlassianFront;
  let connectionId: string;
  beforeAll(async () => {
    const mocks = await prismMocks(['jira', 'confluence-v2', 'confluence-v1']);
    front = await startAtlassianFront(mocks, CLOUD_ID);
    t = await startTestApp('sqlite', { ...LOCAL_UPSTREAMS, ATLASSIAN_API_URL: front.url });
    connectionId = await seedInto(t, atlassianScopedToken(CLOUD_ID, ['confluence']));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await front?.close();
  });

  it('searches with GET /wiki/rest/api/search and a CQL the spec accepts', async () => {
    const polls = new PollStore(t.runtime.db);
    await setPolling({ store: t.runtime.store, polls }, t.admin.tenant.id, connectionId, {
      enabled: true,
      spaces: ['ENG'],
    });
    const poller = new ConfluencePoller({
      polls,
      writer: t.runtime.events.writer,
      transport: { config: t.runtime.config, outbound: t.runtime.outbound, targets: t.runtime.targets },
      logger: t.runtime.logger,
    });
    expect(await poller.runOnce()).toEqual({ polled: 1, events: 0, failed: 0 });
    const searches = sentTo(front.records, 'GET', `/ex/confluence/${CLOUD_ID}/wiki/rest/api/search`);
    expect(searches).toHaveLength(1);
    expect(searches[0]).toMatchObject({ status: 200, violations: [] });
    expectNoRequestViolations(front.records);
    expect((await polls.get(t.admin.tenant.id, connectionId))?.last_error).toBeNull();
  });
});
