import type { Issue } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { jiraOffsetScheme, jiraTokenScheme } from '../../http/page-schemes.js';
import { type FetchPage, paginate, type StopReason } from '../../http/paginate.js';
import { ISSUE_FIELDS } from './issues.js';
import { type TextMode, textMode, toIssue } from './map.js';
import type { JiraTransport } from './transport.js';

/**
 * Every issue of a JQL query as one NDJSON stream (docs/jira-api.md, "Export"): the search iterator of
 * http/paginate.ts (Cloud `search/jql` by nextPageToken, Data Center `search` by startAt) with its guards,
 * one page in memory at a time, each page written before the next is asked for — so a slow reader slows the
 * export instead of filling the gateway's memory.
 *
 * Lines: `{"issue": Issue}` per issue, `{"progress": {...}}` after each page, and always a last
 * `{"end": {...}}` saying whether the export is complete; a failure after the first page (the status line is
 * already sent) ends the stream with `end.error` in the envelope's shape instead of cutting it silently.
 */
export const EXPORT_PAGE_SIZE = 100;
export const DEFAULT_EXPORT_MAX = 100_000;

export interface ExportIssues {
  jql: string;
  format: TextMode;
  /** Issues written at most (default DEFAULT_EXPORT_MAX); `end.complete` is false when it cut the export. */
  max?: number | undefined;
}

export interface ExportEnd {
  issues: number;
  pages: number;
  complete: boolean;
  /** Why the listing ended early: `max`, a page cap, or a vendor pagination bug guard (http/paginate.ts). */
  stopped: StopReason | 'max' | 'error' | null;
  error: { code: string; message: string } | null;
}

const line = (value: unknown) => `${JSON.stringify(value)}\n`;

/**
 * Start the export: the first page is fetched before this resolves, so a bad JQL or a refused credential is
 * an ordinary error answer; the iterable then yields NDJSON text, one page per chunk.
 */
export async function startIssueExport(
  jira: JiraTransport,
  q: ExportIssues,
  signal?: AbortSignal,
): Promise<AsyncIterable<string>> {
  if (q.jql.trim() === '') {
    throw new AppError('VALIDATION', 'jql is required and must be bounded (Jira refuses an empty query).', {
      details: [{ path: 'jql', message: 'required' }],
    });
  }
  textMode(jira.flavor, q.format);
  const max = q.max ?? DEFAULT_EXPORT_MAX;
  const cloud = jira.flavor === 'cloud';
  const fetchPage: FetchPage = async (continuation) => ({
    body: await jira.send('GET', cloud ? '/search/jql' : '/search', {
      query: cloud
        ? { jql: q.jql, maxResults: EXPORT_PAGE_SIZE, fields: ISSUE_FIELDS, nextPageToken: continuation }
        : { jql: q.jql, maxResults: EXPORT_PAGE_SIZE, fields: ISSUE_FIELDS, startAt: continuation ?? 0 },
    }),
  });
  let stopped: StopReason | undefined;
  const pages = paginate<unknown>(cloud ? jiraTokenScheme() : jiraOffsetScheme({ itemsKey: 'issues' }), fetchPage, {
    maxPages: Math.ceil(max / EXPORT_PAGE_SIZE) + 1,
    ...(signal === undefined ? {} : { signal }),
    onStop: (reason) => {
      stopped = reason;
    },
  });
  const first = await pages.next();
  return (async function* () {
    const end: ExportEnd = { issues: 0, pages: 0, complete: false, stopped: null, error: null };
    let page = first;
    try {
      while (page.done !== true) {
        end.pages++;
        let chunk = '';
        let cut = false;
        for (const raw of page.value.items) {
          if (end.issues >= max) {
            cut = true;
            break;
          }
          const issue: Issue = toIssue(raw, jira.flavor, q.format);
          chunk += line({ issue });
          end.issues++;
        }
        yield chunk + line({ progress: { issues: end.issues, pages: end.pages } });
        if (cut || (end.issues >= max && page.value.next !== undefined)) {
          end.stopped = 'max';
          break;
        }
        page = await pages.next();
      }
      if (end.stopped === null) {
        end.stopped = stopped === undefined || stopped === 'end' ? null : stopped;
        end.complete = end.stopped === null;
      }
    } catch (err) {
      const e = err instanceof AppError ? err : undefined;
      end.stopped = 'error';
      end.error = {
        code: e?.code ?? 'INTERNAL_ERROR',
        message: e?.message ?? 'The export failed; run it again.',
      };
    } finally {
      await pages.return(undefined);
    }
    yield line({ end });
  })();
}
