import type { ConfluencePage, ConfluenceSpace, Page } from '@switchyard/sdk';
import { arr, at, id } from '../../webhooks/json.js';
import { type BodyFormat, representationOf, vendorBodyOf } from './body.js';
import { cloudList, dcList, type PageQuery } from './lists.js';
import { baseOf, cloudPage, dcPage } from './map.js';
import { cloudSpace, cloudSpacesOf } from './spaces.js';
import type { ConfluenceTransport } from './transport.js';

/**
 * Reading pages: one page (with its body), a space's pages and a page's children (without bodies: GET the page for
 * it). Cloud v2 `GET /api/v2/pages/{id}?body-format=`, `/api/v2/spaces/{id}/pages`, `/api/v2/pages/{id}/children`;
 * Data Center v1 `/rest/api/content/{id}`, `/rest/api/content?spaceKey=&type=page`, `/rest/api/content/{id}/child/page`.
 */

/** What Data Center must expand for a full ConfluencePage (v1 leaves all of it out by default). */
export const DC_EXPAND = 'space,version,history,ancestors';
export const DC_EXPAND_BODY = `${DC_EXPAND},body.storage`;

export const cloudPagePath = (pageId: string) => `/api/v2/pages/${encodeURIComponent(pageId)}`;
export const dcPagePath = (pageId: string) => `/rest/api/content/${encodeURIComponent(pageId)}`;

/** A page's raw answer with its body in the representation `format` needs. */
export async function readRawPage(
  confluence: ConfluenceTransport,
  pageId: string,
  format: BodyFormat,
): Promise<unknown> {
  const representation = representationOf(format, confluence.flavor);
  return confluence.flavor === 'cloud'
    ? confluence.send('GET', cloudPagePath(pageId), { query: { 'body-format': representation } })
    : confluence.send('GET', dcPagePath(pageId), { query: { expand: DC_EXPAND_BODY } });
}

/** A single page's answer as a ConfluencePage; `space` saves Cloud's space lookup when the caller holds it. */
export async function toFullPage(
  confluence: ConfluenceTransport,
  raw: unknown,
  format: BodyFormat,
  space?: ConfluenceSpace,
): Promise<ConfluencePage> {
  const body = { format, value: vendorBodyOf(raw, representationOf(format, confluence.flavor)) };
  if (confluence.flavor === 'dc') return dcPage(raw, baseOf(raw), body);
  const spaces = await cloudSpacesOf(confluence, [raw], space);
  return cloudPage(raw, spaces.get(id(at(raw, 'spaceId')) ?? '') ?? null, baseOf(raw), body);
}

export async function getPage(
  confluence: ConfluenceTransport,
  pageId: string,
  format: BodyFormat,
): Promise<ConfluencePage> {
  return toFullPage(confluence, await readRawPage(confluence, pageId, format), format);
}

/** Lists carry no body: `body` is null and `body_format` says what GET on the page answers by default. */
const LISTED = { format: 'markdown' as const };

async function cloudPages(
  confluence: ConfluenceTransport,
  path: string,
  q: PageQuery,
  space?: ConfluenceSpace,
): Promise<Page<ConfluencePage>> {
  const { res, next_cursor } = await cloudList(confluence, path, q);
  const results = arr(at(res, 'results'));
  const spaces = await cloudSpacesOf(confluence, results, space);
  const base = baseOf(res);
  const items = results.map((raw) => cloudPage(raw, spaces.get(id(at(raw, 'spaceId')) ?? '') ?? null, base, LISTED));
  return { items, next_cursor };
}

async function dcPages(
  confluence: ConfluenceTransport,
  path: string,
  q: PageQuery,
  query: Record<string, string> = {},
): Promise<Page<ConfluencePage>> {
  const { res, next_cursor } = await dcList(confluence, path, q, { ...query, expand: DC_EXPAND });
  const base = baseOf(res);
  return { items: arr(at(res, 'results')).map((raw) => dcPage(raw, base, LISTED)), next_cursor };
}

/** The pages of a space by key (Cloud resolves the key to v2's space id first; all digits is read as the id). */
export async function listSpacePages(
  confluence: ConfluenceTransport,
  spaceKeyOrId: string,
  q: PageQuery,
): Promise<Page<ConfluencePage>> {
  if (confluence.flavor === 'dc') {
    return dcPages(confluence, '/rest/api/content', q, { spaceKey: spaceKeyOrId, type: 'page' });
  }
  const space = await cloudSpace(confluence, spaceKeyOrId);
  return cloudPages(confluence, `/api/v2/spaces/${encodeURIComponent(space.id ?? '')}/pages`, q, space);
}

/** The direct child pages of a page. */
export async function listChildren(
  confluence: ConfluenceTransport,
  pageId: string,
  q: PageQuery,
): Promise<Page<ConfluencePage>> {
  return confluence.flavor === 'cloud'
    ? cloudPages(confluence, `${cloudPagePath(pageId)}/children`, q)
    : dcPages(confluence, `${dcPagePath(pageId)}/child/page`, q);
}
