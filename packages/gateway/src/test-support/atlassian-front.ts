import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import { answerViolations } from './prism-client.js';

/**
 * One origin in front of the Atlassian Prism mocks, as the gateway sees Atlassian Cloud: a site
 * (`/rest/…` → Jira, `/wiki/api/v2/…` → Confluence v2, `/wiki/rest/api/…` → Confluence v1) and, for OAuth
 * and scoped tokens, api.atlassian.com's routes `/ex/jira/{cloudId}/…` and `/ex/confluence/{cloudId}/…`
 * (any other cloud id is a 404). Requests and answers pass through untouched; every request is recorded
 * with the mock's status and `sl-violations`, so a test can check that the gateway sent only requests the
 * specs accept, including the ones it makes on its own (the account lookup).
 */
export interface FrontRecord {
  method: string;
  path: string;
  mock: string;
  status: number;
  /** The request violations Prism reported (empty when the spec accepted the request). */
  violations: string[];
}

export interface AtlassianFront {
  url: string;
  cloudId: string;
  records: FrontRecord[];
  close(): Promise<void>;
}

export interface AtlassianMocks {
  jira: string;
  'confluence-v2': string;
  'confluence-v1': string;
}

const EX = /^\/ex\/(jira|confluence)\/([^/]+)(\/.*)$/;

function mockOf(path: string): keyof AtlassianMocks | undefined {
  if (path.startsWith('/rest/')) return 'jira';
  if (path.startsWith('/wiki/api/v2/')) return 'confluence-v2';
  if (path.startsWith('/wiki/rest/api/')) return 'confluence-v1';
  return undefined;
}

export async function startAtlassianFront(mocks: AtlassianMocks, cloudId: string): Promise<AtlassianFront> {
  const records: FrontRecord[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    let path = url;
    const ex = EX.exec(url);
    if (ex !== null) {
      const [, product, id, rest = '/'] = ex;
      const fits = product === 'jira' ? rest.startsWith('/rest/') : rest.startsWith('/wiki/');
      path = id === cloudId && fits ? rest : '/__unknown_site';
    }
    const mock = mockOf(path);
    if (mock === undefined) {
      records.push({ method: req.method ?? 'GET', path: url, mock: 'none', status: 404, violations: [] });
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"errorMessages":["Site not found"]}');
      return;
    }
    const { host: _host, connection: _c, ...headers } = req.headers;
    request(`${mocks[mock]}${path}`, {
      method: (req.method ?? 'GET') as 'GET',
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
    })
      .then(async (answer) => {
        const { violations, body } = await answerViolations(answer);
        records.push({ method: req.method ?? 'GET', path: url, mock, status: answer.statusCode, violations });
        const { connection: _conn, 'keep-alive': _ka, 'transfer-encoding': _te, ...back } = answer.headers;
        res.writeHead(answer.statusCode, back);
        if (typeof body === 'string') res.end(body);
        else await pipeline(body, res);
      })
      .catch((err: Error) => res.destroy(err));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cloudId,
    records,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
