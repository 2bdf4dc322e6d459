import type { Page } from '@switchyard/sdk';
import { AppError } from '../errors/app-error.js';
import type { PageRequest } from '../store/store.js';

/** The answer to a cursor we did not hand out (or one that was altered). */
export const invalidCursor = () =>
  new AppError('VALIDATION', 'The cursor is not valid: pass back next_cursor exactly as you received it.', {
    details: [{ path: 'cursor', message: 'invalid cursor' }],
  });

/** Opaque cursors: base64url of the last id of the previous page. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z]+_[0-9a-z]+$/.test(id)) throw invalidCursor();
  return id;
}

/** An opaque cursor over a vendor's own continuation (a token, an offset, a next link): base64url JSON. */
export function encodeJsonCursor(fields: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
}

/** The fields of a JSON cursor, for the caller to validate; anything unreadable is VALIDATION. */
export function decodeJsonCursor(cursor: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

export function pageRequest(limit: number, cursor: string | undefined): PageRequest {
  const after = decodeCursor(cursor);
  // Ask for one extra row to know whether another page exists.
  return after === undefined ? { limit: limit + 1 } : { limit: limit + 1, after };
}

export function toPage<R extends { id: string }, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(map),
    next_cursor: rows.length > limit && last !== undefined ? Buffer.from(last.id, 'utf8').toString('base64url') : null,
  };
}
