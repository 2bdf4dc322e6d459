import type { ListQuery, Page } from './contract.js';
import { paths } from './contract.js';
import type { ConfluencePage, ConfluenceSearchResult, ConfluenceSpace } from './entities.js';
import type { Requester } from './events-client.js';

/**
 * The normalized Confluence API of one connection (docs/confluence-api.md): the same entities over Confluence
 * Cloud (REST v2, v1 for CQL) and Data Center (REST v1). Page bodies are Markdown by default (converted from
 * and to the storage format); `storage` passes the storage XHTML untouched, `adf` (Cloud only) the
 * atlas_doc_format JSON.
 */
export type ConfluenceBodyFormat = 'markdown' | 'storage' | 'adf';

export interface CreatePageBody {
  /** The space key. */
  space: string;
  title: string;
  /** Markdown, storage XHTML, or (format `adf`) an ADF document or its JSON text. */
  body: string | Record<string, unknown>;
  format?: ConfluenceBodyFormat;
  parent_id?: string;
}

export interface UpdatePageBody {
  title?: string;
  body?: string | Record<string, unknown>;
  format?: ConfluenceBodyFormat;
  /** The version the caller last read; Switchyard sends version + 1, and a stale one is a CONFLICT. */
  version: number;
}

export interface SearchContentQuery extends ListQuery {
  cql: string;
}

const fill = (path: string, params: Record<string, string>): string =>
  path.replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));

export const confluenceApi = (c: Requester) => {
  const at = (path: string, connectionId: string, more: Record<string, string> = {}) =>
    fill(path, { connection_id: connectionId, ...more });
  return {
    spaces: (connectionId: string, query: ListQuery = {}): Promise<Page<ConfluenceSpace>> =>
      c.request('GET', at(paths.confluenceSpaces, connectionId), undefined, { ...query }),
    /** The pages of a space, by key (on Cloud, all digits is read as the space id). Bodies are not included. */
    spacePages: (connectionId: string, space: string, query: ListQuery = {}): Promise<Page<ConfluencePage>> =>
      c.request('GET', at(paths.confluenceSpacePages, connectionId, { space_key_or_id: space }), undefined, {
        ...query,
      }),
    page: (connectionId: string, pageId: string, format?: ConfluenceBodyFormat): Promise<ConfluencePage> =>
      c.request('GET', at(paths.confluencePage, connectionId, { page_id: pageId }), undefined, { format }),
    createPage: (connectionId: string, body: CreatePageBody): Promise<ConfluencePage> =>
      c.request('POST', at(paths.confluencePages, connectionId), body),
    updatePage: (connectionId: string, pageId: string, body: UpdatePageBody): Promise<ConfluencePage> =>
      c.request('PUT', at(paths.confluencePage, connectionId, { page_id: pageId }), body),
    /** Moves the page to the trash. */
    deletePage: async (connectionId: string, pageId: string): Promise<void> => {
      await c.request('DELETE', at(paths.confluencePage, connectionId, { page_id: pageId }));
    },
    children: (connectionId: string, pageId: string, query: ListQuery = {}): Promise<Page<ConfluencePage>> =>
      c.request('GET', at(paths.confluenceChildren, connectionId, { page_id: pageId }), undefined, { ...query }),
    search: (connectionId: string, query: SearchContentQuery): Promise<Page<ConfluenceSearchResult>> =>
      c.request('GET', at(paths.confluenceSearch, connectionId), undefined, { ...query }),
  };
};
