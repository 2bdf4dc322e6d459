import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import {
  bitbucketCloudScheme,
  bitbucketDcScheme,
  confluenceScheme,
  jiraOffsetScheme,
  jiraTokenScheme,
  linkHeaderNext,
} from './page-schemes.js';
import {
  eachItem,
  type PageResponse,
  type PageScheme,
  type PaginateOptions,
  paginate,
  type StopReason,
} from './paginate.js';

/** A fake upstream: continuation (or 'first') → page. Records what was asked. */
function upstream(pages: Record<string, PageResponse | unknown>) {
  const asked: Array<string | undefined> = [];
  const fetchPage = async (c: string | undefined): Promise<PageResponse> => {
    asked.push(c);
    const page = pages[c ?? 'first'];
    if (page === undefined) throw new Error(`no page ${c}`);
    return typeof page === 'object' && page !== null && 'body' in page ? (page as PageResponse) : { body: page };
  };
  return { asked, fetchPage };
}

async function run(scheme: PageScheme, pages: Record<string, unknown>, options: PaginateOptions = {}) {
  const { asked, fetchPage } = upstream(pages);
  let stop: StopReason | undefined;
  const got: Array<{ items: unknown[]; next: string | undefined }> = [];
  for await (const page of paginate(scheme, fetchPage, { ...options, onStop: (r) => (stop = r) })) got.push(page);
  return { asked, stop, items: got.flatMap((p) => p.items), pages: got };
}

describe('Jira', () => {
  it('startAt/maxResults until isLast, counting the items actually returned', async () => {
    const r = await run(jiraOffsetScheme(), {
      first: { startAt: 0, maxResults: 50, isLast: false, values: [1, 2] },
      '2': { startAt: 2, maxResults: 50, isLast: false, values: [3] },
      '3': { startAt: 3, maxResults: 50, isLast: true, values: [4] },
    });
    expect(r.items).toEqual([1, 2, 3, 4]);
    expect(r.asked).toEqual([undefined, '2', '3']);
    expect(r.stop).toBe('end');
  });

  it('uses total when isLast is missing, and another items key', async () => {
    const r = await run(jiraOffsetScheme({ itemsKey: 'comments' }), {
      first: { startAt: 0, maxResults: 2, total: 3, comments: ['a', 'b'] },
      '2': { startAt: 2, maxResults: 2, total: 3, comments: ['c'] },
    });
    expect(r.items).toEqual(['a', 'b', 'c']);
  });

  it('nextPageToken until isLast (search/jql)', async () => {
    const r = await run(jiraTokenScheme(), {
      first: { issues: [{ key: 'A-1' }], isLast: false, nextPageToken: 't1' },
      t1: { issues: [{ key: 'A-2' }], isLast: true },
    });
    expect(r.items).toEqual([{ key: 'A-1' }, { key: 'A-2' }]);
    expect(r.asked).toEqual([undefined, 't1']);
  });

  it('guard: a token that comes back again stops the loop', async () => {
    const r = await run(jiraTokenScheme(), {
      first: { issues: [1], isLast: false, nextPageToken: 't1' },
      t1: { issues: [2], isLast: false, nextPageToken: 't1' },
    });
    expect(r.items).toEqual([1, 2]);
    expect(r.stop).toBe('repeated-next');
    expect(r.pages.at(-1)?.next).toBeUndefined();
  });

  it('guard: empty pages that keep pointing onwards', async () => {
    const r = await run(
      jiraTokenScheme(),
      {
        first: { issues: [], isLast: false, nextPageToken: 'a' },
        a: { issues: [], isLast: false, nextPageToken: 'b' },
        b: { issues: [], isLast: false, nextPageToken: 'c' },
      },
      { maxEmptyPages: 3 },
    );
    expect(r.asked).toEqual([undefined, 'a', 'b']);
    expect(r.stop).toBe('empty-pages');
  });
});

