import type { ConfluenceSpace, Page } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { arr, at, id } from '../../webhooks/json.js';
import { cloudList, dcList, type PageQuery } from './lists.js';
import { baseOf, malformed, toSpace } from './map.js';
import type { ConfluenceTransport } from './transport.js';

/** Spaces: the list (Cloud `GET /api/v2/spaces`, Data Center `GET /rest/api/space`) and Cloud's key ↔ id lookups. */
export async function listSpaces(confluence: ConfluenceTransport, q: PageQuery): Promise<Page<ConfluenceSpace>> {
  const { res, next_cursor } =
    confluence.flavor === 'cloud'
      ? await cloudList(confluence, '/api/v2/spaces', q)
      : await dcList(confluence, '/rest/api/space', q);
  const base = baseOf(res);
  return { items: arr(at(res, 'results')).map((s) => toSpace(s, base)), next_cursor };
}

const noSpace = (what: string) =>
  new AppError('VENDOR_ERROR', `Confluence has no space ${what} (or this connection cannot see it).`, {
    status: 404,
  });

/** A Cloud space by key, or by id when `keyOrId` is all digits (v2 addresses spaces by id only). */
export async function cloudSpace(confluence: ConfluenceTransport, keyOrId: string): Promise<ConfluenceSpace> {
  const byId = /^[0-9]+$/.test(keyOrId);
  const res = await confluence.send('GET', '/api/v2/spaces', {
    query: byId ? { ids: keyOrId } : { keys: keyOrId },
  });
  const found = arr(at(res, 'results'))[0];
  if (found === undefined) throw noSpace(byId ? `with id ${keyOrId}` : `with key ${keyOrId}`);
  const space = toSpace(found, baseOf(res));
  if (space.id === null) throw malformed('a space without id');
  return space;
}

/**
 * The spaces of Cloud pages, by id, in one `GET /api/v2/spaces?ids=…` (v2 pages name only their `spaceId`);
 * `known` saves the call when the caller already holds the space.
 */
export async function cloudSpacesOf(
  confluence: ConfluenceTransport,
  pages: readonly unknown[],
  known?: ConfluenceSpace,
): Promise<Map<string, ConfluenceSpace>> {
  const spaces = new Map<string, ConfluenceSpace>();
  if (known?.id != null) spaces.set(known.id, known);
  const missing = [...new Set(pages.map((p) => id(at(p, 'spaceId'))))].filter(
    // v2 space ids are integers: anything else could only earn a 400 for the whole lookup.
    (s): s is string => s !== null && /^[0-9]+$/.test(s) && !spaces.has(s),
  );
  if (missing.length === 0) return spaces;
  const res = await confluence.send('GET', '/api/v2/spaces', { query: { ids: missing.join(','), limit: 250 } });
  const base = baseOf(res);
  for (const raw of arr(at(res, 'results'))) {
    const space = toSpace(raw, base);
    if (space.id !== null) spaces.set(space.id, space);
  }
  return spaces;
}
