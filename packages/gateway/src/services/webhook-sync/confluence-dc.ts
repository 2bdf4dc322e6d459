import type { Dispatcher } from 'undici';
import { AppError } from '../../errors/app-error.js';
import { apiRootOf } from '../connection-target.js';
import { callVendorJson, type Query, withQuery } from '../vendor-json.js';
import { isGone } from './bitbucket.js';
import {
  idText,
  list,
  MAX_LIST_PAGES,
  obj,
  type Registrar,
  type RegistrarDeps,
  type RegistrationOutcome,
  type RegistrationRequest,
  WEBHOOK_NAME,
} from './types.js';

type Send = (
  method: Dispatcher.HttpMethod,
  path: string,
  options?: { query?: Query; body?: unknown },
) => Promise<unknown>;

/** JSON calls to a Confluence Data Center connection's `/rest/api`, with its credential, budget and retries. */
async function confluenceDcSend(deps: RegistrarDeps, tenantId: string, connectionId: string): Promise<Send> {
  const target = await deps.targets.get(tenantId, connectionId);
  if (target.place.provider !== 'confluence-dc') {
    throw new AppError('INTERNAL_ERROR', `Not a Confluence Data Center connection: ${target.place.provider}`);
  }
  const root = target.upstreamOf(apiRootOf(deps.config, target.place, 'confluence'));
  const prefix = `${root.url.href.replace(/\/+$/, '')}/rest/api`;
  return async (method, path, options = {}) => {
    const url = withQuery(new URL(`${prefix}${path}`), options.query);
    return (await callVendorJson(deps, target, root, method, url, options.body)).json;
  };
}

/** The page of webhooks: `{values, isLastPage, nextPageStart}` like Bitbucket DC's, or a bare array. */
async function findByUrl(send: Send, url: string): Promise<string | undefined> {
  let start: number | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const answer = await send('GET', '/webhooks', start === undefined ? {} : { query: { start } });
    const body = obj(answer);
    const values = Array.isArray(answer) ? answer : list(body.values);
    const hit = values.find((h) => obj(h).url === url);
    if (hit !== undefined) return idText(obj(hit).id);
    if (body.isLastPage !== false || typeof body.nextPageStart !== 'number') return undefined;
    start = body.nextPageStart;
  }
  return undefined;
}

/**
 * Confluence Data Center (7.13+) site webhooks: `POST {base}/rest/api/webhooks` with `{name, url, events,
 * configuration: {secret}, active}` (FACTS.md §4.4, E7). Needs a Confluence administrator's credential; any
 * other gets the vendor's 401/403, reported for the target. No OpenAPI spec of Confluence DC is available, so
 * the listing's page shape is read leniently.
 */
export async function confluenceDcRegistrar(
  deps: RegistrarDeps,
  tenantId: string,
  connectionId: string,
): Promise<Registrar> {
  const send = await confluenceDcSend(deps, tenantId, connectionId);
  const bodyOf = (req: RegistrationRequest) => ({
    name: WEBHOOK_NAME,
    url: req.url,
    active: true,
    events: req.vendorEvents,
    configuration: { secret: req.secret ?? '' },
  });
  return {
    family: 'confluence-dc',
    async register(_target, req): Promise<RegistrationOutcome> {
      const existing = await findByUrl(send, req.url);
      if (existing !== undefined) {
        await send('PUT', `/webhooks/${encodeURIComponent(existing)}`, { body: bodyOf(req) });
        return { upstreamId: existing, status: 'updated', expiresAt: null };
      }
      const id = idText(obj(await send('POST', '/webhooks', { body: bodyOf(req) })).id);
      if (id === undefined) {
        throw new AppError('VENDOR_ERROR', 'Confluence created the webhook but answered no id for it.', {
          status: 502,
        });
      }
      return { upstreamId: id, status: 'registered', expiresAt: null };
    },
    async unregister(_target, upstreamId) {
      await send('DELETE', `/webhooks/${encodeURIComponent(upstreamId)}`).catch((err: unknown) => {
        if (!isGone(err)) throw err;
      });
    },
  };
}
