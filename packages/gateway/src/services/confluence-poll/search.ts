import { AppError } from '../../errors/app-error.js';
import { arr, at, str } from '../../webhooks/json.js';
import { apiRootOf } from '../connection-target.js';
import type { ProxyTarget } from '../proxy-targets.js';
import { callVendorJson, type VendorTransportDeps, withQuery } from '../vendor-json.js';

/** Results per search page; Confluence caps `limit` itself where it must. */
export const PAGE_LIMIT = 50;
/** Expansions of each result's `content`: version (number, when, by), history (creator), space. */
export const EXPAND = 'content.version,content.history,content.space';

const MINUTE_MS = 60_000;

/**
 * The CQL of one poll. The window start is relative (`now("-Nm")`) rather than a `"yyyy-MM-dd HH:mm"` literal:
 * Confluence reads such a literal in the calling user's profile time zone, which the gateway does not know, while
 * `now()` is the same instant whoever asks. N is rounded up, so the window never starts later than `from`.
 */
export function pollCql(fromMs: number, nowMs: number, spaces: readonly string[]): string {
  const minutes = Math.max(1, Math.ceil((nowMs - fromMs) / MINUTE_MS));
  const space = spaces.length === 0 ? '' : ` AND space in (${spaces.map((s) => `"${s}"`).join(',')})`;
  return `type = page AND lastmodified >= now("-${minutes}m")${space} ORDER BY lastmodified ASC`;
}

/** One page of results; `more` says whether Confluence has a next page. */
export interface SearchPage {
  results: readonly unknown[];
  base: string | null;
  more: boolean;
}

/** One connection's Confluence search, page by page. */
export interface ConfluenceSearch {
  /** The first page of a CQL search, then each `_links.next` until there is none. */
  pages(cql: string): AsyncGenerator<SearchPage>;
}

/**
 * The search of an `atlassian-cloud` connection: through the proxy's target (credential, budget, retries and
 * refresh after a 401), at `<Confluence root>/wiki/rest/api/search`. `_links.next` is relative to the site's
 * `/wiki`; only its path and query are used, on the connection's own root, so a next link can never send the
 * credential elsewhere (on 3LO the root is api.atlassian.com/ex/confluence/{cloudId}, not the site).
 */
export function connectionSearch(deps: VendorTransportDeps, target: ProxyTarget): ConfluenceSearch {
  const root = target.upstreamOf(apiRootOf(deps.config, target.place, 'confluence'));
  const wiki = `${root.url.href.replace(/\/+$/, '')}/wiki`;
  return {
    async *pages(cql) {
      let url: URL | undefined = withQuery(new URL(`${wiki}/rest/api/search`), {
        cql,
        limit: PAGE_LIMIT,
        expand: EXPAND,
      });
      while (url !== undefined) {
        const { json } = await callVendorJson(deps, target, root, 'GET', url, undefined);
        if (!Array.isArray(at(json, 'results'))) {
          throw new AppError('VENDOR_ERROR', 'Confluence answered the search without a results list.', { status: 502 });
        }
        url = nextUrl(wiki, str(at(json, '_links', 'next')));
        yield { results: arr(at(json, 'results')), base: str(at(json, '_links', 'base')), more: url !== undefined };
      }
    },
  };
}

/** `_links.next` (`/rest/api/search?…&cursor=…`, or with a `/wiki` prefix) on the connection's wiki root. */
export function nextUrl(wiki: string, next: string | null): URL | undefined {
  if (next === null || next === '') return undefined;
  const parsed = new URL(next, 'http://next.invalid');
  const path = parsed.pathname.replace(/^\/wiki(?=\/)/, '');
  if (!path.startsWith('/rest/api/search')) {
    throw new AppError('VENDOR_ERROR', `Confluence answered an unexpected next link (${path}).`, { status: 502 });
  }
  return new URL(`${wiki}${path}${parsed.search}`);
}