describe('Confluence', () => {
  const apiRoot = 'https://api.atlassian.com/ex/confluence/cloud-1/wiki';

  it('v2: follows _links.next, which carries /wiki, against our own root', async () => {
    const next = `${apiRoot}/api/v2/pages?cursor=b`;
    const r = await run(confluenceScheme({ apiRoot }), {
      first: { results: [1], _links: { next: '/wiki/api/v2/pages?cursor=b', base: 'https://acme.atlassian.net/wiki' } },
      [next]: { results: [2], _links: { base: 'https://acme.atlassian.net/wiki' } },
    });
    expect(r.items).toEqual([1, 2]);
    expect(r.asked).toEqual([undefined, next]);
  });

  it('v2: the Link header alone is enough', async () => {
    const next = `${apiRoot}/api/v2/spaces?cursor=z`;
    const r = await run(confluenceScheme({ apiRoot }), {
      first: { body: { results: ['s1'] }, headers: { link: '</wiki/api/v2/spaces?cursor=z>; rel="next"' } },
      [next]: { results: ['s2'] },
    });
    expect(r.items).toEqual(['s1', 's2']);
  });

  it('v1 (CQL cursor and start/limit): links are relative to the base, context not repeated', async () => {
    const site = 'https://acme.atlassian.net/wiki';
    const next = `${site}/rest/api/search?cql=type%3Dpage&cursor=abc&limit=1`;
    const r = await run(confluenceScheme({ apiRoot: site }), {
      first: {
        results: ['p1'],
        _links: { base: site, context: '/wiki', next: '/rest/api/search?cql=type%3Dpage&cursor=abc&limit=1' },
      },
      [next]: { results: ['p2'], _links: { base: site, context: '/wiki' } },
    });
    expect(r.items).toEqual(['p1', 'p2']);
  });

  it('Data Center v1 with a context path', async () => {
    const root = 'https://dc.example.com/confluence';
    const next = `${root}/rest/api/space?limit=1&start=1`;
    const r = await run(confluenceScheme({ apiRoot: root }), {
      first: {
        results: ['A'],
        start: 0,
        limit: 1,
        size: 1,
        _links: { base: root, context: '/confluence', next: '/rest/api/space?limit=1&start=1' },
      },
      [next]: { results: ['B'], start: 1, limit: 1, size: 1, _links: { base: root, context: '/confluence' } },
    });
    expect(r.items).toEqual(['A', 'B']);
  });

  it('reads Link headers with several relations', () => {
    expect(linkHeaderNext({ link: '</a?cursor=1>; rel="prev", </a?cursor=2>; rel="next"' })).toBe('/a?cursor=2');
    expect(linkHeaderNext({ link: '</a>; rel="prev"' })).toBeUndefined();
  });
});

describe('Bitbucket Cloud', () => {
  const root = 'https://api.bitbucket.org/2.0';

  it('follows the absolute next until it is absent', async () => {
    const r = await run(bitbucketCloudScheme({ apiRoot: root }), {
      first: { values: [1], pagelen: 1, next: `${root}/repositories/w?page=2` },
      [`${root}/repositories/w?page=2`]: { values: [2], pagelen: 1 },
    });
    expect(r.items).toEqual([1, 2]);
  });

  it('guard: an empty page with a next is the end (BCLOUD-22441)', async () => {
    const r = await run(bitbucketCloudScheme(), {
      first: { values: [1], next: `${root}/x?page=2` },
      [`${root}/x?page=2`]: { values: [], next: `${root}/x?page=3` },
    });
    expect(r.items).toEqual([1]);
    expect(r.stop).toBe('bogus-next');
  });

  it('repairs a next whose query starts with & and keeps credentials on our origin', async () => {
    const mockRoot = 'http://127.0.0.1:4010/2.0';
    const r = await run(bitbucketCloudScheme({ apiRoot: mockRoot }), {
      first: { values: [1], next: 'https://api.bitbucket.org/2.0/repositories/w/r/pullrequests/1/comments&page=2' },
      'http://127.0.0.1:4010/2.0/repositories/w/r/pullrequests/1/comments?page=2': { values: [2] },
    });
    expect(r.items).toEqual([1, 2]);
  });
});

describe('Bitbucket Data Center', () => {
  it('start/nextPageStart until isLastPage', async () => {
    const r = await run(bitbucketDcScheme(), {
      first: { values: ['a', 'b'], start: 0, limit: 2, size: 2, isLastPage: false, nextPageStart: 2 },
      '2': { values: ['c'], start: 2, limit: 2, size: 1, isLastPage: true },
    });
    expect(r.items).toEqual(['a', 'b', 'c']);
    expect(r.asked).toEqual([undefined, '2']);
  });

  it('guard: isLastPage false without nextPageStart ends the listing (BSERV-12725)', async () => {
    const r = await run(bitbucketDcScheme(), { first: { values: ['a'], isLastPage: false } });
    expect(r.items).toEqual(['a']);
    expect(r.stop).toBe('missing-next-start');
  });
});

describe('the loop', () => {
  it('stops at the page cap, keeping the next continuation to resume from', async () => {
    const pages: Record<string, unknown> = {};
    for (let i = 0; i < 10; i++)
      pages[i === 0 ? 'first' : `t${i}`] = { issues: [i], isLast: false, nextPageToken: `t${i + 1}` };
    const r = await run(jiraTokenScheme(), pages, { maxPages: 3 });
    expect(r.items).toEqual([0, 1, 2]);
    expect(r.stop).toBe('page-cap');
    expect(r.pages.at(-1)?.next).toBe('t3');
    const resumed = await run(jiraTokenScheme(), pages, { maxPages: 2, start: 't3' });
    expect(resumed.items).toEqual([3, 4]);
  });

  it('eachItem flattens pages lazily', async () => {
    const { fetchPage, asked } = upstream({
      first: { issues: [1, 2], isLast: false, nextPageToken: 'n' },
      n: { issues: [3], isLast: true },
    });
    const it = eachItem<number>(paginate(jiraTokenScheme(), fetchPage));
    expect((await it.next()).value).toBe(1);
    expect(asked).toEqual([undefined]);
    const rest: number[] = [];
    for await (const x of it) rest.push(x);
    expect(rest).toEqual([2, 3]);
  });

  it('a page without its list is a VENDOR_ERROR', async () => {
    const err = await run(bitbucketDcScheme(), { first: { message: 'nope' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VENDOR_ERROR');
  });
});
