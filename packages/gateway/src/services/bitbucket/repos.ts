import type { BitbucketWorkspace, Page, Repository, User } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { at, id, str } from '../../webhooks/json.js';
import { cloudLinks, cloudRepository, cloudUser } from '../../webhooks/providers/bitbucket-cloud-shapes.js';
import { dcLinks, dcRepository, dcUser } from '../../webhooks/providers/bitbucket-dc-shapes.js';
import { listPage } from './pages.js';
import type { BitbucketTransport } from './transport.js';

/** The connection's user, its workspaces (DC: projects) and repositories. */

const unreadable = (what: string) =>
  new AppError('VENDOR_ERROR', `Bitbucket answered ${what} Switchyard cannot read.`, { status: 502 });

export const seg = (value: string) => encodeURIComponent(value);

/** Cloud: `/user`. Data Center has no "myself": any answer names the user in `X-AUSERNAME`, then `/users/{slug}`. */
export async function bitbucketUser(bb: BitbucketTransport): Promise<User> {
  if (bb.flavor === 'cloud') return cloudUser(await bb.send('GET', '/user')) ?? throwUnreadable('a user');
  const probe = await bb.answer('GET', '/application-properties');
  const name = probe.headers['x-ausername'];
  const slug = Array.isArray(name) ? name[0] : name;
  if (slug === undefined || slug === '')
    throw new AppError('NOT_CONNECTED', 'Bitbucket did not say who this connection is.');
  return dcUser(await bb.send('GET', `/users/${seg(slug)}`)) ?? throwUnreadable('a user');
}

function throwUnreadable(what: string): never {
  throw unreadable(what);
}

function cloudWorkspace(value: unknown): BitbucketWorkspace | null {
  const ws = at(value, 'workspace') ?? value;
  const slug = str(at(ws, 'slug'));
  if (slug === null) return null;
  return { id: id(at(ws, 'uuid')) ?? slug, slug, name: str(at(ws, 'name')), links: cloudLinks(ws) };
}

function dcProject(value: unknown): BitbucketWorkspace | null {
  const key = str(at(value, 'key'));
  if (key === null) return null;
  return { id: id(at(value, 'id')) ?? key, slug: key, name: str(at(value, 'name')), links: dcLinks(value) };
}

type ListQuery = { limit: number; cursor?: string | undefined };

/** Cloud: `/user/workspaces` (the cross-workspace lists are gone, CHANGE-2770); Data Center: `/projects`. */
export function listWorkspaces(bb: BitbucketTransport, q: ListQuery): Promise<Page<BitbucketWorkspace>> {
  return bb.flavor === 'cloud'
    ? listPage(bb, '/user/workspaces', q, cloudWorkspace)
    : listPage(bb, '/projects', q, dcProject);
}

export function listRepositories(bb: BitbucketTransport, ws: string, q: ListQuery): Promise<Page<Repository>> {
  return bb.flavor === 'cloud'
    ? listPage(bb, `/repositories/${seg(ws)}`, q, cloudRepository)
    : listPage(bb, `/projects/${seg(ws)}/repos`, q, dcRepository);
}

/** The REST path of a repository: Cloud `/repositories/{ws}/{repo}`, DC `/projects/{key}/repos/{slug}`. */
export const repoPath = (bb: BitbucketTransport, ws: string, repo: string) =>
  bb.flavor === 'cloud' ? `/repositories/${seg(ws)}/${seg(repo)}` : `/projects/${seg(ws)}/repos/${seg(repo)}`;

export async function getRepository(bb: BitbucketTransport, ws: string, repo: string): Promise<Repository> {
  const res = await bb.send('GET', repoPath(bb, ws, repo));
  return (bb.flavor === 'cloud' ? cloudRepository(res) : dcRepository(res)) ?? throwUnreadable('a repository');
}
