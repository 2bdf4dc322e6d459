import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { SwitchyardClient } from '@switchyard/sdk';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/harness.js';
import { prismMocks, requestViolations } from '../test-support/prism-client.js';
import { seedTokenConnection } from '../test-support/seed-connection.js';

interface Seen {
  method: string;
  path: string;
  status: number;
  violations: string[];
}

/** A recording pass-through in front of one Prism mock: each request with the mock's status and violations. */
async function recordingFront(mock: string): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const { host: _host, connection: _c, ...headers } = req.headers;
    request(`${mock}${req.url ?? '/'}`, {
      method: (req.method ?? 'GET') as 'GET',
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
    })
      .then(async (answer) => {
        const v = answer.headers['sl-violations'];
        seen.push({
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          status: answer.statusCode,
          violations: requestViolations(Array.isArray(v) ? v.join(',') : v),
        });
        const { connection: _conn, 'keep-alive': _ka, 'transfer-encoding': _te, ...back } = answer.headers;
        res.writeHead(answer.statusCode, back);
        await pipeline(answer.body, res);
      })
      .catch((err: Error) => res.destroy(err));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * The normalized Bitbucket API's pull request calls against Bitbucket Cloud's OpenAPI spec (Prism, as in
 * jira-contract.test.ts): none of the requests the gateway sends may carry a request violation.
 */
describe('the Bitbucket API against Bitbucket Cloud’s OpenAPI spec (Prism)', () => {
  let t: TestApp;
  let front: Awaited<ReturnType<typeof recordingFront>>;
  let sdk: SwitchyardClient;
  let connectionId: string;
  const repo = { workspace: 'acme', repo: 'widgets' };
  beforeAll(async () => {
    const mocks = await prismMocks(['bitbucket-cloud']);
    front = await recordingFront(mocks['bitbucket-cloud']);
    t = await startTestApp('sqlite', {
      SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
      SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
      BITBUCKET_API_URL: front.url,
    });
    sdk = new SwitchyardClient({
      baseUrl: await t.app.listen({ host: '127.0.0.1', port: 0 }),
      apiKey: t.admin.adminKey.key,
    });
    connectionId = await seedTokenConnection(t.runtime, {
      tenantId: t.admin.tenant.id,
      provider: 'bitbucket-cloud',
      authType: 'bearer',
      username: null,
      secret: 'bb-access-token',
      siteUrl: null,
      products: ['bitbucket'],
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await front?.close();
  });

  const sent = (method: string, path: string) =>
    front.seen.filter((r) => r.method === method && r.path.split('?')[0] === `/2.0${path}`);

  it('lists pull requests by state', async () => {
    const page = await sdk.bitbucket.pullRequests(connectionId, repo, { state: 'MERGED', limit: 10 });
    expect(Array.isArray(page.items)).toBe(true);
    const [list] = sent('GET', '/repositories/acme/widgets/pullrequests');
    expect(list).toMatchObject({ status: 200, violations: [] });
  });

  it('creates a pull request from a source to a destination branch', async () => {
    await sdk.bitbucket
      .createPullRequest(connectionId, repo, {
        title: 'Fix the build',
        source_branch: 'fix/build',
        destination_branch: 'main',
        description: 'It was *broken*.',
      })
      .catch(() => undefined);
    const [create] = sent('POST', '/repositories/acme/widgets/pullrequests');
    expect(create?.violations).toEqual([]);
    expect(create?.status).toBeLessThan(300);
  });

  it('approves and merges with a strategy', async () => {
    await sdk.bitbucket.approve(connectionId, repo, 1).catch(() => undefined);
    await sdk.bitbucket.merge(connectionId, repo, 1, { strategy: 'squash' }).catch(() => undefined);
    expect(sent('POST', '/repositories/acme/widgets/pullrequests/1/approve')[0]?.violations).toEqual([]);
    expect(sent('POST', '/repositories/acme/widgets/pullrequests/1/merge')[0]?.violations).toEqual([]);
    expect(front.seen.every((r) => r.violations.length === 0)).toBe(true);
  });
});
