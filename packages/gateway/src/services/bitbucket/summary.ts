import type { BitbucketWorkspaceSummary, PipelineState } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { arr, at, bool, isoTime, num, str } from '../../webhooks/json.js';
import { pipelineState } from './pipelines.js';
import { repoPath, seg } from './repos.js';
import type { BitbucketTransport } from './transport.js';

/**
 * Dashboard counts of a workspace (DC: project), with bounded work: at most `repositoriesLimit` repositories
 * (the most recently updated first on Cloud), at most PER_REPO_PAGES pages per repository and count, and at
 * most CONCURRENCY repositories in flight. Every call goes through the connection's transport, so its budget
 * applies. A cap that was hit makes `truncated` true and says so in `notes`.
 */

const CONCURRENCY = 4;
const PER_REPO_PAGES = 2;
/** Cloud's largest pages: repositories and pipelines 100, pull requests 50. */
const CLOUD_PAGELEN = { repos: 100, pulls: 50, pipelines: 100 };
const DC_PAGE = 100;

export interface SummaryQuery {
  since: string;
  repositoriesLimit: number;
}

/** Runs `fn` over `items`, `n` at a time, keeping the order of results. */
export async function mapBounded<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

interface RepoCounts {
  open: number;
  pipelines: PipelineState[];
  capped: boolean;
}

/** A repository whose counts the vendor refuses (4xx: no permission, feature off) is skipped, not fatal. */
async function orSkipped(work: () => Promise<RepoCounts>): Promise<RepoCounts | null> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError && err.code === 'VENDOR_ERROR' && err.status >= 400 && err.status < 500) return null;
    throw err;
  }
}

/** Follows Cloud `next` links (under the API root only) for at most `pages` pages; `more` if it stopped early. */
async function cloudPages(
  bb: BitbucketTransport,
  path: string,
  query: Record<string, string | number>,
  pages: number,
  keepGoing: (values: readonly unknown[]) => boolean = () => true,
): Promise<{ values: unknown[]; size: number | null; more: boolean }> {
  const values: unknown[] = [];
  let res = await bb.send('GET', path, { query });
  const size = num(at(res, 'size'));
  for (let page = 1; ; page++) {
    const got = arr(at(res, 'values'));
    values.push(...got);
    const next = str(at(res, 'next'));
    if (next === null || !bb.owns(next) || !keepGoing(got)) return { values, size, more: false };
    if (page >= pages) return { values, size, more: true };
    res = await bb.send('GET', next);
  }
}

/** One Cloud repository's counts (exported for the contract test, which cannot steer Prism's repository list). */
export async function cloudRepoCounts(
  bb: BitbucketTransport,
  ws: string,
  slug: string,
  since: number,
): Promise<RepoCounts> {
  const base = repoPath(bb, ws, slug);
  const prs = await cloudPages(bb, `${base}/pullrequests`, { state: 'OPEN', pagelen: CLOUD_PAGELEN.pulls }, 1);
  const recent = (v: unknown) => Date.parse(isoTime(at(v, 'created_on')) ?? '') >= since;
  // Newest first: stop at the first page that reaches back past `since`.
  const runs = await cloudPages(
    bb,
    `${base}/pipelines`,
    { sort: '-created_on', pagelen: CLOUD_PAGELEN.pipelines },
    PER_REPO_PAGES,
    (page) => page.every(recent),
  );
  return {
    open: prs.size ?? prs.values.length,
    pipelines: runs.values.filter(recent).map((v) => pipelineState(at(v, 'state'))),
    capped: (prs.size === null && prs.more) || runs.more,
  };
}

async function dcRepoCounts(bb: BitbucketTransport, key: string, slug: string): Promise<RepoCounts> {
  let open = 0;
  let start = 0;
  for (let page = 1; ; page++) {
    const res = await bb.send('GET', `${repoPath(bb, key, slug)}/pull-requests`, {
      query: { state: 'OPEN', start, limit: DC_PAGE },
    });
    open += arr(at(res, 'values')).length;
    const nextStart = num(at(res, 'nextPageStart'));
    if (bool(at(res, 'isLastPage')) !== false || nextStart === null) return { open, pipelines: [], capped: false };
    if (page >= PER_REPO_PAGES) return { open, pipelines: [], capped: true };
    start = nextStart;
  }
}

export async function workspaceSummary(
  bb: BitbucketTransport,
  ws: string,
  q: SummaryQuery,
): Promise<BitbucketWorkspaceSummary> {
  const since = Date.parse(q.since);
  const notes: string[] = [];
  const cloud = bb.flavor === 'cloud';
  const repos = cloud
    ? await bb.send('GET', `/repositories/${seg(ws)}`, {
        query: { sort: '-updated_on', pagelen: Math.min(q.repositoriesLimit, CLOUD_PAGELEN.repos) },
      })
    : await bb.send('GET', `/projects/${seg(ws)}/repos`, { query: { start: 0, limit: q.repositoriesLimit } });
  const slugs = arr(at(repos, 'values'))
    .flatMap((v) => str(at(v, 'slug')) ?? str(at(v, 'full_name'))?.split('/')[1] ?? [])
    .slice(0, q.repositoriesLimit);
  const more = cloud ? str(at(repos, 'next')) !== null : bool(at(repos, 'isLastPage')) === false;
  const total = cloud ? num(at(repos, 'size')) : more ? null : slugs.length;
  if (more) notes.push(`Only the first ${slugs.length} repositories were scanned (repositories_limit).`);
  const counts = await mapBounded(slugs, CONCURRENCY, (slug) =>
    orSkipped(() => (cloud ? cloudRepoCounts(bb, ws, slug, since) : dcRepoCounts(bb, ws, slug))),
  );
  const read = counts.flatMap((c) => c ?? []);
  const skipped = counts.length - read.length;
  if (skipped > 0) notes.push(`${skipped} repositories were skipped: Bitbucket refused their counts.`);
  const capped = read.some((c) => c.capped);
  if (capped)
    notes.push(`Some repositories have more than ${PER_REPO_PAGES} pages of results: counts are lower bounds.`);
  if (!cloud) notes.push('Bitbucket Data Center has no pipelines.');
  const byState: Partial<Record<PipelineState, number>> = {};
  for (const s of read.flatMap((c) => c.pipelines)) byState[s] = (byState[s] ?? 0) + 1;
  return {
    workspace: ws,
    since: new Date(since).toISOString(),
    generated_at: new Date().toISOString(),
    repositories: { scanned: slugs.length, total, skipped },
    pull_requests: { open: read.reduce((n, c) => n + c.open, 0) },
    pipelines: cloud ? { total: read.reduce((n, c) => n + c.pipelines.length, 0), by_state: byState } : null,
    truncated: more || capped,
    notes,
  };
}
