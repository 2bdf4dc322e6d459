import { arr, at } from '../../webhooks/json.js';
import { continuation, encodeConfluenceCursor, linkOf, nextLinkOf, startOf } from './cursor.js';
import { malformed } from './map.js';
import type { ConfluenceTransport, Query } from './transport.js';

/** One page of a Confluence list, whichever way the deployment pages it; `res` is the vendor's answer. */
export interface ListPage {
  res: unknown;
  next_cursor: string | null;
}

/** `limit` and the caller's opaque cursor. */
export interface PageQuery {
  limit: number;
  cursor?: string | undefined;
}

/** A Cloud list page: the first request, or the `next` link a cursor carries (which already holds the query). */
export async function cloudList(
  confluence: ConfluenceTransport,
  path: string,
  q: PageQuery,
  query: Query = {},
): Promise<ListPage> {
  const from = linkOf(q.cursor, path);
  const res =
    from === undefined
      ? await confluence.send('GET', path, { query: { ...query, limit: q.limit } })
      : await confluence.send('GET', from);
  const link = nextLinkOf(res);
  const next = continuation(link, path);
  // A next link that does not continue this list would end it early without a word: say so instead.
  if (link !== null && link !== '' && next === null) throw malformed('a next link');
  return { res, next_cursor: next === null ? null : encodeConfluenceCursor({ next }) };
}

/** A Data Center list page by `start` offset; v1 sends `_links.next` while more results follow. */
export async function dcList(
  confluence: ConfluenceTransport,
  path: string,
  q: PageQuery,
  query: Query = {},
): Promise<ListPage> {
  const start = startOf(q.cursor);
  const res = await confluence.send('GET', path, { query: { ...query, start, limit: q.limit } });
  const size = arr(at(res, 'results')).length;
  const more = size > 0 && nextLinkOf(res) !== null;
  return { res, next_cursor: more ? encodeConfluenceCursor({ start: start + size }) : null };
}
