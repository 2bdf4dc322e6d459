import type { SwitchyardClient } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtlassianFront } from '../test-support/atlassian-front.js';
import { type AtlassianContract, startAtlassianContract } from '../test-support/recording-front.js';

const CLOUD_ID = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';

/**
 * The normalized Confluence API's requests against Confluence Cloud's OpenAPI specs (Prism: v2, and v1 for CQL),
 * through api.atlassian.com's `/ex/confluence/{cloudId}/wiki` route: the front records each request with Prism's
 * `sl-violations`, and none may have any. The mocks answer schema-generated data, so the assertions are on what
 * the gateway sent; its mapping is covered by confluence-api.test.ts. A space's page list is left out: the mock
 * answers a space id of "string", which `/spaces/{id}/pages` (an integer id) would refuse.
 */
describe('the Confluence API against Confluence Cloud’s OpenAPI specs (Prism)', () => {
  let c: AtlassianContract;
  let front: AtlassianFront;
  let sdk: SwitchyardClient;
  let connectionId: string;
  beforeAll(async () => {
    c = await startAtlassianContract(CLOUD_ID, ['confluence']);
    ({ front, sdk, connectionId } = c);
  }, 120_000);
  afterAll(async () => c?.close());

  const sent = (method: string, path: string) =>
    front.records.filter(
      (r) => r.method === method && r.path.split('?')[0] === `/ex/confluence/${CLOUD_ID}/wiki${path}`,
    );

  it('lists spaces and reads a page with its storage body', async () => {
    const spaces = await sdk.confluence.spaces(connectionId, { limit: 5 });
    expect(Array.isArray(spaces.items)).toBe(true);
    expect(sent('GET', '/api/v2/spaces')[0]).toMatchObject({ status: 200, violations: [] });

    await sdk.confluence.page(connectionId, '65540');
    expect(sent('GET', '/api/v2/pages/65540')[0]).toMatchObject({ status: 200, violations: [] });
  });

  it('creates, updates and deletes a page', async () => {
    await sdk.confluence.createPage(connectionId, {
      space: '65539',
      title: 'Runbook',
      body: '# Run\n\nIt',
      parent_id: '65540',
    });
    expect(sent('POST', '/api/v2/pages')[0]).toMatchObject({ status: 200, violations: [] });

    await sdk.confluence.updatePage(connectionId, '65541', { title: 'Runbook', body: 'Again', version: 1 });
    expect(sent('PUT', '/api/v2/pages/65541')[0]).toMatchObject({ status: 200, violations: [] });

    await sdk.confluence.deletePage(connectionId, '65541');
    expect(sent('DELETE', '/api/v2/pages/65541')[0]).toMatchObject({ status: 204, violations: [] });
  });

  // Prism takes ~20 s to answer its first v1 search (the recursive search result schema), hence the timeout.
  it('lists children and searches by CQL on v1', async () => {
    await sdk.confluence.children(connectionId, '65540', { limit: 10 });
    expect(sent('GET', '/api/v2/pages/65540/children')[0]).toMatchObject({ status: 200, violations: [] });

    const found = await sdk.confluence.search(connectionId, { cql: 'type = page AND space = DEV', limit: 10 });
    expect(found).toEqual({ items: [], next_cursor: null });
    expect(sent('GET', '/rest/api/search')[0]).toMatchObject({ mock: 'confluence-v1', status: 200, violations: [] });
    expect(front.records.filter((r) => r.violations.length > 0)).toEqual([]);
  }, 90_000);
});
