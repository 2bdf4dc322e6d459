import type { Page, SourceEntry } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { readJson } from '../../http/body.js';
import { arr, at, num, str } from '../../webhooks/json.js';
import { cloudLinks } from '../../webhooks/providers/bitbucket-cloud-shapes.js';
import { decodeBitbucketCursor, encodeBitbucketCursor } from './cursor.js';
import type { RepoRef } from './pulls.js';
import { repoPath, seg } from './repos.js';
import type { BitbucketStream, BitbucketTransport } from './transport.js';

/**
 * A file at a ref, streamed as Bitbucket answers it (bytes, content type, length, ETag): Cloud
 * `…/src/{ref}/{path}`, Data Center `…/raw/{path}?at={ref}`. A path that names a directory on Cloud answers
 * Bitbucket's listing, returned as a page of `SourceEntry`.
 */
export type Source = { kind: 'file'; file: BitbucketStream } | { kind: 'directory'; page: Page<SourceEntry> };

/** A repository path as URL segments; `.`/`..` and empty segments are refused (they would climb the URL). */
export function encodePath(path: string): string {
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new AppError('VALIDATION', 'The file path is not valid.', {
      details: [{ path: 'path', message: 'a path of non-empty segments, without . or ..' }],
    });
  }
  return parts.map(seg).join('/');
}

function entry(value: unknown): SourceEntry | null {
  const path = str(at(value, 'path'));
  const type = str(at(value, 'type'));
  if (path === null || (type !== 'commit_file' && type !== 'commit_directory')) return null;
  return {
    path,
    type: type === 'commit_file' ? 'file' : 'directory',
    size: num(at(value, 'size')),
    commit: str(at(value, 'commit', 'hash')),
    links: cloudLinks(value),
  };
}

function listing(bb: BitbucketTransport, res: unknown): Page<SourceEntry> {
  const next = str(at(res, 'next'));
  return {
    items: arr(at(res, 'values')).flatMap((v) => entry(v) ?? []),
    next_cursor: next !== null && bb.owns(next) ? encodeBitbucketCursor({ next }) : null,
  };
}

const header = (h: BitbucketStream['headers'], name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Cloud answers a file with the type its extension implies and `Content-Disposition: attachment`, a
 * directory with a JSON listing and no disposition: that is how the two are told apart (a `.json` file
 * still carries the disposition).
 */
const isListing = (file: BitbucketStream) =>
  /^application\/json\b/i.test(header(file.headers, 'content-type') ?? '') &&
  header(file.headers, 'content-disposition') === undefined;

export async function readSource(
  bb: BitbucketTransport,
  r: RepoRef,
  ref: string,
  path: string,
  q: { limit: number; cursor?: string | undefined; signal?: AbortSignal },
): Promise<Source> {
  const at0 = decodeBitbucketCursor(q.cursor);
  if (at0 !== undefined) {
    // Only a Cloud directory listing hands out cursors; its next link is followed under the API root.
    if (bb.flavor !== 'cloud' || !('next' in at0) || !bb.owns(at0.next))
      throw new AppError('VALIDATION', 'The cursor is not valid for this connection.', {
        details: [{ path: 'cursor', message: 'invalid cursor' }],
      });
    return { kind: 'directory', page: listing(bb, await bb.send('GET', at0.next)) };
  }
  if (bb.stream === undefined) throw new Error('this Bitbucket transport cannot stream');
  const signal = q.signal === undefined ? {} : { signal: q.signal };
  const base = repoPath(bb, r.workspace, r.repo);
  if (path === '' && bb.flavor === 'dc') {
    throw new AppError('VALIDATION', 'Bitbucket Data Center serves files only: name a file path.', {
      details: [{ path: 'path', message: 'a file path' }],
    });
  }
  if (bb.flavor === 'dc') {
    const file = await bb.stream(`${base}/raw/${encodePath(path)}`, { query: { at: ref }, ...signal });
    return { kind: 'file', file };
  }
  // An empty path is the root directory (`…/src/{ref}/`).
  const file = await bb.stream(`${base}/src/${seg(ref)}/${path === '' ? '' : encodePath(path)}`, {
    query: { pagelen: q.limit },
    ...signal,
  });
  if (!isListing(file)) return { kind: 'file', file };
  return { kind: 'directory', page: listing(bb, await readJson(file.body)) };
}
