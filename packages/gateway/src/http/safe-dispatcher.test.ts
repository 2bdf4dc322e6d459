import { readFileSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Dispatcher, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { guardUrl, type HostPolicy } from './host-guard.js';
import { createSafeAgent, UpstreamDispatchers } from './safe-dispatcher.js';

const tlsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../test-support/tls');
const cert = readFileSync(path.join(tlsDir, 'upstream-cert.pem'), 'utf8');
const key = readFileSync(path.join(tlsDir, 'upstream-key.pem'), 'utf8');

const strict: HostPolicy = { allowHttpHosts: ['jira.test'], allowPrivateHosts: false, allowedHosts: [] };

let hits = 0;
const handler = (_req: unknown, res: { end(body: string): void }) => {
  hits++;
  res.end('ok');
};
let http: Server;
let https: Server;
const portOf = (s: Server) => (s.address() as AddressInfo).port;

beforeAll(async () => {
  http = createHttp(handler);
  https = createHttps({ cert, key }, handler);
  await Promise.all([
    new Promise<void>((r) => http.listen(0, '127.0.0.1', r)),
    new Promise<void>((r) => https.listen(0, '127.0.0.1', r)),
  ]);
});
afterAll(async () => {
  await Promise.all([new Promise((r) => http.close(r)), new Promise((r) => https.close(r))]);
});

async function get(url: string, opts: { dispatcher: Dispatcher }) {
  const res = await request(url, opts);
  return res.body.text();
}

describe('the guarded agent', () => {
  it('refuses a name that resolved to a public address when checked and to loopback when the socket opens', async () => {
    let calls = 0;
    const rebinding = async () => (calls++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']);
    const url = `http://jira.test:${portOf(http)}/rest/api/2/myself`;
    await expect(guardUrl(strict, url, 'base_url', rebinding)).resolves.toBe(url);
    const agent = createSafeAgent({ policy: strict, resolve: rebinding });
    const before = hits;
    await expect(request(url, { dispatcher: agent })).rejects.toThrow(
      'upstream jira.test resolves to 127.0.0.1, a loopback address; refused',
    );
    expect(hits).toBe(before);
    await agent.close();
  });

  it('refuses when any answer is forbidden, even if the first one is public', async () => {
    const agent = createSafeAgent({ policy: strict, resolve: async () => ['93.184.216.34', '169.254.169.254'] });
    await expect(request(`http://jira.test:${portOf(http)}/`, { dispatcher: agent })).rejects.toThrow(
      '169.254.169.254, a link-local/metadata address',
    );
    await agent.close();
  });

  it('refuses IP literals, which never pass through a lookup, including IPv4-mapped IPv6', async () => {
    const agent = createSafeAgent({ policy: strict, resolve: async () => [] });
    const before = hits;
    await expect(request(`http://127.0.0.1:${portOf(http)}/`, { dispatcher: agent })).rejects.toThrow(
      'upstream host 127.0.0.1 is a loopback address',
    );
    await expect(request(`http://[::ffff:127.0.0.1]:${portOf(http)}/`, { dispatcher: agent })).rejects.toThrow(
      'loopback',
    );
    expect(hits).toBe(before);
    await agent.close();
  });

  it('connects to the checked address when the host is allowlisted', async () => {
    const policy = { ...strict, allowedHosts: ['127.0.0.1'] };
    const agent = createSafeAgent({ policy, resolve: async () => ['127.0.0.1'] });
    expect(await get(`http://jira.test:${portOf(http)}/`, { dispatcher: agent })).toBe('ok');
    await agent.close();
  });
});

describe('UpstreamDispatchers', () => {
  const config = (extra: Record<string, string> = {}) =>
    loadConfig({ SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1', BITBUCKET_API_URL: 'http://127.0.0.1:9', ...extra });

  it('trusts only the configured cloud origins', async () => {
    const d = new UpstreamDispatchers(config());
    expect(d.isTrusted('http://127.0.0.1:9/2.0/user')).toBe(true);
    expect(d.isTrusted('https://api.atlassian.com/ex/jira/x')).toBe(true);
    expect(d.isTrusted('https://jira.example.com')).toBe(false);
    expect(d.isTrusted('http://127.0.0.1:10/')).toBe(false);
    await d.close();
  });

  it('trusts a connection’s own CA bundle besides the default roots, and only for that connection', async () => {
    const d = new UpstreamDispatchers(config());
    const url = `https://127.0.0.1:${portOf(https)}/`;
    await expect(request(url, { dispatcher: d.guarded() })).rejects.toThrow(/certificate/i);
    expect(await get(url, { dispatcher: d.guarded(cert) })).toBe('ok');
    expect(d.guarded(cert)).toBe(d.guarded(cert));
    await d.close();
  });

  it('trusts SWITCHYARD_CA_FILE for every upstream', async () => {
    const d = new UpstreamDispatchers(config({ SWITCHYARD_CA_FILE: path.join(tlsDir, 'upstream-cert.pem') }));
    expect(await get(`https://127.0.0.1:${portOf(https)}/`, { dispatcher: d.guarded() })).toBe('ok');
    await d.close();
  });
});
