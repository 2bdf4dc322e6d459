import type { Page, Repository } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { arr, at, str } from '../../webhooks/json.js';
import { cloudRepository } from '../../webhooks/providers/bitbucket-cloud-shapes.js';
import { dcRepository } from '../../webhooks/providers/bitbucket-dc-shapes.js';
import { decodeJsonCursor, encodeJsonCursor } from '../pagination.js';
import { listPage } from './pages.js';
import { bbqlString } from './refs.js';
import { seg } from './repos.js';
import type { BitbucketTransport } from './transport.js';

/**
 * The repositories the connection can see, across workspaces. Data Center: `/repos` (`name` filters).
 * Cloud removed its cross-workspace lists (CHANGE-2770): the user's workspaces (`/user/workspaces`) are walked
 * one after the other, each with `/repositories/{ws}` (`q=name ~ "…"`). The cursor says where the walk is:
 * the workspaces page (`w`, a Bitbucket next link, absent for the first), the index in it (`i`) and the
 * next link inside that workspace's repositories (`r`). A page holds one workspace's repositories at most.
 */

interface Walk {
  w?: string;
  i: number;
  r?: string;
}

const invalid = () =>
  new AppError('VALIDATION', 'The cursor is not valid for this connection.', {
    details: [{ path: 'cursor', message: 'invalid cursor' }],
  });

const walkAt = (w: string | undefined, i: number, r?: string): Walk => ({
  i,
  ...(w === undefined ? {} : { w }),
  ...(r === undefined ? {} : { r }),
});

function decodeWalk(bb: BitbucketTransport, cursor: string | undefined): Walk {
  if (cursor === undefined) return { i: 0 };
  const o = decodeJsonCursor(cursor);
  const link = (v: unknown) => (v === undefined ? undefined : typeof v === 'string' && bb.owns(v) ? v : null);
  const w = link(o.w);
  const r = link(o.r);
  if (w === null || r === null || typeof o.i !== 'number' || !Number.isInteger(o.i) || o.i < 0 || o.i > 1000)
    throw invalid();
  return walkAt(w, o.i, r);
}

const encodeWalk = (walk: Walk) => encodeJsonCursor({ ...walk });

/** At most this many empty workspaces are skipped in one call, so a page costs a bounded number of calls. */
const MAX_HOPS = 10;

async function cloudAll(
  bb: BitbucketTransport,
  q: { limit: number; cursor?: string | undefined; q?: string | undefined },
): Promise<Page<Repository>> {
  let walk = decodeWalk(bb, q.cursor);
  const map = (res: unknown) => arr(at(res, 'values')).flatMap((v) => cloudRepository(v) ?? []);
  const nextOf = (res: unknown) => {
    const next = str(at(res, 'next'));
    return next !== null && bb.owns(next) ? next : undefined;
  };
  if (walk.r !== undefined) {
    // Inside a workspace: its next link carries the query and page size already. At its end the cursor
    // moves to the next workspace (which may turn out to be past the last: an empty final page).
    const res = await bb.send('GET', walk.r);
    const r = nextOf(res);
    return { items: map(res), next_cursor: encodeWalk(walkAt(walk.w, r === undefined ? walk.i + 1 : walk.i, r)) };
  }
  const workspaces = (w: string | undefined) =>
    w === undefined ? bb.send('GET', '/user/workspaces', { query: { pagelen: 100 } }) : bb.send('GET', w);
  let spaces = await workspaces(walk.w);
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const values = arr(at(spaces, 'values'));
    if (walk.i >= values.length) {
      const w = nextOf(spaces);
      if (w === undefined) return { items: [], next_cursor: null };
      walk = { w, i: 0 };
      spaces = await workspaces(w);
      continue;
    }
    const slug = str(at(values[walk.i], 'workspace', 'slug'));
    if (slug === null) {
      walk = walkAt(walk.w, walk.i + 1);
      continue;
    }
    const query = { pagelen: q.limit, ...(q.q === undefined ? {} : { q: `name ~ ${bbqlString(q.q)}` }) };
    const res = await bb.send('GET', `/repositories/${seg(slug)}`, { query });
    const r = nextOf(res);
    const items = map(res);
    const more = r !== undefined || walk.i + 1 < values.length || nextOf(spaces) !== undefined;
    const after = walkAt(walk.w, r === undefined ? walk.i + 1 : walk.i, r);
    if (items.length > 0 || r !== undefined || !more) {
      return { items, next_cursor: more ? encodeWalk(after) : null };
    }
    walk = after;
  }
  // Many empty workspaces in a row: answer an empty page and let the caller go on.
  return { items: [], next_cursor: encodeWalk(walk) };
}

export function listAllRepositories(
  bb: BitbucketTransport,
  q: { limit: number; cursor?: string | undefined; q?: string | undefined },
): Promise<Page<Repository>> {
  if (bb.flavor === 'cloud') return cloudAll(bb, q);
  return listPage(bb, '/repos', { ...q, query: q.q === undefined ? {} : { name: q.q } }, dcRepository);
}
