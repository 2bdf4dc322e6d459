import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrismMocks } from './prism.js';
import { MOCK_NAMES, type MockName } from './prism-specs.js';

/**
 * Runs in vitest's global setup, once per test run: a small HTTP service on 127.0.0.1 that test files ask
 * for Prism mocks (`GET /mocks?names=jira,bitbucket-cloud` → `{"jira":"http://127.0.0.1:…",…}`). Each mock
 * starts the first time a test file asks for it and is shared by every later file, so a run starts only
 * the mocks its selected files need, and none when it selects no contract test. Teardown stops them all.
 */
export interface PrismControl {
  url: string;
  close(): Promise<void>;
}

function parseNames(raw: string | null): MockName[] {
  const names = (raw ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !(MOCK_NAMES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`unknown mock names: ${unknown.join(', ') || '(none)'}; known: ${MOCK_NAMES.join(', ')}`);
  }
  return names as MockName[];
}

export async function startPrismControl(): Promise<PrismControl> {
  const mocks = new PrismMocks();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    if (url.pathname !== '/mocks') {
      res.writeHead(404).end();
      return;
    }
    Promise.resolve()
      .then(() => mocks.urls(parseNames(url.searchParams.get('names'))))
      .then(
        (urls) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(urls)),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message),
      );
  });
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await mocks.stop();
    },
  };
}
