import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapBounded } from '../services/bitbucket/summary.js';
import {
  bitbucketCloudBearer,
  bitbucketDcBearer,
  type Gateway,
  gatewayCall,
  startGateway,
} from '../test-support/api-fixture.js';

type Answer = { status?: number; body: unknown };

/** A vendor that answers by path (the summary's per-repository calls run concurrently, in any order). */
async function routedUpstream(route: (path: string, query: URLSearchParams, base: string) => Answer) {
  const seen: string[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(req.url ?? '/');
    const a = route(url.pathname, url.searchParams, base);
    res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(a.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const run = (created: string, result: string) => ({
  uuid: `{${created}-${result}}`,
  created_on: created,
  state: { name: 'COMPLETED', result: { name: result } },
});
const running = (created: string) => ({ uuid: `{${created}}`, created_on: created, state: { name: 'IN_PROGRESS' } });
const NEW = '2026-11-10T00:00:00Z';
const OLD = '2026-10-01T00:00:00Z';
const repo = (slug: string) => ({ full_name: `acme/${slug}`, slug });
const forbidden = { status: 403, body: { type: 'error', error: { message: 'Access denied' } } };

function cloudVendor(path: string, q: URLSearchParams, base: string): Answer {
  const r = '/2.0/repositories/acme';
  if (path === r) return { body: { values: ['web', 'api', 'secret'].map(repo), size: 5, next: `${base}${r}?page=2` } };
  if (path === `${r}/web/pullrequests`) return { body: { values: [{}, {}], size: 3 } };
  if (path === `${r}/api/pullrequests`) return { body: { values: [{}] } };
  if (path === `${r}/secret/pullrequests`) return forbidden;
  const page = q.get('page');
  if (path === `${r}/web/pipelines`) {
    return page === null
      ? { body: { values: [run(NEW, 'FAILED'), run(NEW, 'SUCCESSFUL')], next: `${base}${path}?page=2` } }
      : { body: { values: [running(NEW), run(OLD, 'FAILED')], next: `${base}${path}?page=3` } };
  }
  if (path === `${r}/api/pipelines`) {
    return {
      body: {
        values: [run(NEW, 'SUCCESSFUL'), run(NEW, 'STOPPED')],
        next: `${base}${path}?page=${Number(page ?? 1) + 1}`,
      },
    };
  }
  return { status: 404, body: { type: 'error', error: { message: `no route ${path}` } } };
}

function dcVendor(path: string): Answer {
  const p = '/bbdc/rest/api/latest/projects/PRJ/repos';
  if (path === p) return { body: { values: [{ slug: 'web', project: { key: 'PRJ' } }], isLastPage: true } };
  if (path === `${p}/web/pull-requests`) return { body: { values: [{ id: 1 }, { id: 2 }], isLastPage: true } };
  return { status: 404, body: { errors: [{ message: `no route ${path}` }] } };
}

describe('/v1/connections/{id}/bitbucket/workspaces/{ws}/summary', () => {
  let cloudUp: Awaited<ReturnType<typeof routedUpstream>>;
  let dcUp: Awaited<ReturnType<typeof routedUpstream>>;
  let gw: Gateway;
  let cloud: string;
  let dc: string;
  beforeAll(async () => {
    cloudUp = await routedUpstream(cloudVendor);
    dcUp = await routedUpstream(dcVendor);
    gw = await startGateway({ BITBUCKET_API_URL: cloudUp.url });
    cloud = await gw.seed(bitbucketCloudBearer);
    dc = await gw.seed(bitbucketDcBearer(`${dcUp.url}/bbdc`));
  });
  afterAll(async () => {
    await gw?.t.close();
    await cloudUp?.close();
    await dcUp?.close();
  });

  const get = (url: string) => gatewayCall(gw.t)('GET', url);

  it('counts a Cloud workspace within its caps, skipping refused repositories, and caches the answer', async () => {
    const url = `/v1/connections/${cloud}/bitbucket/workspaces/acme/summary?since=2026-11-01T00:00:00Z&repositories_limit=3`;
    const res = await get(url);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      workspace: 'acme',
      since: '2026-11-01T00:00:00.000Z',
      repositories: { scanned: 3, total: 5, skipped: 1 },
      pull_requests: { open: 4 },
      pipelines: { total: 7, by_state: { FAILED: 1, SUCCESSFUL: 3, IN_PROGRESS: 1, STOPPED: 2 } },
      truncated: true,
    });
    expect(res.body.notes).toHaveLength(3);
    expect(cloudUp.seen).toContain('/2.0/repositories/acme?sort=-updated_on&pagelen=3');
    expect(cloudUp.seen).toContain('/2.0/repositories/acme/web/pullrequests?state=OPEN&pagelen=50');
    expect(cloudUp.seen).toContain('/2.0/repositories/acme/web/pipelines?sort=-created_on&pagelen=100');
    // web stopped at the page that reached back past `since`; api was cut after two pages.
    expect(cloudUp.seen.filter((u) => u.startsWith('/2.0/repositories/acme/web/pipelines'))).toHaveLength(2);
    expect(cloudUp.seen.filter((u) => u.startsWith('/2.0/repositories/acme/api/pipelines'))).toHaveLength(2);

    const calls = cloudUp.seen.length;
    expect((await get(url)).body).toEqual(res.body);
    expect(cloudUp.seen.length).toBe(calls);
  });

  it('counts a Data Center project without pipelines, through the SDK', async () => {
    const { sdk } = gw;
    const s = await sdk.bitbucket.workspaceSummary(dc, 'PRJ', { repositories_limit: 10 });
    expect(s).toMatchObject({
      repositories: { scanned: 1, total: 1, skipped: 0 },
      pull_requests: { open: 2 },
      pipelines: null,
      truncated: false,
      notes: ['Bitbucket Data Center has no pipelines.'],
    });
    expect(Date.parse(s.since)).toBeLessThanOrEqual(Date.now() - 7 * 24 * 3600 * 1000);
    expect(dcUp.seen).toEqual([
      '/bbdc/rest/api/latest/projects/PRJ/repos?start=0&limit=10',
      '/bbdc/rest/api/latest/projects/PRJ/repos/web/pull-requests?state=OPEN&start=0&limit=100',
    ]);
    expect((await get(`/v1/connections/${dc}/bitbucket/workspaces/PRJ/summary?since=yesterday`)).status).toBe(400);
  });

  it('runs at most n tasks at once', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      active--;
      return n * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });
});
