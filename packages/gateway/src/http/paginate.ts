import { AppError } from '../errors/app-error.js';
import type { HeaderBag } from './retry-after.js';

/**
 * One loop for every pagination scheme (FACTS §3). A scheme reads a page body and says where the next page
 * is — a continuation string: an offset (`"50"`), a token, or an absolute URL. The caller's `fetchPage`
 * turns a continuation into a request (`undefined` = the first page). The loop adds the guards the vendors
 * need: a next continuation seen before (stuck or cycling cursors), runs of empty pages that still point
 * onwards, a scheme's own bug guards (Bitbucket DC's `isLastPage:false` without `nextPageStart`, Bitbucket
 * Cloud's bogus last `next`), and a page cap. Pages are yielded as they come; nothing is accumulated.
 */
export interface PageResponse {
  body: unknown;
  headers?: HeaderBag;
}

export type FetchPage = (continuation: string | undefined) => Promise<PageResponse>;

export type StopReason =
  | 'end'
  | 'page-cap'
  | 'repeated-next'
  | 'empty-pages'
  | 'missing-next-start'
  | 'bogus-next'
  | 'aborted';

export interface PageRead {
  items: unknown[];
  /** Where the next page is; undefined on the last page. */
  next: string | undefined;
  /** The scheme detected a vendor bug and the listing ends here. */
  stop?: StopReason;
}

export interface PageScheme {
  readonly name: string;
  read(body: unknown, headers: HeaderBag): PageRead;
}

export interface Page<T> {
  items: T[];
  /** The continuation of the following page (resume with `start`); undefined when the listing ended. */
  next: string | undefined;
}

export interface PaginateOptions {
  /** Pages fetched at most; the last page then keeps its `next` so the caller can resume. Default 1,000. */
  maxPages?: number;
  /** Consecutive empty pages that still point onwards before giving up. Default 3. */
  maxEmptyPages?: number;
  /** Resume from a continuation a previous page returned. */
  start?: string;
  signal?: AbortSignal;
  /** Told why the listing ended, for logs and metrics ('end' when it simply ran out). */
  onStop?: (reason: StopReason, pages: number) => void;
}

export const DEFAULT_MAX_PAGES = 1000;

export async function* paginate<T>(
  scheme: PageScheme,
  fetchPage: FetchPage,
  options: PaginateOptions = {},
): AsyncGenerator<Page<T>, void, undefined> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const maxEmpty = options.maxEmptyPages ?? 3;
  const seen = new Set<string>();
  let current = options.start;
  if (current !== undefined) seen.add(current);
  let empty = 0;
  for (let pages = 1; ; pages++) {
    if (options.signal?.aborted) {
      options.onStop?.('aborted', pages - 1);
      return;
    }
    const response = await fetchPage(current);
    const read = scheme.read(response.body, response.headers ?? {});
    empty = read.items.length === 0 ? empty + 1 : 0;
    const next = read.next;
    let stop: StopReason | undefined = read.stop ?? (next === undefined ? 'end' : undefined);
    if (stop === undefined && next !== undefined && seen.has(next)) stop = 'repeated-next';
    if (stop === undefined && empty >= maxEmpty) stop = 'empty-pages';
    if (stop === undefined && pages >= maxPages) {
      yield { items: read.items as T[], next };
      options.onStop?.('page-cap', pages);
      return;
    }
    yield { items: read.items as T[], next: stop === undefined ? next : undefined };
    if (stop !== undefined || next === undefined) {
      options.onStop?.(stop ?? 'end', pages);
      return;
    }
    seen.add(next);
    current = next;
  }
}

/** The items of every page, one at a time. */
export async function* eachItem<T>(pages: AsyncIterable<Page<T>>): AsyncGenerator<T, void, undefined> {
  for await (const page of pages) yield* page.items;
}

/** Shared by the schemes: the body must be an object holding an array under `key`. */
export function pageObject(
  body: unknown,
  key: string,
  scheme: string,
): { record: Record<string, unknown>; items: unknown[] } {
  const record =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const items = record?.[key];
  if (record === undefined || !Array.isArray(items)) {
    throw new AppError('VENDOR_ERROR', `The vendor answered a ${scheme} page without a "${key}" list.`, {
      status: 502,
    });
  }
  return { record, items };
}
