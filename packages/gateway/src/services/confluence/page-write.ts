import type { ConfluencePage, ConfluenceSpace } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { at, id, num, str } from '../../webhooks/json.js';
import { type BodyFormat, representationOf, toVendorBody, vendorBodyOf } from './body.js';
import { malformed } from './map.js';
import { cloudPagePath, DC_EXPAND_BODY, dcPagePath, getPage, readRawPage, toFullPage } from './pages.js';
import { cloudSpace } from './spaces.js';
import type { ConfluenceTransport } from './transport.js';

/**
 * Writing pages: create (Cloud v2 `POST /api/v2/pages`, Data Center v1 `POST /rest/api/content`), update (`PUT` on
 * the page, sending version + 1 of the version the caller read) and delete (to the trash).
 */

export interface CreatePage {
  /** The space key (on Cloud, all digits is read as the space id). */
  space: string;
  title: string;
  body: unknown;
  format: BodyFormat;
  parent_id?: string | undefined;
}

export interface UpdatePage {
  title?: string | undefined;
  body?: unknown;
  format: BodyFormat;
  /** The version the caller last read. */
  version: number;
}

/** The written page as answered, or read back when the answer left the body out (v2 answers vary). */
async function written(
  confluence: ConfluenceTransport,
  raw: unknown,
  format: BodyFormat,
  space?: ConfluenceSpace,
): Promise<ConfluencePage> {
  const pageId = id(at(raw, 'id'));
  if (pageId === null) throw malformed('a written page without id');
  if (vendorBodyOf(raw, representationOf(format, confluence.flavor)) === undefined) {
    return getPage(confluence, pageId, format);
  }
  return toFullPage(confluence, raw, format, space);
}

export async function createPage(confluence: ConfluenceTransport, input: CreatePage): Promise<ConfluencePage> {
  const body = toVendorBody(input.body, input.format, confluence.flavor);
  if (confluence.flavor === 'cloud') {
    const space = await cloudSpace(confluence, input.space);
    const raw = await confluence.send('POST', '/api/v2/pages', {
      body: { spaceId: space.id, status: 'current', title: input.title, parentId: input.parent_id, body },
    });
    return written(confluence, raw, input.format, space);
  }
  const raw = await confluence.send('POST', '/rest/api/content', {
    query: { expand: DC_EXPAND_BODY },
    body: {
      type: 'page',
      title: input.title,
      space: { key: input.space },
      ...(input.parent_id === undefined ? {} : { ancestors: [{ id: input.parent_id }] }),
      body: { storage: { value: body.value, representation: 'storage' } },
    },
  });
  return written(confluence, raw, input.format);
}

/** A stale `version`: nothing was written; the caller reads the page again and reapplies its change. */
const stale = (pageId: string, read: number, why: string) =>
  new AppError(
    'CONFLICT',
    `Page ${pageId} has changed since version ${read} was read (${why}): read it again and reapply the change.`,
  );

/**
 * Both deployments replace the whole page (title and body are required), so a missing title or body is taken from
 * the current page, read first; that read also tells a stale `version` without trying the write. Without the read,
 * Confluence's 409 on the write says the same.
 */
export async function updatePage(
  confluence: ConfluenceTransport,
  pageId: string,
  input: UpdatePage,
): Promise<ConfluencePage> {
  if (input.title === undefined && input.body === undefined) {
    throw new AppError('VALIDATION', 'Send a title, a body or both.', {
      details: [{ path: 'body', message: 'nothing to update' }],
    });
  }
  const representation = representationOf(input.format, confluence.flavor);
  let title = input.title;
  let body = input.body === undefined ? undefined : toVendorBody(input.body, input.format, confluence.flavor);
  let status = 'current';
  if (title === undefined || body === undefined) {
    const current = await readRawPage(confluence, pageId, input.format);
    const version = num(at(current, 'version', 'number'));
    if (version !== input.version) throw stale(pageId, input.version, `it is at version ${version ?? 'unknown'}`);
    const currentBody = vendorBodyOf(current, representation);
    // Re-sending a body we did not get would blank the page.
    if (body === undefined && currentBody === undefined) throw malformed('a page without its body');
    title ??= str(at(current, 'title')) ?? '';
    body ??= { representation, value: currentBody ?? '' };
    // v2 takes `current` or `draft` on update; a draft stays one.
    if (str(at(current, 'status')) === 'draft') status = 'draft';
  }
  const version = { number: input.version + 1 };
  const request =
    confluence.flavor === 'cloud'
      ? confluence.send('PUT', cloudPagePath(pageId), { body: { id: pageId, status, title, body, version } })
      : confluence.send('PUT', dcPagePath(pageId), {
          body: {
            id: pageId,
            type: 'page',
            title,
            version,
            body: { storage: { value: body.value, representation: 'storage' } },
          },
        });
  const raw = await request.catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'CONFLICT')
      throw stale(pageId, input.version, `Confluence refused version ${version.number}: ${err.message}`);
    throw err;
  });
  return written(confluence, raw, input.format);
}

export async function deletePage(confluence: ConfluenceTransport, pageId: string): Promise<void> {
  await confluence.send('DELETE', confluence.flavor === 'cloud' ? cloudPagePath(pageId) : dcPagePath(pageId));
}
