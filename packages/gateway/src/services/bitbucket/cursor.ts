import { decodeJsonCursor, encodeJsonCursor, invalidCursor as invalid } from '../pagination.js';

/**
 * Opaque cursors of the Bitbucket API: base64url JSON of where the next page starts, either Bitbucket Cloud's
 * `next` link (followed only under the connection's API root) or a Data Center `nextPageStart`.
 */
export type BitbucketCursor = { next: string } | { start: number };

export function encodeBitbucketCursor(at: BitbucketCursor): string {
  return encodeJsonCursor('next' in at ? { n: at.next } : { s: at.start });
}

export function decodeBitbucketCursor(cursor: string | undefined): BitbucketCursor | undefined {
  if (cursor === undefined) return undefined;
  const o = decodeJsonCursor(cursor) as { n?: unknown; s?: unknown };
  if (typeof o.n === 'string' && /^https?:\/\//.test(o.n)) return { next: o.n };
  if (typeof o.s === 'number' && Number.isInteger(o.s) && o.s >= 0) return { start: o.s };
  throw invalid();
}
