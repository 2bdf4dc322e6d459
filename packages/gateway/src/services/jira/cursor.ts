import { AppError } from '../../errors/app-error.js';

/**
 * Opaque cursors of the Jira API: base64url JSON of where the next page starts, either Jira Cloud's
 * `nextPageToken` (search/jql) or a `startAt` offset (Data Center search, project and comment lists).
 */
export type JiraCursor = { token: string } | { startAt: number };

export function encodeJiraCursor(at: JiraCursor): string {
  return Buffer.from(JSON.stringify('token' in at ? { t: at.token } : { s: at.startAt }), 'utf8').toString('base64url');
}

const invalid = () =>
  new AppError('VALIDATION', 'The cursor is not valid: pass back next_cursor exactly as you received it.', {
    details: [{ path: 'cursor', message: 'invalid cursor' }],
  });

export function decodeJiraCursor(cursor: string | undefined): JiraCursor | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { t?: unknown; s?: unknown };
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
