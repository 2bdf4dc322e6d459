import type { Branch, Links, Page } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { arr, at, bool, compact, str } from '../../webhooks/json.js';
import { cloudLinks } from '../../webhooks/providers/bitbucket-cloud-shapes.js';
import { listPage } from './pages.js';
import type { RepoRef } from './pulls.js';
import { repoPath, seg } from './repos.js';
import type { BitbucketTransport } from './transport.js';

/** Branches of a repository: Cloud `…/refs/branches`, Data Center `…/branches`. */

const HEADS = 'refs/heads/';

/** A Data Center repository's web page for a path under it (`…/projects/P/repos/r/browse?at=…`). */
export function dcRepoWeb(bb: BitbucketTransport, r: RepoRef, rest: string): string | null {
  return bb.webBase === undefined ? null : `${bb.webBase}/projects/${seg(r.workspace)}/repos/${seg(r.repo)}${rest}`;
}

function cloudBranch(value: unknown, main: string | null): Branch | null {
  const name = str(at(value, 'name'));
  if (name === null) return null;
  return {
    name,
    ref: `${HEADS}${name}`,
    target: str(at(value, 'target', 'hash')),
    is_default: main !== null && name === main,
    vendor_ids: {},
    links: cloudLinks(value),
  };
}

function dcBranch(bb: BitbucketTransport, r: RepoRef, value: unknown): Branch | null {
  const ref = str(at(value, 'id'));
  if (ref === null) return null;
  const name = str(at(value, 'displayId')) ?? (ref.startsWith(HEADS) ? ref.slice(HEADS.length) : ref);
  const links: Links = { web: dcRepoWeb(bb, r, `/browse?at=${encodeURIComponent(ref)}`), api: null };
  return {
    name,
    ref,
    target: str(at(value, 'latestCommit')),
    // The 9.5 spec names the flag `default`; Bitbucket answers `isDefault` (and older versions only that).
    is_default: bool(at(value, 'isDefault')) ?? bool(at(value, 'default')) ?? false,
    vendor_ids: compact({ id: ref }),
    links,
  };
}

/** BBQL string literal: backslashes and double quotes escaped. */
export const bbqlString = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * Cloud branches carry no default flag: the repository's `mainbranch` is read after the page (one small
 * extra call per non-empty page). `filter` matches part of the name on both deployments.
 */
export async function listBranches(
  bb: BitbucketTransport,
  r: RepoRef,
  q: { limit: number; cursor?: string | undefined; filter?: string | undefined },
): Promise<Page<Branch>> {
  const path = repoPath(bb, r.workspace, r.repo);
  if (bb.flavor === 'dc') {
    const query = q.filter === undefined ? {} : { filterText: q.filter };
    return listPage(bb, `${path}/branches`, { ...q, query }, (v) => dcBranch(bb, r, v));
  }
  const filter = q.filter === undefined ? {} : { q: `name ~ ${bbqlString(q.filter)}` };
  const page = await listPage(bb, `${path}/refs/branches`, { ...q, query: filter }, (v) => v);
  const main = page.items.length === 0 ? null : await bb.send('GET', path, { query: { fields: 'mainbranch.name' } });
  const mainName = str(at(main, 'mainbranch', 'name'));
  return { items: page.items.flatMap((v) => cloudBranch(v, mainName) ?? []), next_cursor: page.next_cursor };
}

const HASH = /^[0-9a-f]{7,40}$/i;

/**
 * Creates `name` at `from` (a branch, tag or commit). Cloud wants a commit hash in `target.hash`, so any
 * other name is resolved first (`GET …/commits?include={from}&pagelen=1`); Data Center takes any of them as
 * `startPoint`.
 */
export async function createBranch(bb: BitbucketTransport, r: RepoRef, body: { name: string; from: string }) {
  const path = repoPath(bb, r.workspace, r.repo);
  if (bb.flavor === 'dc') {
    const res = await bb.send('POST', `${path}/branches`, { body: { name: body.name, startPoint: body.from } });
    return dcBranch(bb, r, res) ?? unreadable();
  }
  const hash = HASH.test(body.from) ? body.from : await cloudHashOf(bb, path, body.from);
  const res = await bb.send('POST', `${path}/refs/branches`, { body: { name: body.name, target: { hash } } });
  return cloudBranch(res, null) ?? unreadable();
}

/** The commit a Cloud ref points at: the newest commit `include`d from it (a ref with slashes stays a query). */
async function cloudHashOf(bb: BitbucketTransport, path: string, ref: string): Promise<string> {
  const res = await bb.send('GET', `${path}/commits`, { query: { include: ref, pagelen: 1 } });
  const hash = str(at(arr(at(res, 'values'))[0], 'hash'));
  if (hash === null)
    throw new AppError('VALIDATION', `Bitbucket found no commit at "${ref}".`, {
      details: [{ path: 'from', message: 'a branch, tag or commit of the repository' }],
    });
  return hash;
}

function unreadable(): never {
  throw new AppError('VENDOR_ERROR', 'Bitbucket answered a branch Switchyard cannot read.', { status: 502 });
}
