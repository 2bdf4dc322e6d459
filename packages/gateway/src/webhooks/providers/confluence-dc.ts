import type { ConfluencePage, User } from '@switchyard/sdk';
import { at, compact, id, isoTime, num, obj, str } from '../json.js';
import { deliveryInfo, type EventDraft, header, type IncomingHeaders, type WebhookProvider } from '../types.js';

/**
 * Confluence Data Center (7.13+ webhooks): `X-Hub-Signature` when a secret is set, delivery id in `X-Request-Id`,
 * the event in `X-Event-Key` or in the body. No captured payload exists in ../shared, so this reads the fields the
 * Confluence webhook payloads are known to carry (`page` with `id`, `title`, `spaceKey`, `version`, creator and
 * modifier, dates as epoch milliseconds, `self` as the page's URL) and tolerates their absence: see docs/webhooks.md.
 */

const PAGE: Record<string, 'page.created' | 'page.updated'> = {
  page_created: 'page.created',
  page_updated: 'page.updated',
};

export const confluenceDcEventKeys = PAGE;

function eventKeyOf(payload: unknown, headers: IncomingHeaders): string | null {
  return (
    header(headers, 'x-event-key') ??
    str(at(payload, 'eventKey')) ??
    str(at(payload, 'event')) ??
    str(at(payload, 'webhookEvent'))
  );
}

/** A user named by `…Key` / `…Name` / `…AccountId` fields next to each other (`creatorKey`, `creatorName`). */
function namedUser(value: unknown, prefix: string): User | null {
  const key = id(at(value, `${prefix}Key`));
  const name = str(at(value, `${prefix}Name`)) ?? str(at(value, prefix));
  const accountId = id(at(value, `${prefix}AccountId`));
  const userId = accountId ?? key ?? name;
  if (userId === null) return null;
  return {
    id: userId,
    display_name: str(at(value, `${prefix}DisplayName`)),
    username: name,
    email: null,
    vendor_ids: compact({ key, name, account_id: accountId }),
    links: { web: null, api: null },
  };
}

export function confluencePage(value: unknown): ConfluencePage | null {
  const pageId = id(at(value, 'id'));
  const title = str(at(value, 'title'));
  if (pageId === null || title === null) return null;
  const spaceKey = str(at(value, 'spaceKey')) ?? str(at(value, 'space', 'key'));
  const version = num(at(value, 'version')) ?? num(at(value, 'version', 'number'));
  return {
    id: pageId,
    title,
    space:
      spaceKey === null
        ? null
        : {
            id: id(at(value, 'space', 'id')),
            key: spaceKey,
            name: str(at(value, 'space', 'name')),
            links: { web: null, api: null },
          },
    status: str(at(value, 'status')) ?? str(at(value, 'contentStatus')),
    version,
    parent_id: id(at(value, 'parentId')) ?? id(at(value, 'parent', 'id')),
    author: namedUser(value, 'creator'),
    last_modified_by: namedUser(value, 'lastModifier'),
    body: null,
    body_format: 'storage',
    created_at: isoTime(at(value, 'creationDate')) ?? isoTime(at(value, 'createdDate')),
    updated_at: isoTime(at(value, 'modificationDate')) ?? isoTime(at(value, 'lastModificationDate')),
    vendor_ids: compact({ id: pageId, space_key: spaceKey }),
    links: { web: str(at(value, 'self')) ?? str(at(value, 'url')), api: null },
  };
}

function normalize(payload: unknown, headers: IncomingHeaders): EventDraft[] {
  const key = eventKeyOf(payload, headers);
  const type = key === null ? undefined : PAGE[key];
  if (key === null || type === undefined || obj(payload) === null) return [];
  const page = confluencePage(at(payload, 'page'));
  if (page === null) return [];
  const actor = namedUser(payload, 'user') ?? (type === 'page.created' ? page.author : page.last_modified_by);
  return [
    {
      type,
      occurred_at: isoTime(at(payload, 'timestamp')) ?? page.updated_at,
      actor,
      vendor: { event_key: key, delivery_id: header(headers, 'x-request-id') },
      subject: { kind: 'page', page },
    },
  ];
}

export const confluenceDc: WebhookProvider = {
  source: 'confluence-dc',
  schemes: ['hub-signature'],
  unsignedPing: false,
  describe: (headers, rawBody) => deliveryInfo(headers, rawBody, 'X-Request-Id', header(headers, 'x-event-key')),
  normalize,
};
