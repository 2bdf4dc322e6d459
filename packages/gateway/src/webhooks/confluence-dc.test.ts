import { describe, expect, it } from 'vitest';
import { onlyEvent, TEST_SECRET } from '../test-support/webhook-fixtures.js';
import { parseJson } from './json.js';
import { confluenceDc } from './providers/confluence-dc.js';
import { verifyDelivery } from './verify.js';
import { hubSignature } from './verify-hmac.js';

// No Confluence Data Center delivery was captured (../shared/atlassian/webhooks has none), so this payload is
// written here with the field names Confluence's webhook payloads use. It checks the mapping, not the vendor.
const pageUpdated = {
  timestamp: 1718009000123,
  userKey: '8a7f808a8f1b2c3d018f1b2c3d4e0001',
  user: 'jdoe',
  page: {
    id: 98307,
    title: 'Release checklist',
    spaceKey: 'OPS',
    version: 4,
    creatorKey: '8a7f808a8f1b2c3d018f1b2c3d4e0002',
    creatorName: 'asmith',
    lastModifierKey: '8a7f808a8f1b2c3d018f1b2c3d4e0001',
    lastModifierName: 'jdoe',
    creationDate: 1717000000000,
    modificationDate: 1718009000000,
    self: 'https://confluence.example.com/pages/viewpage.action?pageId=98307',
  },
};

describe('Confluence Data Center webhooks', () => {
  it('page_updated (signed) → page.updated', () => {
    const body = Buffer.from(JSON.stringify(pageUpdated));
    const headers = {
      'x-event-key': 'page_updated',
      'x-request-id': 'c-1',
      'x-hub-signature': hubSignature(body, TEST_SECRET),
    };
    const outcome = verifyDelivery(confluenceDc, { scheme: 'hub-signature', secrets: [TEST_SECRET] }, body, headers);
    expect(outcome).toMatchObject({
      status: 'verified',
      delivery: { eventKey: 'page_updated', dedupeKey: 'x-request-id:c-1' },
    });
    const parsed = parseJson(body);
    if (!parsed.ok) throw new Error(parsed.message);
    const event = onlyEvent(confluenceDc.normalize(parsed.value, headers), 'page.updated');
    expect(event.occurred_at).toBe('2024-06-10T08:43:20.123Z');
    expect(event.vendor).toEqual({ event_key: 'page_updated', delivery_id: 'c-1' });
    expect(event.actor).toMatchObject({ id: '8a7f808a8f1b2c3d018f1b2c3d4e0001', username: 'jdoe' });
    expect(event.subject.page).toEqual({
      id: '98307',
      title: 'Release checklist',
      space: { id: null, key: 'OPS', name: null, links: { web: null, api: null } },
      status: null,
      version: 4,
      parent_id: null,
      author: expect.objectContaining({ id: '8a7f808a8f1b2c3d018f1b2c3d4e0002', username: 'asmith' }),
      last_modified_by: expect.objectContaining({ username: 'jdoe' }),
      body: null,
      body_format: 'storage',
      created_at: '2024-05-29T16:26:40.000Z',
      updated_at: '2024-06-10T08:43:20.000Z',
      vendor_ids: { id: '98307', space_key: 'OPS' },
      links: { web: 'https://confluence.example.com/pages/viewpage.action?pageId=98307', api: null },
    });
  });

  it('page_created → page.created; the event may be named in the body; other keys give no event', () => {
    expect(confluenceDc.normalize({ ...pageUpdated, event: 'page_created' }, {}).map((e) => e.type)).toEqual([
      'page.created',
    ]);
    expect(confluenceDc.normalize(pageUpdated, { 'x-event-key': 'page_trashed' })).toEqual([]);
    expect(confluenceDc.normalize({ page: { id: 1 } }, { 'x-event-key': 'page_created' })).toEqual([]);
  });
});
