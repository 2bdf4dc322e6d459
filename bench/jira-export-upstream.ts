import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The export benchmark's Jira Data Center, in its own process: `/rest/api/2/myself` (the connection's live
 * check) and `/rest/api/2/search` over TOTAL synthetic issues (~1.9 KB of JSON each), paged by startAt with
 * `total`, as Data Center answers. Prints its URL on stdout.
 */
const TOTAL = Number(process.argv[2] ?? 50_000);
const myself = JSON.stringify({ key: 'alice', name: 'alice', displayName: 'Alice' });
const words = 'the quick brown fox jumps over the lazy dog while the build pipeline waits for review '.repeat(12);

const issueAt = (n: number) => ({
  id: String(100_000 + n),
  key: `EXP-${n}`,
  self: `http://jira.example/rest/api/2/issue/${100_000 + n}`,
  fields: {
    summary: `Exported issue number ${n}`,
    description: `h2. Issue ${n}\n${words}`,
    status: { id: '3', name: 'In Progress', statusCategory: { key: 'indeterminate', name: 'In Progress' } },
    issuetype: { id: '10001', name: 'Task', subtask: false },
    priority: { id: '3', name: 'Medium' },
    project: { id: '10000', key: 'EXP', name: 'Export' },
    assignee: { name: 'alice', key: 'alice', displayName: 'Alice', emailAddress: 'alice@example.com' },
    reporter: { name: 'bob', key: 'bob', displayName: 'Bob', emailAddress: 'bob@example.com' },
    labels: ['bench', `batch-${n % 50}`],
    created: '2026-01-02T03:04:05.000+0000',
    updated: '2026-02-03T04:05:06.000+0000',
  },
});

const server = createServer((req, res) => {
  req.resume();
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname.endsWith('/rest/api/2/myself')) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(myself);
    return;
  }
  if (!url.pathname.endsWith('/rest/api/2/search')) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"errorMessages":["not here"]}');
    return;
  }
  const startAt = Number(url.searchParams.get('startAt') ?? 0);
  const max = Math.min(Number(url.searchParams.get('maxResults') ?? 50), 1000);
  const issues = [];
  for (let n = startAt + 1; n <= Math.min(startAt + max, TOTAL); n++) issues.push(issueAt(n));
  res
    .writeHead(200, { 'content-type': 'application/json;charset=UTF-8' })
    .end(JSON.stringify({ startAt, maxResults: max, total: TOTAL, issues }));
});

server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
