import { AppError } from '../../errors/app-error.js';

/**
 * Opaque cursors of the Bitbucket API: base64url JSON of where the next page starts, either Bitbucket Cloud's
 * `next` link (followed only under the connection's API root) or a Data Center `nextPageStart`.
 */
export type BitbucketCursor = { next: string } | { start: number };

export function encodeBitbucketCursor(at: BitbucketCursor): string {
  return Buffer.from(JSON.stringify('next' in at ? { n: at.next } : { s: at.start }), 'utf8').toString('base64url');
}

const invalid = () =>
  new AppError('VALIDATION', 'The cursor is not valid: pass back next_cursor exactly as you received it.', {
    details: [{ path: 'cursor', message: 'invalid cursor' }],
  });

export function decodeBitbucketCursor(cursor: string | undefined): BitbucketCursor | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { n?: unknown; s?: unknown };
  if (typeof o.n === 'string' && /^https?:\/\//.test(o.n)) return { next: o.n };
  if (typeof o.s === 'number' && Number.isInteger(o.s) && o.s >= 0) return { start: o.s };
  throw invalid();
}
