/**
 * Answers added to the Confluence v1 test copy. Its User and search result schemas are recursive, and Prism
 * can generate neither a static answer ("schema too complex") nor a dynamic one (json-schema-faker fails), so
 * the operations the gateway calls carry one small example each, valid against the spec's own schemas.
 */
export const confluenceV1Examples: Record<string, unknown> = {
  'GET /wiki/rest/api/user/current': {
    type: 'known',
    accountId: '5b10ac8d82e05b22cc7d4ef5',
    accountType: 'atlassian',
    email: 'jane@example.com',
    publicName: 'Jane',
    displayName: 'Jane Doe',
    _links: { base: 'https://acme.atlassian.net/wiki', context: '/wiki' },
  },
  'GET /wiki/rest/api/search': {
    results: [],
    start: 0,
    limit: 25,
    size: 0,
    totalSize: 0,
    cqlQuery: 'type = page',
    searchDuration: 12,
    _links: { base: 'https://acme.atlassian.net/wiki', context: '/wiki' },
  },
  'GET /wiki/rest/api/content/search': {
    results: [],
    start: 0,
    limit: 25,
    size: 0,
    _links: { base: 'https://acme.atlassian.net/wiki', context: '/wiki' },
  },
};

/**
 * Answers added to the Confluence v2 test copy for the lists the gateway pages through. Without an example,
 * Prism's static answer for `_links.next` is the literal "string", which no client can follow (the gateway
 * refuses a next link that does not continue the list); these carry next links of the shape Confluence sends.
 */
export const confluenceV2Examples: Record<string, unknown> = {
  'GET /spaces': {
    results: [
      {
        id: '65539',
        key: 'DEV',
        name: 'Development',
        type: 'global',
        status: 'current',
        homepageId: '65540',
        _links: { webui: '/spaces/DEV' },
      },
    ],
    _links: { next: '/wiki/api/v2/spaces?cursor=eyJpZCI6IjY1NTM5In0&limit=5', base: 'https://acme.atlassian.net/wiki' },
  },
  'GET /pages/{id}/children': {
    results: [{ id: '65541', status: 'current', title: 'Runbook', spaceId: '65539', childPosition: 1 }],
    _links: { base: 'https://acme.atlassian.net/wiki' },
  },
};
