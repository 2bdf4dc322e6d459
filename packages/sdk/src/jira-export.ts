import { paths } from './contract.js';
import type { Issue } from './entities.js';
import { isErrorBody, SwitchyardError } from './errors.js';
import type { Requester } from './events-client.js';

/** How an export ended (its last NDJSON line; docs/jira-api.md, "Export"). */
export interface JiraExportEnd {
  issues: number;
  pages: number;
  /** False when the export stopped early: `max` reached, a page cap, a vendor paging bug guard, or an error. */
  complete: boolean;
  stopped: string | null;
  error: { code: string; message: string } | null;
}

export interface ExportIssuesQuery {
  /** Bounded JQL. */
  jql: string;
  /** Rich text format of the issues: `markdown` (default), or `adf` (Cloud) / `wiki` (Data Center) untouched. */
  format?: 'markdown' | 'text' | 'adf' | 'wiki';
  /** Issues at most (default 100,000 on the gateway). */
  max?: number;
  signal?: AbortSignal;
}

/** The issues of an export as they arrive; `end` is set once the iteration finished. */
export interface JiraExport extends AsyncIterable<Issue> {
  end: JiraExportEnd | undefined;
  /** Told after each page with the number of issues so far. */
  onProgress?: (issues: number) => void;
}

type Line = { issue?: Issue; progress?: { issues: number }; end?: JiraExportEnd };

/**
 * `GET …/jira/issues/export` read line by line: one page of issues in memory at most, however many the query
 * matches. A failure before the first issue throws SwitchyardError; a failure later ends the iteration and is
 * reported in `end.error` (with `complete: false`), so partial exports are never mistaken for whole ones.
 */
export function exportIssues(c: Requester, connectionId: string, q: ExportIssuesQuery): JiraExport {
  const path = paths.jiraIssuesExport.replace(':connection_id', encodeURIComponent(connectionId));
  const query: Record<string, string | number | undefined> = { jql: q.jql, format: q.format, max: q.max };
  const out: JiraExport = {
    end: undefined,
    async *[Symbol.asyncIterator]() {
      const res = await c.open(path, query, { accept: 'application/x-ndjson' }, q.signal);
      if (!res.ok || res.body === null) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(await res.text());
        } catch {
          parsed = undefined;
        }
        throw new SwitchyardError(res.status, isErrorBody(parsed) ? parsed : undefined, `HTTP ${res.status}`);
      }
      const decoder = new TextDecoder();
      let buffered = '';
      const handle = function* (text: string): Generator<Issue> {
        if (text.trim() === '') return;
        const line = JSON.parse(text) as Line;
        if (line.issue !== undefined) yield line.issue;
        else if (line.progress !== undefined) out.onProgress?.(line.progress.issues);
        else if (line.end !== undefined) out.end = line.end;
      };
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          yield* handle(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 1);
          nl = buffered.indexOf('\n');
        }
      }
      yield* handle(buffered + decoder.decode());
      if (out.end === undefined) {
        out.end = {
          issues: -1,
          pages: -1,
          complete: false,
          stopped: 'error',
          error: { code: 'NETWORK_ERROR', message: 'The export stream ended without its end line.' },
        };
      }
    },
  };
  return out;
}
