import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the upstream received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** SHA-256 (hex) and length of the body as received. */
  bodySha256: string;
  bodyBytes: number;
  body: string;
}

export interface ProxyUpstream {
  url: string;
  received: ReceivedRequest[];
  /** Requests whose body broke off before its end (the sender went away): counted, never in `received`. */
  readonly broken: number;
  /** Answer the next requests with this (status, headers, body) instead of the echo. */
  answerNext(answer: { status: number; headers?: Record<string, string | string[]>; body?: string }): void;
  close(): Promise<void>;
}

/** A deterministic stream of `bytes` bytes (64 KiB chunks), written with back-pressure. */
export async function writePattern(res: NodeJS.WritableStream, bytes: number): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + 7) & 0xff;
  for (let left = bytes; left > 0; left -= chunk.length) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve));
  }
}

/** The SHA-256 of writePattern's `bytes` bytes. */
export function patternSha256(bytes: number): string {
  const chunk = Buffer.alloc(64 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + 7) & 0xff;
  const hash = createHash('sha256');
  for (let left = bytes; left > 0; left -= chunk.length)
    hash.update(left >= chunk.length ? chunk : chunk.subarray(0, left));
  return hash.digest('hex');
}

const MYSELF = { key: 'alice', name: 'alice', displayName: 'Alice', emailAddress: 'alice@example.com' };

/**
 * A local vendor for the proxy tests, on 127.0.0.1. It answers Jira DC's `/rest/api/2/myself` (so a
 * connection can be created against it), streams `/download/{bytes}` as writePattern, and echoes every
 * other request as JSON (method, url, headers, body hash) after recording it, unless `answerNext` set a
 * canned answer.
 */
export async function startProxyUpstream(): Promise<ProxyUpstream> {
  const received: ReceivedRequest[] = [];
  let broken = 0;
  const canned: Array<{ status: number; headers?: Record<string, string | string[]>; body?: string }> = [];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const hash = createHash('sha256');
    let bytes = 0;
    const kept: Buffer[] = [];
    for await (const chunk of req) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      if (bytes <= 1024 * 1024) kept.push(chunk as Buffer);
    }
    const url = req.url ?? '/';
    const seen: ReceivedRequest = {
      method: req.method ?? 'GET',
      url,
      headers: req.headers,
      bodySha256: hash.digest('hex'),
      bodyBytes: bytes,
      body: bytes <= 1024 * 1024 ? Buffer.concat(kept).toString('utf8') : '',
    };
    received.push(seen);
    const download = /\/download\/(\d+)$/.exec(url);
    if (download !== null) {
      const size = Number(download[1]);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
      await writePattern(res, size);
      res.end();
      return;
    }
    const next = canned.shift();
    if (next !== undefined) {
      res.writeHead(next.status, next.headers ?? {});
      res.end(next.body ?? '');
      return;
    }
    const body = url.endsWith('/rest/api/2/myself') ? MYSELF : { echo: { ...seen, body: undefined } };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!req.complete) broken++;
      res.destroy(err);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get broken() {
      return broken;
    },
    answerNext: (answer) => {
      canned.push(answer);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
