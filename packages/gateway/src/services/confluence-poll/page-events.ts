import type { ConfluencePage, User } from '@switchyard/sdk';
import type { EventRow } from '../../store/event-store.js';
import { newId } from '../../store/ids.js';
import { toEnvelope } from '../../webhooks/envelope.js';
import { at, compact, id, isoTime, num, str } from '../../webhooks/json.js';

/**
 * Polled events have no hook, but the event log deduplicates on (hook_id, dedupe_key): every polled event of a
 * connection carries this pseudo hook id (hook_id is not a foreign key), so `page id + version` is unique per
 * connection and a window read twice, by one replica or two, stores each version once.
 */
export const pollHookId = (connectionId: string) => `poll:confluence:${connectionId}`;
export const pageDedupeKey = (pageId: string, version: number) => `confluence-page:${pageId}:v${version}`;

/** One page version found by the search. */
export interface PageHit {
  page: ConfluencePage;
  version: number;
  /** When this version was saved (ISO): what the watermark advances to. */
  modifiedAt: string;
  raw: unknown;
}

/** A v1 `User` (accountId, displayName, publicName, email). */
function v1User(value: unknown): User | null {
  const accountId = id(at(value, 'accountId'));
  if (accountId === null) return null;
  return {
    id: accountId,
    display_name: str(at(value, 'displayName')) ?? str(at(value, 'publicName')),
    username: str(at(value, 'publicName')),
    email: str(at(value, 'email')),
    vendor_ids: { account_id: accountId },
    links: { web: null, api: null },
  };
}

/** A search result of type page, with `content.version`, `content.history` and `content.space` expanded. */
export function pageHit(result: unknown, base: string | null): PageHit | undefined {
  const content = at(result, 'content');
  const pageId = id(at(content, 'id'));
  const version = num(at(content, 'version', 'number'));
  const type = str(at(content, 'type'));
  const title = str(at(content, 'title')) ?? str(at(result, 'title'));
  if (pageId === null || version === null || title === null || (type !== null && type !== 'page')) return undefined;
  const modifiedAt = isoTime(at(content, 'version', 'when')) ?? isoTime(at(result, 'lastModified'));
  if (modifiedAt === null) return undefined;
  const spaceKey = str(at(content, 'space', 'key'));
  const webui = str(at(content, '_links', 'webui')) ?? str(at(result, 'url'));
  const page: ConfluencePage = {
    id: pageId,
    title,
    space:
      spaceKey === null
        ? null
        : {
            id: id(at(content, 'space', 'id')),
            key: spaceKey,
            name: str(at(content, 'space', 'name')),
            links: { web: null, api: null },
          },
    status: str(at(content, 'status')),
    version,
    parent_id: null,
    author: v1User(at(content, 'history', 'createdBy')),
    last_modified_by: v1User(at(content, 'version', 'by')),
    body: null,
    body_format: 'storage',
    created_at: isoTime(at(content, 'history', 'createdDate')),
    updated_at: modifiedAt,
    vendor_ids: compact({ id: pageId, space_key: spaceKey }),
    links: {
      web: webui === null ? null : base === null ? webui : `${base.replace(/\/+$/, '')}${webui}`,
      api: str(at(content, '_links', 'self')),
    },
  };
  return { page, version, modifiedAt, raw: result };
}

/** The event of a page version: version 1 is `page.created`, any later one `page.updated`. */
export function pageEventRow(tenantId: string, connectionId: string, hit: PageHit, nowMs: number): EventRow {
  const type = hit.version === 1 ? 'page.created' : 'page.updated';
  const key = hit.version === 1 ? 'page_created' : 'page_updated';
  const receivedAt = new Date(nowMs).toISOString();
  const eventId = newId('evt', nowMs);
  const event = toEnvelope(
    {
      type,
      occurred_at: hit.modifiedAt,
      actor: hit.version === 1 ? hit.page.author : hit.page.last_modified_by,
      vendor: { event_key: key, delivery_id: null },
      subject: { kind: 'page', page: hit.page },
    },
    { id: eventId, connectionId, provider: 'atlassian-cloud', receivedAt },
  );
  return {
    id: eventId,
    tenant_id: tenantId,
    connection_id: connectionId,
    hook_id: pollHookId(connectionId),
    type,
    provider: 'atlassian-cloud',
    dedupe_key: pageDedupeKey(hit.page.id, hit.version),
    occurred_at: event.occurred_at,
    received_at: receivedAt,
    payload: JSON.stringify(event),
    raw: JSON.stringify(hit.raw),
    raw_ref: null,
    vendor_event_key: key,
  };
}
