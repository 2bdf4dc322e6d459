import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The benchmark's vendor, in its own process: Jira DC's /myself (for the connection's live check), a small
 * JSON issue for the load test, and /download/{bytes} streaming that many bytes. Prints its URL on stdout.
 */
const issue = Buffer.from(
  JSON.stringify({
    id: '10002',
    key: 'PROJ-1',
    fields: {
      summary: 'Proxy benchmark issue',
      status: { name: 'In Progress', statusCategory: { key: 'indeterminate' } },
      assignee: { name: 'alice', displayName: 'Alice' },
      description: 'x'.repeat(600),
    },
  }),
);
const myself = Buffer.from(JSON.stringify({ key: 'alice', name: 'alice', displayName: 'Alice' }));
const chunk = Buffer.alloc(64 * 1024, 0x61);

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  req.resume();
  const download = /\/download\/(\d+)$/.exec(url);
  if (download !== null) {
    const size = Number(download[1]);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    let left = size;
    const pump = () => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
    return;
  }
  if (req.method === 'POST' || req.method === 'PUT') {
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes }));
    });
    return;
  }
  const body = url.endsWith('/myself') ? myself : issue;
  res.writeHead(200, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': String(body.length),
    'x-ratelimit-limit': '1000',
    'x-ratelimit-remaining': '999',
  });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
