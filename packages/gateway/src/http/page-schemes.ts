import { type PageRead, type PageScheme, pageObject } from './paginate.js';
import { type HeaderBag, headerValue } from './retry-after.js';

/**
 * The pagination schemes of FACTS §3. Continuations: Jira offsets and Bitbucket DC starts are numbers as
 * strings (the caller sets `startAt` / `start`), Jira tokens are passed through, Confluence and Bitbucket
 * Cloud continuations are absolute URLs — never built by us, only resolved against our own API root so a
 * credential is never sent to another origin.
 */

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Jira classic lists (`/project/search`, comments, boards, …): `startAt`, `maxResults` →
 * `{startAt, maxResults, total?, isLast?, values[]}`. The next offset counts the items actually returned
 * (Jira may return fewer than asked). Without `isLast`, `total` decides; without both, an empty page ends.
 */
export function jiraOffsetScheme(options: { itemsKey?: string } = {}): PageScheme {
  const key = options.itemsKey ?? 'values';
  return {
    name: 'jira-offset',
    read(body): PageRead {
      const { record, items } = pageObject(body, key, 'Jira');
      const startAt = num(record.startAt) ?? 0;
      const total = num(record.total);
      const after = startAt + items.length;
      let last: boolean;
      if (typeof record.isLast === 'boolean') last = record.isLast;
      else if (total !== undefined) last = after >= total;
      else last = items.length === 0;
      return { items, next: last ? undefined : String(after) };
    },
  };
}

/** Jira `search/jql` (and Jira Software board issues): `{issues[], isLast, nextPageToken?}`. */
export function jiraTokenScheme(options: { itemsKey?: string } = {}): PageScheme {
  const key = options.itemsKey ?? 'issues';
  return {
    name: 'jira-token',
    read(body): PageRead {
      const { record, items } = pageObject(body, key, 'Jira');
      const token = str(record.nextPageToken);
      return { items, next: record.isLast === true ? undefined : token };
    },
  };
}

/** The `rel="next"` target of a Link header: `</wiki/api/v2/pages?cursor=x>; rel="next"`. */
export function linkHeaderNext(headers: HeaderBag): string | undefined {
  const link = headerValue(headers, 'link');
  if (link === undefined) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match?.[1] !== undefined && /;\s*rel="?(?:[^";]*\s)?next(?:\s[^";]*)?"?\s*(?:;|$)/i.test(match[2] ?? ''))
      return match[1];
  }
  return undefined;
}

/**
 * Resolve a Confluence next link against `apiRoot`, the wiki root as we reach it (`https://site.atlassian.net/wiki`,
 * `https://api.atlassian.com/ex/confluence/{cloudId}/wiki`, `https://dc.example.com/confluence`). v2 links carry
 * the context path (`/wiki/api/v2/…`), v1 links do not (`/rest/api/…`): a leading context is dropped once.
 */
export function resolveConfluenceNext(next: string, apiRoot: string, context: string | undefined): string {
  const root = apiRoot.replace(/\/+$/, '');
  let path = next;
  if (/^https?:\/\//i.test(next)) {
    const u = new URL(next);
    path = `${u.pathname}${u.search}`;
  }
  if (!path.startsWith('/')) path = `/${path}`;
  const ctx = (context ?? (/\/wiki$/.test(root) ? '/wiki' : '')).replace(/\/+$/, '');
  if (ctx !== '' && (path.startsWith(`${ctx}/`) || path.startsWith(`${ctx}?`))) path = path.slice(ctx.length);
  return `${root}${path}`;
}

/**
 * Confluence v2 (cursor) and v1 (start/limit, CQL cursor): `{results[], _links:{next?, base?, context?}}` or the
 * `Link` header. Follow the link exactly; never build one.
 */
export function confluenceScheme(options: { apiRoot: string }): PageScheme {
  return {
    name: 'confluence',
    read(body, headers): PageRead {
      const { record, items } = pageObject(body, 'results', 'Confluence');
      const links = (typeof record._links === 'object' && record._links !== null ? record._links : {}) as Record<
        string,
        unknown
      >;
      const next = str(links.next) ?? linkHeaderNext(headers);
      if (next === undefined) return { items, next: undefined };
      const base = str(links.base);
      const context = str(links.context) ?? (base === undefined ? undefined : new URL(base).pathname);
      return { items, next: resolveConfluenceNext(next, options.apiRoot, context) };
    },
  };
}

/**
 * Bitbucket Cloud: `{values[], next?, page?, pagelen?, size?}`; `next` is absolute. Guards: an empty page
 * that still has a `next` ends the listing (the bogus last-page link of BCLOUD-22441 points at nothing);
 * a `next` whose query begins with `&` is repaired; a `next` on another origin is rebased onto `apiRoot`'s.
 */
export function bitbucketCloudScheme(options: { apiRoot?: string } = {}): PageScheme {
  return {
    name: 'bitbucket-cloud',
    read(body): PageRead {
      const { record, items } = pageObject(body, 'values', 'Bitbucket');
      let next = str(record.next);
      if (next === undefined) return { items, next: undefined };
      if (items.length === 0) return { items, next: undefined, stop: 'bogus-next' };
      if (!next.includes('?') && next.includes('&')) next = next.replace('&', '?');
      if (options.apiRoot !== undefined) {
        const root = new URL(options.apiRoot);
        const url = new URL(next, root);
        if (url.origin !== root.origin) next = `${root.origin}${url.pathname}${url.search}`;
        else next = url.href;
      }
      return { items, next };
    },
  };
}

/**
 * Bitbucket Server/DC: `{values[], start, limit, size, isLastPage, nextPageStart?}`. `isLastPage:false`
 * without `nextPageStart` (BSERV-12725) ends the listing instead of looping on page one.
 */
export function bitbucketDcScheme(): PageScheme {
  return {
    name: 'bitbucket-dc',
    read(body): PageRead {
      const { record, items } = pageObject(body, 'values', 'Bitbucket');
      if (record.isLastPage === true) return { items, next: undefined };
      const nextStart = num(record.nextPageStart);
      if (nextStart === undefined) return { items, next: undefined, stop: 'missing-next-start' };
      return { items, next: String(nextStart) };
    },
  };
}
