import type { BuildStatus, Page } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { at, compact, id, isoTime, str } from '../../webhooks/json.js';
import { cloudLinks } from '../../webhooks/providers/bitbucket-cloud-shapes.js';
import { listPage } from './pages.js';
import type { RepoRef } from './pulls.js';
import { repoPath, seg } from './repos.js';
import { type BitbucketTransport, rooted } from './transport.js';

/**
 * Build statuses of a commit. Cloud: `…/commit/{hash}/statuses` (read) and `…/statuses/build` (set). Data
 * Center sets them per repository (`…/commits/{hash}/builds`, 7.4+) but lists them only through the
 * build-status API (`/rest/build-status/latest/commits/{hash}`), which holds them per commit.
 */

export type BuildState = 'SUCCESSFUL' | 'FAILED' | 'INPROGRESS' | 'STOPPED';

const READ_STATES: Record<string, BuildStatus['state']> = {
  SUCCESSFUL: 'SUCCESSFUL',
  FAILED: 'FAILED',
  INPROGRESS: 'INPROGRESS',
  STOPPED: 'STOPPED',
  CANCELLED: 'STOPPED',
};

const HEADS = 'refs/heads/';

function buildStatus(bb: BitbucketTransport, value: unknown): BuildStatus | null {
  const key = str(at(value, 'key'));
  const state = READ_STATES[str(at(value, 'state')) ?? ''] ?? (bb.flavor === 'dc' ? 'UNKNOWN' : null);
  if (key === null || state === null) return null;
  const cloud = bb.flavor === 'cloud';
  return {
    key,
    state,
    name: str(at(value, 'name')),
    url: str(at(value, 'url')),
    description: str(at(value, 'description')),
    ref: str(at(value, cloud ? 'refname' : 'ref')),
    created_at: isoTime(at(value, cloud ? 'created_on' : 'createdDate') ?? at(value, 'dateAdded')),
    updated_at: isoTime(at(value, cloud ? 'updated_on' : 'updatedDate') ?? at(value, 'dateAdded')),
    vendor_ids: compact({ uuid: id(at(value, 'uuid')), build_number: str(at(value, 'buildNumber')) }),
    links: cloud
      ? { web: str(at(value, 'url')), api: cloudLinks(value).api }
      : { web: str(at(value, 'url')), api: null },
  };
}

export function listBuildStatuses(
  bb: BitbucketTransport,
  r: RepoRef,
  hash: string,
  q: { limit: number; cursor?: string | undefined },
): Promise<Page<BuildStatus>> {
  const map = (v: unknown) => buildStatus(bb, v);
  if (bb.flavor === 'cloud')
    return listPage(bb, `${repoPath(bb, r.workspace, r.repo)}/commit/${seg(hash)}/statuses`, q, map);
  return listPage(rooted(bb, 'build-status'), `/commits/${seg(hash)}`, q, map);
}

export interface SetBuildStatus {
  key: string;
  state: BuildState;
  url: string;
  name?: string | undefined;
  description?: string | undefined;
  /** The branch (or full ref) the build ran for. */
  ref?: string | undefined;
}

const optional = <K extends string>(name: K, value: string | undefined) =>
  (value === undefined ? {} : { [name]: value }) as Partial<Record<K, string>>;

/** Creates or replaces the status of `key` on the commit; answers it as Bitbucket now holds it. */
export async function setBuildStatus(
  bb: BitbucketTransport,
  r: RepoRef,
  hash: string,
  body: SetBuildStatus,
): Promise<BuildStatus> {
  const path = `${repoPath(bb, r.workspace, r.repo)}/${bb.flavor === 'cloud' ? 'commit' : 'commits'}/${seg(hash)}`;
  const common = {
    key: body.key,
    url: body.url,
    ...optional('name', body.name),
    ...optional('description', body.description),
  };
  let res: unknown;
  if (bb.flavor === 'cloud') {
    const refname = body.ref?.startsWith(HEADS) ? body.ref.slice(HEADS.length) : body.ref;
    const sent = { type: 'build', ...common, state: body.state, ...optional('refname', refname) };
    res = await bb.send('POST', `${path}/statuses/build`, { body: sent });
  } else {
    const ref = body.ref === undefined || body.ref.startsWith('refs/') ? body.ref : `${HEADS}${body.ref}`;
    const state = body.state === 'STOPPED' ? 'CANCELLED' : body.state;
    await bb.send('POST', `${path}/builds`, { body: { ...common, state, ...optional('ref', ref) } });
    // Data Center answers 204: the status is read back by key.
    res = await bb.send('GET', `${path}/builds`, { query: { key: body.key } });
  }
  const status = buildStatus(bb, res);
  if (status === null)
    throw new AppError('VENDOR_ERROR', 'Bitbucket answered a build status Switchyard cannot read.', { status: 502 });
  return status;
}
