import { at, str } from '../../webhooks/json.js';
import { decodeJsonCursor, encodeJsonCursor, invalidCursor as invalid } from '../pagination.js';

/**
 * Opaque cursors of the Confluence API: base64url JSON of where the next page starts, either the `next` link
 * Confluence Cloud answered (followed as given, never rebuilt: v1 CQL search forbids building it) or a Data
 * Center `start` offset.
 */
export type ConfluenceCursor = { next: string } | { start: number };

export function encodeConfluenceCursor(where: ConfluenceCursor): string {
  return encodeJsonCursor('next' in where ? { n: where.next } : { s: where.start });
}

export function decodeConfluenceCursor(cursor: string | undefined): ConfluenceCursor | undefined {
  if (cursor === undefined) return undefined;
  const o = decodeJsonCursor(cursor) as { n?: unknown; s?: unknown };
  if (typeof o.n === 'string' && o.n.startsWith('/')) return { next: o.n };
  if (typeof o.s === 'number' && Number.isInteger(o.s) && o.s >= 0) return { start: o.s };
  throw invalid();
}

/**
 * A Cloud `next` link as a path under the Confluence root (`/api/v2/…?cursor=…`), if it continues `path`. v2 links
 * are site-relative (`/wiki/api/v2/…`), v1 ones relative to `/wiki` (`/rest/api/search?…`); a link to any other
 * path is refused, so a cursor can only ever continue the list it came from (and never send the credential
 * elsewhere: the host is never taken from it). An api.atlassian.com `/ex/confluence/{cloudId}` prefix is dropped too.
 */
export function continuation(link: string | null, path: string): string | null {
  if (link === null || link === '') return null;
  let u: URL;
  try {
    u = new URL(link, 'http://confluence.invalid');
  } catch {
    return null;
  }
  const pathname = u.pathname.replace(/^(?:\/ex\/confluence\/[^/]+)?\/wiki(?=\/)/, '');
  return pathname === path && u.search !== '' ? `${pathname}${u.search}` : null;
}

/** The next link of a Cloud list answer, in its body (`_links.next`) as every v1 and v2 list sends it. */
export const nextLinkOf = (res: unknown): string | null => str(at(res, '_links', 'next'));

/** The start offset a Data Center list resumes at (a Cloud link does not fit it). */
export function startOf(cursor: string | undefined): number {
  const where = decodeConfluenceCursor(cursor);
  if (where === undefined) return 0;
  if ('start' in where) return where.start;
  throw invalid();
}

/** The link a Cloud list resumes at, checked to continue `path`; undefined on the first page. */
export function linkOf(cursor: string | undefined, path: string): string | undefined {
  const where = decodeConfluenceCursor(cursor);
  if (where === undefined) return undefined;
  // Only a link as continuation() wrote it: the exact path, no host, no `/wiki` prefix.
  if (!('next' in where) || continuation(where.next, path) !== where.next) throw invalid();
  return where.next;
}
