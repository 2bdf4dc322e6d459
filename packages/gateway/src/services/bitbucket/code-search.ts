import type { CodeSearchHit, CodeSearchLine, Page } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { arr, at, num, str } from '../../webhooks/json.js';
import { cloudLinks, cloudRepository } from '../../webhooks/providers/bitbucket-cloud-shapes.js';
import { listPage } from './pages.js';
import { seg } from './repos.js';
import type { BitbucketTransport } from './transport.js';

/**
 * Code search in a workspace: Cloud `/workspaces/{ws}/search/code?search_query=` (Bitbucket's own query
 * syntax: `foo repo:web lang:ts`), the file's repository expanded with `fields`. Data Center's search is not
 * part of its public REST API (not in the 9.5 spec), so it is refused.
 */

function line(value: unknown): CodeSearchLine | null {
  const n = num(at(value, 'line'));
  if (n === null) return null;
  const segments = arr(at(value, 'segments'));
  return {
    line: n,
    text: segments.map((s) => str(at(s, 'text')) ?? '').join(''),
    matches: segments.flatMap((s) => (at(s, 'match') === true ? (str(at(s, 'text')) ?? []) : [])),
  };
}

function hit(value: unknown): CodeSearchHit | null {
  const path = str(at(value, 'file', 'path'));
  if (path === null) return null;
  const lines = arr(at(value, 'content_matches')).flatMap((m) => arr(at(m, 'lines')).flatMap((l) => line(l) ?? []));
  return {
    path,
    repository: cloudRepository(at(value, 'file', 'commit', 'repository')),
    commit: str(at(value, 'file', 'commit', 'hash')),
    match_count: num(at(value, 'content_match_count')) ?? lines.filter((l) => l.matches.length > 0).length,
    lines,
    path_matched: arr(at(value, 'path_matches')).some((s) => at(s, 'match') === true),
    links: cloudLinks(at(value, 'file')),
  };
}

export function searchCode(
  bb: BitbucketTransport,
  workspace: string,
  q: { q: string; limit: number; cursor?: string | undefined },
): Promise<Page<CodeSearchHit>> {
  if (bb.flavor === 'dc') {
    throw new AppError('VALIDATION', 'Code search is not available on Bitbucket Data Center through its REST API.', {
      details: [{ path: 'connection_id', message: 'a bitbucket-cloud connection' }],
    });
  }
  const query = { search_query: q.q, fields: '+values.file.commit.repository' };
  return listPage(bb, `/workspaces/${seg(workspace)}/search/code`, { ...q, query }, hit);
}
