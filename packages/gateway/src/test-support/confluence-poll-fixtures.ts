/**
 * Test fixtures (used by server/confluence-polling*.test.ts only): `/wiki/rest/api/search` results shaped as the
 * Confluence Cloud v1 spec's SearchResult, with `content.version`, `content.history` and `content.space` expanded.
 */

export const SITE_WIKI = 'https://acme.atlassian.net/wiki';

export function searchResult(pageId: string, version: number, when: string, space = 'ENG') {
  return {
    content: {
      id: pageId,
      type: 'page',
      status: 'current',
      title: `Page ${pageId}`,
      space: { id: 98306, key: space, name: 'Engineering', type: 'global', status: 'current' },
      history: {
        latest: true,
        createdBy: { type: 'known', accountId: 'acc-alice', displayName: 'Alice', publicName: 'alice' },
        createdDate: '2026-11-20T10:00:00.000Z',
      },
      version: {
        by: { type: 'known', accountId: 'acc-bob', displayName: 'Bob', publicName: 'bob' },
        when,
        number: version,
        minorEdit: false,
      },
      _links: { webui: `/spaces/${space}/pages/${pageId}`, self: `${SITE_WIKI}/rest/api/content/${pageId}` },
    },
    title: `Page ${pageId}`,
    excerpt: '',
    url: `/spaces/${space}/pages/${pageId}`,
    entityType: 'content',
    iconCssClass: 'aui-icon content-type-page',
    lastModified: when,
    breadcrumbs: [],
  };
}

/** One page of a search answer; `next` is the relative `_links.next` Confluence sends when there is more. */
export function searchPage(results: unknown[], next?: string) {
  return {
    results,
    start: 0,
    limit: 50,
    size: results.length,
    totalSize: results.length,
    cqlQuery: 'type = page',
    searchDuration: 7,
    _links: { base: SITE_WIKI, context: '/wiki', ...(next === undefined ? {} : { next }) },
  };
}
