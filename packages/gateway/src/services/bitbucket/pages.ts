import type { Page } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { arr, at, bool, num, str } from '../../webhooks/json.js';
import { decodeBitbucketCursor, encodeBitbucketCursor } from './cursor.js';
import type { BitbucketTransport, Query } from './transport.js';

const invalid = () =>
  new AppError('VALIDATION', 'The cursor is not valid for this connection.', {
    details: [{ path: 'cursor', message: 'invalid cursor' }],
  });

/**
 * One page of a Bitbucket list. Cloud: `pagelen` on the first page, then the opaque `next` link (which already
 * carries the query), refused unless it stays under the connection's API root. Data Center: `start`/`limit`,
 * next page from `nextPageStart` unless `isLastPage` (a missing `nextPageStart` ends the list, BSERV-12725).
 */
export async function listPage<T>(
  bb: BitbucketTransport,
  path: string,
  q: { limit: number; cursor?: string | undefined; query?: Query },
  map: (value: unknown) => T | null,
): Promise<Page<T>> {
  const at0 = decodeBitbucketCursor(q.cursor);
  const keep = (values: readonly unknown[]) => values.flatMap((v) => map(v) ?? []);
  if (bb.flavor === 'cloud') {
    if (at0 !== undefined && !('next' in at0)) throw invalid();
    if (at0 !== undefined && !bb.owns(at0.next)) throw invalid();
    const res =
      at0 === undefined
        ? await bb.send('GET', path, { query: { ...q.query, pagelen: q.limit } })
        : await bb.send('GET', at0.next);
    const next = str(at(res, 'next'));
    return {
      items: keep(arr(at(res, 'values'))),
      next_cursor: next !== null && bb.owns(next) ? encodeBitbucketCursor({ next }) : null,
    };
  }
  if (at0 !== undefined && !('start' in at0)) throw invalid();
  const start = at0?.start ?? 0;
  const res = await bb.send('GET', path, { query: { ...q.query, start, limit: q.limit } });
  const nextStart = num(at(res, 'nextPageStart'));
  const last = bool(at(res, 'isLastPage')) !== false || nextStart === null;
  return {
    items: keep(arr(at(res, 'values'))),
    next_cursor: last ? null : encodeBitbucketCursor({ start: nextStart }),
  };
}
