import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import { expect } from 'vitest';
import {
  atlassianScopedToken,
  bitbucketCloudBearer,
  bitbucketDcBearer,
  type Gateway,
  startGateway,
} from './api-fixture.js';
import { type AtlassianFront, startAtlassianFront } from './atlassian-front.js';
import { answerViolations, prismMocks } from './prism-client.js';

/** One request a front passed to its Prism mock, with the mock's status and request violations. */
export interface Seen {
  method: string;
  path: string;
  status: number;
  /** The request violations Prism reported (empty when the spec accepted the request). */
  violations: string[];
}

export interface RecordingFront {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

/**
 * A recording pass-through in front of one Prism mock (atlassian-front.ts does the same for the Atlassian
 * mocks behind one site): requests and answers pass untouched, each request is recorded with the mock's
 * status and `sl-violations`, so a contract test can check every request the gateway sent, including the
 * ones it makes on its own. `extraHeaders` adds answer headers Prism cannot send (Data Center names the
 * user in `X-AUSERNAME` on every answer, which the gateway reads to find "me").
 */
export async function startRecordingFront(
  mock: string,
  extraHeaders: Record<string, string> = {},
): Promise<RecordingFront> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const { host: _host, connection: _c, ...headers } = req.headers;
    request(`${mock}${req.url ?? '/'}`, {
      method: (req.method ?? 'GET') as 'GET',
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
    })
      .then(async (answer) => {
        const { violations, body } = await answerViolations(answer);
        seen.push({ method: req.method ?? 'GET', path: req.url ?? '/', status: answer.statusCode, violations });
        const { connection: _conn, 'keep-alive': _ka, 'transfer-encoding': _te, ...back } = answer.headers;
        res.writeHead(answer.statusCode, { ...back, ...extraHeaders });
        if (typeof body === 'string') res.end(body);
        else await pipeline(body, res);
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

type Recorded = Pick<Seen, 'method' | 'path' | 'status' | 'violations'>;

/** The recorded requests for `method path` (`path` without the query string). */
export function sentTo<R extends Recorded>(records: readonly R[], method: string, path: string): R[] {
  return records.filter((r) => r.method === method && r.path.split('?')[0] === path);
}

/** Prism's answers to a request it refuses or cannot route (404: no such operation in the spec). */
export const PRISM_REFUSED = [400, 404, 405, 415, 422];

/** `method path` was sent, and no such request carries a request violation; answers the requests. */
export function expectSentClean<R extends Recorded>(records: readonly R[], method: string, path: string): R[] {
  const hits = sentTo(records, method, path);
  expect(hits.length, `${method} ${path} was not sent`).toBeGreaterThan(0);
  for (const hit of hits) expect(hit.violations, `${method} ${hit.path}`).toEqual([]);
  return hits;
}

/**
 * expectSentClean, and no such request was refused either: no refusal status, or exactly `refusedAs` for a
 * request a gap of the spec makes Prism refuse.
 */
export function expectConforming(records: readonly Recorded[], method: string, path: string, refusedAs?: number) {
  for (const hit of expectSentClean(records, method, path)) {
    if (refusedAs === undefined) expect(PRISM_REFUSED, `${method} ${hit.path}`).not.toContain(hit.status);
    else expect(hit.status, `${method} ${hit.path}`).toBe(refusedAs);
  }
}

/** No recorded request carries a request violation (the failure lists the ones that do). */
export function expectNoRequestViolations(records: readonly Recorded[]): void {
  expect(records.filter((r) => r.violations.length > 0)).toEqual([]);
}

export interface BitbucketContract extends Gateway {
  /** In front of the Bitbucket Cloud mock: the gateway's Bitbucket Cloud API root. */
  cloudFront: RecordingFront;
  /** In front of the Bitbucket Data Center mock: the Data Center connection's base URL. */
  dcFront: RecordingFront;
  /** A Bitbucket Cloud connection (Bearer) and a Data Center one (Bearer). */
  cloud: string;
  dc: string;
  close(): Promise<void>;
}

/**
 * A gateway in front of Bitbucket Cloud's and Data Center's Prism mocks, each behind a recording front,
 * with one connection to each. `dcHeaders` are added to every Data Center answer (startRecordingFront).
 */
export async function startBitbucketContract(dcHeaders: Record<string, string> = {}): Promise<BitbucketContract> {
  const mocks = await prismMocks(['bitbucket-cloud', 'bitbucket-dc']);
  const cloudFront = await startRecordingFront(mocks['bitbucket-cloud']);
  const dcFront = await startRecordingFront(mocks['bitbucket-dc'], dcHeaders);
  const gw = await startGateway({ BITBUCKET_API_URL: cloudFront.url });
  return {
    ...gw,
    cloudFront,
    dcFront,
    cloud: await gw.seed(bitbucketCloudBearer),
    dc: await gw.seed(bitbucketDcBearer(dcFront.url, 'bb-dc-token')),
    close: async () => {
      await gw.t.close();
      await cloudFront.close();
      await dcFront.close();
    },
  };
}

export interface AtlassianContract extends Gateway {
  /** The Atlassian front (atlassian-front.ts): the gateway's api.atlassian.com. */
  front: AtlassianFront;
  /** A scoped API token connection, routed through `/ex/{product}/{cloudId}`. */
  connectionId: string;
  close(): Promise<void>;
}

/** A gateway whose api.atlassian.com is the Atlassian front on the Jira and Confluence Prism mocks. */
export async function startAtlassianContract(cloudId: string, products: string[]): Promise<AtlassianContract> {
  const front = await startAtlassianFront(await prismMocks(['jira', 'confluence-v2', 'confluence-v1']), cloudId);
  const gw = await startGateway({ ATLASSIAN_API_URL: front.url });
  return {
    ...gw,
    front,
    connectionId: await gw.seed(atlassianScopedToken(cloudId, products)),
    close: async () => {
      await gw.t.close();
      await front.close();
    },
  };
}
