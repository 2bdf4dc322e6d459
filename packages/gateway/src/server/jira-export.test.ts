import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SwitchyardClient, SwitchyardError } from '@switchyard/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../test-support/harness.js';
import { seedTokenConnection } from '../test-support/seed-connection.js';

/**
 * A Jira holding `total` issues: Cloud `search/jql` paged by nextPageToken, Data Center `search` by startAt.
 * `failAt` makes the page starting at that offset fail (after the first page: an in-stream failure).
 */
interface FakeJira {
  url: string;
  total: number;
  failAt: number | null;
  /** The offsets of the pages asked for, in order. */
  asked: number[];
  close(): Promise<void>;
}

const issueAt = (n: number) => ({
  id: String(10000 + n),
  key: `EXP-${n}`,
  fields: { summary: `Issue ${n}`, labels: [], status: { name: 'Open' }, issuetype: { name: 'Task' } },
});

async function fakeJira(total: number): Promise<FakeJira> {
  const state: FakeJira = { url: '', total, failAt: null, asked: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const max = Number(u.searchParams.get('maxResults') ?? '50');
    const cloud = u.pathname.endsWith('/rest/api/3/search/jql');
    if (!cloud && !u.pathname.endsWith('/rest/api/2/search')) {
      res.writeHead(404).end('{}');
      return;
    }
    const start = cloud
      ? Number((u.searchParams.get('nextPageToken') ?? 'p0').slice(1))
      : Number(u.searchParams.get('startAt') ?? '0');
    state.asked.push(start);
    if (state.failAt === start) {
      // A refusal, not a 503: the outbound client would retry a 503 and its breaker would remember it.
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"errorMessages":["The JQL is not valid"]}');
      return;
    }
    const issues = Array.from({ length: Math.max(0, Math.min(max, state.total - start)) }, (_, i) =>
      issueAt(start + i + 1),
    );
    const next = start + issues.length;
    const body = cloud
      ? { issues, isLast: next >= state.total, ...(next < state.total ? { nextPageToken: `p${next}` } : {}) }
      : { startAt: start, maxResults: max, total: state.total, issues };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return state;
}

type Line = { issue?: { key: string }; progress?: { issues: number }; end?: Record<string, unknown> };

describe('GET /v1/connections/{id}/jira/issues/export', () => {
  let t: TestApp;
  let jira: FakeJira;
  let cloud: string;
  let dc: string;
  beforeAll(async () => {
    jira = await fakeJira(250);
    t = await startTestApp('sqlite', {
      SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
      SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
    });
    const tenantId = t.admin.tenant.id;
    cloud = await seedTokenConnection(t.runtime, {
      tenantId,
      provider: 'atlassian-cloud',
      authType: 'api_token',
      username: 'jane@example.com',
      secret: 'classic-token-1',
      siteUrl: `${jira.url}/site`,
      products: ['jira'],
    });
    dc = await seedTokenConnection(t.runtime, {
      tenantId,
      provider: 'jira-dc',
      authType: 'bearer',
      username: null,
      secret: 'pat-1',
      siteUrl: `${jira.url}/dc`,
      products: ['jira'],
    });
  });
  afterEach(() => {
    jira.failAt = null;
  });
  afterAll(async () => {
    await t?.close();
    await jira?.close();
  });

  const run = async (id: string, query: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/connections/${id}/jira/issues/export?${query}`,
      headers: bearer(t.admin.adminKey.key),
    });
    const lines =
      res.statusCode === 200
        ? res.body
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as Line)
        : [];
    return { res, lines, issues: lines.flatMap((l) => (l.issue === undefined ? [] : [l.issue.key])) };
  };

  it('streams every issue of a Cloud query, page by page over nextPageToken, ending with a complete end line', async () => {
    jira.asked = [];
    const { res, lines, issues } = await run(cloud, 'jql=project%3DEXP');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(issues).toHaveLength(250);
    expect(new Set(issues).size).toBe(250);
    expect(issues[0]).toBe('EXP-1');
    expect(issues.at(-1)).toBe('EXP-250');
    expect(jira.asked).toEqual([0, 100, 200]);
    expect(lines.filter((l) => l.progress !== undefined).map((l) => l.progress?.issues)).toEqual([100, 200, 250]);
    expect(lines.at(-1)).toEqual({
      end: { issues: 250, pages: 3, complete: true, stopped: null, error: null },
    });
  });

  it('pages Data Center by startAt and stops at max, saying the export is not complete', async () => {
    jira.asked = [];
    const { lines, issues } = await run(dc, 'jql=project%3DEXP&max=150');
    expect(issues).toHaveLength(150);
    expect(jira.asked).toEqual([0, 100]);
    expect(lines.at(-1)?.end).toMatchObject({ issues: 150, complete: false, stopped: 'max' });
  });

  it('a failure before the first page is an ordinary error answer; a later one ends the stream with end.error', async () => {
    jira.failAt = 0;
    const early = await run(cloud, 'jql=project%3DEXP');
    expect(early.res.statusCode).toBe(400);
    expect(early.res.json()).toMatchObject({ code: 'VENDOR_ERROR', message: expect.stringContaining('JQL') });

    jira.failAt = 200;
    const late = await run(cloud, 'jql=project%3DEXP');
    expect(late.res.statusCode).toBe(200);
    expect(late.issues).toHaveLength(200);
    expect(late.lines.at(-1)?.end).toMatchObject({
      issues: 200,
      complete: false,
      stopped: 'error',
      error: { code: 'VENDOR_ERROR', message: expect.stringContaining('The JQL is not valid') },
    });
  });

  it('the SDK iterates the export issue by issue and reports how it ended', async () => {
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const sdk = new SwitchyardClient({ baseUrl: base, apiKey: t.admin.adminKey.key });
    const keys: string[] = [];
    const exported = sdk.jira.exportIssues(dc, { jql: 'project = EXP' });
    for await (const issue of exported) keys.push(issue.key);
    expect(keys).toHaveLength(250);
    expect(exported.end).toMatchObject({ issues: 250, complete: true });
    await expect(async () => {
      for await (const _ of sdk.jira.exportIssues(dc, { jql: ' ' })) void _;
    }).rejects.toBeInstanceOf(SwitchyardError);
  });
});
