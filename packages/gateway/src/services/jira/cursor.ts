import { decodeJsonCursor, encodeJsonCursor, invalidCursor as invalid } from '../pagination.js';

/**
 * Opaque cursors of the Jira API: base64url JSON of where the next page starts, either Jira Cloud's
 * `nextPageToken` (search/jql) or a `startAt` offset (Data Center search, project and comment lists).
 */
export type JiraCursor = { token: string } | { startAt: number };

export function encodeJiraCursor(at: JiraCursor): string {
  return encodeJsonCursor('token' in at ? { t: at.token } : { s: at.startAt });
}

export function decodeJiraCursor(cursor: string | undefined): JiraCursor | undefined {
  if (cursor === undefined) return undefined;
  const o = decodeJsonCursor(cursor) as { t?: unknown; s?: unknown };
  if (typeof o.t === 'string' && o.t !== '') return { token: o.t };
  if (typeof o.s === 'number' && Number.isInteger(o.s) && o.s >= 0) return { startAt: o.s };
  throw invalid();
}

/** The offset a startAt-paged list resumes at (a token cursor does not fit such a list). */
export function startAtOf(cursor: string | undefined): number {
  const at = decodeJiraCursor(cursor);
  if (at === undefined) return 0;
  if ('startAt' in at) return at.startAt;
  throw invalid();
}
