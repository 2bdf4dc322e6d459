import type { ConfluencePage, ConfluenceSpace, User } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { arr, at, compact, id, isoTime, num, str } from '../../webhooks/json.js';
import { confluencePage } from '../../webhooks/providers/confluence-dc.js';
import { type BodyFormat, fromVendorBody } from './body.js';

/**
 * REST payloads → normalized entities. Cloud v2 names spaces and people by id only (`spaceId`, `authorId`): the
 * caller resolves space ids to keys (spaces.ts) and users carry just their account id. Data Center v1 content is
 * read with the webhook mapper (same `id`/`title`/`space`/`version` fields) and completed with the REST-only
 * fields (`history`, `version.by`, `ancestors`, `_links`).
 */

export const malformed = (what: string) =>
  new AppError('VENDOR_ERROR', `Confluence answered ${what} Switchyard cannot read.`, { status: 502 });

/** A site-relative web link (`/spaces/KEY/pages/1`) joined to the answer's `_links.base`. */
export function webLink(base: string | null, path: unknown): string | null {
  const rel = str(path);
  if (rel === null) return null;
  if (/^https?:\/\//.test(rel)) return rel;
  return base === null ? null : `${base.replace(/\/+$/, '')}${rel}`;
}

export const baseOf = (res: unknown): string | null => str(at(res, '_links', 'base'));

function accountUser(accountId: string | null): User | null {
  if (accountId === null) return null;
  return {
    id: accountId,
    display_name: null,
    username: null,
    email: null,
    vendor_ids: { account_id: accountId },
    links: { web: null, api: null },
  };
}

/** A v1 user (`history.createdBy`, `version.by`): Cloud has accountId, Data Center userKey and username. */
function v1User(value: unknown): User | null {
  const accountId = id(at(value, 'accountId'));
  const key = id(at(value, 'userKey'));
  const username = str(at(value, 'username'));
  const userId = accountId ?? key ?? username;
  if (userId === null || str(at(value, 'type')) === 'anonymous') return null;
  return {
    id: userId,
    display_name: str(at(value, 'displayName')) ?? str(at(value, 'publicName')),
    username,
    email: str(at(value, 'email')),
    vendor_ids: compact({ account_id: accountId, key, username }),
    links: { web: null, api: str(at(value, '_links', 'self')) },
  };
}

export function toSpace(raw: unknown, base: string | null): ConfluenceSpace {
  const key = str(at(raw, 'key'));
  if (key === null) throw malformed('a space without key');
  return {
    id: id(at(raw, 'id')),
    key,
    name: str(at(raw, 'name')),
    links: { web: webLink(base, at(raw, '_links', 'webui')), api: str(at(raw, '_links', 'self')) },
  };
}

/** The body part of a page: what a list carries (nothing) or what a single page answered. */
export interface PageBody {
  format: BodyFormat;
  /** The vendor body in the representation asked for; undefined when not read (lists). */
  value?: string | undefined;
}

/** A Cloud v2 page (single, list item or child). `space` is the page's space, resolved from its `spaceId`. */
export function cloudPage(
  raw: unknown,
  space: ConfluenceSpace | null,
  base: string | null,
  body: PageBody,
): ConfluencePage {
  const pageId = id(at(raw, 'id'));
  if (pageId === null) throw malformed('a page without id');
  const spaceId = id(at(raw, 'spaceId'));
  return {
    id: pageId,
    title: str(at(raw, 'title')) ?? '',
    space,
    status: str(at(raw, 'status')),
    version: num(at(raw, 'version', 'number')),
    parent_id: id(at(raw, 'parentId')),
    author: accountUser(id(at(raw, 'authorId'))),
    last_modified_by: accountUser(id(at(raw, 'version', 'authorId'))),
    body: fromVendorBody(body.value, body.format),
    body_format: body.format,
    created_at: isoTime(at(raw, 'createdAt')),
    updated_at: isoTime(at(raw, 'version', 'createdAt')),
    vendor_ids: compact({ id: pageId, space_id: spaceId }),
    links: { web: webLink(base, at(raw, '_links', 'webui')), api: null },
  };
}

/** A Data Center v1 content object, read with `expand=space,version,history,ancestors` (and `body.storage`). */
export function dcPage(raw: unknown, base: string | null, body: PageBody): ConfluencePage {
  const page = confluencePage(raw);
  if (page === null) throw malformed('a page without id or title');
  const ancestors = arr(at(raw, 'ancestors'));
  const rawSpace = at(raw, 'space');
  return {
    ...page,
    space: str(at(rawSpace, 'key')) === null ? page.space : toSpace(rawSpace, base),
    parent_id: id(at(ancestors[ancestors.length - 1], 'id')) ?? page.parent_id,
    author: v1User(at(raw, 'history', 'createdBy')),
    last_modified_by: v1User(at(raw, 'version', 'by')),
    body: fromVendorBody(body.value, body.format),
    body_format: body.format,
    created_at: isoTime(at(raw, 'history', 'createdDate')),
    updated_at: isoTime(at(raw, 'version', 'when')),
    links: { web: webLink(base, at(raw, '_links', 'webui')), api: str(at(raw, '_links', 'self')) },
  };
}
