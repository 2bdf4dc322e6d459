import type { Readable } from 'node:stream';
import type { Page, PullRequestFileChange } from '@switchyard/sdk';
import { readJson } from '../../http/body.js';
import { arr, at, num, str } from '../../webhooks/json.js';
import { encodeBitbucketCursor } from './cursor.js';
import { listPage } from './pages.js';
import { prPath, type RepoRef } from './pull-base.js';
import type { BitbucketRaw } from './pull-raw.js';
import type { BitbucketTransport } from './transport.js';

/** A pull request's unified diff (streamed) and its per-file summary (diffstat). */

/**
 * Cloud `…/pullrequests/{n}/diff` answers a 302 to `…/diff/{spec}` (followed on the same origin); Data Center's
 * `…/pull-requests/{n}/diff` answers JSON, its raw diff is `…/pull-requests/{n}.diff` (text/plain). The bytes
 * are streamed as Bitbucket sends them, never held whole.
 */
export async function pullRequestDiff(
  bb: BitbucketTransport,
  raw: BitbucketRaw,
  r: RepoRef,
  id: number,
): Promise<{ body: Readable; contentType: string }> {
  const res =
    bb.flavor === 'cloud'
      ? await raw.get(`${prPath(bb, r, id)}/diff`, { accept: 'text/plain', followRedirects: true })
      : await raw.get(`${prPath(bb, r, id)}.diff`, { accept: 'text/plain' });
  const type = res.headers['content-type'];
  const contentType = typeof type === 'string' && type.startsWith('text/') ? type : 'text/plain; charset=utf-8';
  return { body: res.body, contentType };
}

const CLOUD_STATUS: Record<string, PullRequestFileChange['status']> = {
  added: 'ADDED',
  removed: 'REMOVED',
  modified: 'MODIFIED',
  renamed: 'RENAMED',
};

/** Cloud: `{status, old:{path}, new:{path}, lines_added, lines_removed}`; the conflict statuses are MODIFIED. */
function cloudFileChange(value: unknown): PullRequestFileChange | null {
  const oldPath = str(at(value, 'old', 'path'));
  const path = str(at(value, 'new', 'path')) ?? oldPath;
  if (path === null) return null;
  return {
    path,
    old_path: oldPath,
    status: CLOUD_STATUS[str(at(value, 'status')) ?? ''] ?? 'MODIFIED',
    lines_added: num(at(value, 'lines_added')),
    lines_removed: num(at(value, 'lines_removed')),
  };
}

/** A Data Center path: an object (`toString`, `components`) in `/changes`, a plain string elsewhere. */
function dcPath(value: unknown): string | null {
  if (typeof value === 'string') return value;
  const parts = arr(at(value, 'components')).flatMap((c) => str(c) ?? []);
  return str(at(value, 'toString')) ?? (parts.length > 0 ? parts.join('/') : null);
}

const DC_STATUS: Record<string, PullRequestFileChange['status']> = {
  ADD: 'ADDED',
  COPY: 'ADDED',
  DELETE: 'REMOVED',
  MOVE: 'RENAMED',
  MODIFY: 'MODIFIED',
};

/** Data Center `/changes`: `{type, path, srcPath?}`, no line counts. A copy is an added file with its source. */
function dcFileChange(value: unknown): PullRequestFileChange | null {
  const path = dcPath(at(value, 'path'));
  if (path === null) return null;
  const status = DC_STATUS[str(at(value, 'type')) ?? ''] ?? 'MODIFIED';
  const source = dcPath(at(value, 'srcPath'));
  const oldPath = status === 'ADDED' && source === null ? null : (source ?? path);
  return { path, old_path: oldPath, status, lines_added: null, lines_removed: null };
}

/**
 * Cloud `…/diffstat` (a 302 to `…/diffstat/{spec}`, followed for the first page; the next pages are the `next`
 * links, under the API root); Data Center `…/changes` (start/limit).
 */
export async function pullRequestDiffstat(
  bb: BitbucketTransport,
  raw: BitbucketRaw,
  r: RepoRef,
  id: number,
  q: { limit: number; cursor?: string | undefined },
): Promise<Page<PullRequestFileChange>> {
  if (bb.flavor === 'dc') return listPage(bb, `${prPath(bb, r, id)}/changes`, q, dcFileChange);
  // A later page is the `next` link Cloud answered: listPage follows it only under the API root.
  if (q.cursor !== undefined) return listPage(bb, `${prPath(bb, r, id)}/diffstat`, q, cloudFileChange);
  const res = await raw.get(`${prPath(bb, r, id)}/diffstat`, {
    accept: 'application/json',
    query: { pagelen: q.limit },
    followRedirects: true,
  });
  const page = await readJson(res.body);
  const next = str(at(page, 'next'));
  return {
    items: arr(at(page, 'values')).flatMap((v) => cloudFileChange(v) ?? []),
    next_cursor: next !== null && bb.owns(next) ? encodeBitbucketCursor({ next }) : null,
  };
}
