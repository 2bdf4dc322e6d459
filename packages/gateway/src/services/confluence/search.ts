import type { ConfluenceSearchResult, Page } from '@switchyard/sdk';
import { arr, at, id, isoTime, str } from '../../webhooks/json.js';
import { cloudList, dcList, type PageQuery } from './lists.js';
import { baseOf, webLink } from './map.js';
import type { ConfluenceTransport } from './transport.js';

/**
 * CQL search: `GET /rest/api/search?cql=` on both deployments (v1: Cloud has no v2 search). Cloud pages by the
 * `next` link it answers (its `start` is deprecated there), Data Center by `start`. A malformed CQL is Confluence's
 * 400, passed on as VENDOR_ERROR.
 */

/** Confluence marks matches with `@@@hl@@@…@@@endhl@@@` in titles and excerpts. */
const plain = (text: string | null): string | null =>
  text === null ? null : text.replace(/@@@(?:end)?hl@@@/g, '').trim();

/** The space key in a hit's container link: `/spaces/KEY` (Cloud) or `/display/KEY` (Data Center). */
function spaceKeyOfUrl(url: string | null): string | null {
  const m = url === null ? null : /\/(?:spaces|display)\/([^/?#]+)/.exec(url);
  return m?.[1] === undefined ? null : decodeURIComponent(m[1]);
}

export function toSearchResult(raw: unknown, base: string | null): ConfluenceSearchResult {
  const content = at(raw, 'content');
  const excerpt = plain(str(at(raw, 'excerpt')));
  return {
    type: str(at(content, 'type')) ?? str(at(raw, 'entityType')) ?? 'unknown',
    id: id(at(content, 'id')),
    title: plain(str(at(raw, 'title')) ?? str(at(content, 'title'))) ?? '',
    excerpt: excerpt === '' ? null : excerpt,
    space_key:
      str(at(content, 'space', 'key')) ??
      str(at(raw, 'space', 'key')) ??
      spaceKeyOfUrl(str(at(raw, 'resultGlobalContainer', 'displayUrl'))),
    updated_at: isoTime(at(raw, 'lastModified')),
    links: { web: webLink(base, at(raw, 'url')), api: str(at(content, '_links', 'self')) },
  };
}

export async function searchContent(
  confluence: ConfluenceTransport,
  q: PageQuery & { cql: string },
): Promise<Page<ConfluenceSearchResult>> {
  const { res, next_cursor } =
    confluence.flavor === 'cloud'
      ? await cloudList(confluence, '/rest/api/search', q, { cql: q.cql })
      : await dcList(confluence, '/rest/api/search', q, { cql: q.cql });
  const base = baseOf(res);
  return { items: arr(at(res, 'results')).map((r) => toSearchResult(r, base)), next_cursor };
}
