import { AppError } from '../../errors/app-error.js';
import type { BitbucketTransport } from '../bitbucket/transport.js';
import {
  idText,
  list,
  MAX_LIST_PAGES,
  obj,
  type Registrar,
  type RegistrationOutcome,
  type RegistrationRequest,
  WEBHOOK_NAME,
} from './types.js';

const enc = encodeURIComponent;

export const isGone = (err: unknown) => err instanceof AppError && err.status === 404;

/** `repository:ws/repo` → the Cloud repository's hooks; `workspace:ws` → the workspace's. */
function cloudPath(target: string): string {
  const repo = /^repository:([^/]+)\/([^/]+)$/.exec(target);
  if (repo !== null) return `/repositories/${enc(repo[1] ?? '')}/${enc(repo[2] ?? '')}/hooks`;
  const ws = /^workspace:([^/]+)$/.exec(target);
  if (ws !== null) return `/workspaces/${enc(ws[1] ?? '')}/hooks`;
  throw new AppError('INTERNAL_ERROR', `Not a Bitbucket Cloud webhook target: ${target}`);
}

/** `repository:PRJ/repo` → the Data Center repository's webhooks; `project:PRJ` → the project's. */
function dcPath(target: string): string {
  const repo = /^repository:([^/]+)\/([^/]+)$/.exec(target);
  if (repo !== null) return `/projects/${enc(repo[1] ?? '')}/repos/${enc(repo[2] ?? '')}/webhooks`;
  const project = /^project:([^/]+)$/.exec(target);
  if (project !== null) return `/projects/${enc(project[1] ?? '')}/webhooks`;
  throw new AppError('INTERNAL_ERROR', `Not a Bitbucket Data Center webhook target: ${target}`);
}

/** Bitbucket Cloud 2.0: `values` with `next` links; a hook's id is its `uuid` (`{…}`). */
async function findCloud(bb: BitbucketTransport, path: string, url: string): Promise<string | undefined> {
  let next: string | undefined = path;
  for (let page = 0; next !== undefined && page < MAX_LIST_PAGES; page++) {
    const body = obj(await bb.send('GET', next));
    const hit = list(body.values).find((h) => obj(h).url === url);
    if (hit !== undefined) return idText(obj(hit).uuid);
    next = typeof body.next === 'string' && bb.owns(body.next) ? body.next : undefined;
  }
  return undefined;
}

/** Bitbucket Data Center: `values`, `isLastPage`, `nextPageStart`; a webhook's id is a number. */
async function findDc(bb: BitbucketTransport, path: string, url: string): Promise<string | undefined> {
  let start: number | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const body = obj(await bb.send('GET', path, start === undefined ? {} : { query: { start } }));
    const hit = list(body.values).find((h) => obj(h).url === url);
    if (hit !== undefined) return idText(obj(hit).id);
    if (body.isLastPage !== false || typeof body.nextPageStart !== 'number') return undefined;
    start = body.nextPageStart;
  }
  return undefined;
}

/**
 * Bitbucket Cloud and Data Center webhooks of a connection: looked up by our ingest URL first, so a second sync
 * updates (PUT, with the new secret and events) the webhook the first one created instead of adding another.
 */
export function bitbucketRegistrar(bb: BitbucketTransport): Registrar {
  const cloud = bb.flavor === 'cloud';
  const pathOf = cloud ? cloudPath : dcPath;
  // Cloud: `secret` is write-only and sets X-Hub-Signature (spec: webhook_subscription). Data Center keeps it in
  // `configuration.secret` (the shape FACTS.md §4.2 gives and Confluence Data Center documents).
  const bodyOf = (req: RegistrationRequest) =>
    cloud
      ? { description: WEBHOOK_NAME, url: req.url, active: true, secret: req.secret ?? '', events: req.vendorEvents }
      : {
          name: WEBHOOK_NAME,
          url: req.url,
          active: true,
          events: req.vendorEvents,
          configuration: { secret: req.secret ?? '' },
        };
  return {
    family: cloud ? 'bitbucket-cloud' : 'bitbucket-dc',
    async register(target, req): Promise<RegistrationOutcome> {
      const path = pathOf(target);
      const existing = await (cloud ? findCloud : findDc)(bb, path, req.url);
      if (existing !== undefined) {
        await bb.send('PUT', `${path}/${enc(existing)}`, { body: bodyOf(req) });
        return { upstreamId: existing, status: 'updated', expiresAt: null };
      }
      const created = obj(await bb.send('POST', path, { body: bodyOf(req) }));
      const id = idText(cloud ? created.uuid : created.id);
      if (id === undefined) {
        throw new AppError('VENDOR_ERROR', 'Bitbucket created the webhook but answered no id for it.', { status: 502 });
      }
      return { upstreamId: id, status: 'registered', expiresAt: null };
    },
    async unregister(target, upstreamId) {
      await bb.send('DELETE', `${pathOf(target)}/${enc(upstreamId)}`).catch((err: unknown) => {
        if (!isGone(err)) throw err;
      });
    },
  };
}
