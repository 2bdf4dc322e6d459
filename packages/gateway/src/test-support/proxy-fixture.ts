import { request } from 'node:http';
import { bearer, startTestApp, type TestApp } from './harness.js';
import { type ProxyUpstream, startProxyUpstream } from './proxy-upstream.js';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** What the upstream's echo answers. */
export interface Echo {
  echo: { method: string; url: string; headers: Record<string, string>; bodySha256: string; bodyBytes: number };
}

export interface ProxyFixture {
  up: ProxyUpstream;
  t: TestApp;
  /** The gateway's base URL. */
  base: string;
  /** The connection: Jira Data Center with a PAT, at `<upstream>/jira`. */
  id: string;
  pat: string;
  /** `/v1/connections/{id}/proxy<path>` */
  proxied(path: string): string;
  /** A raw HTTP/1.1 request with the admin key: path and headers go on the wire exactly as written. */
  raw(method: string, path: string, headers?: Record<string, string>, body?: string): Promise<RawAnswer>;
  close(): Promise<void>;
}

/** A gateway listening on 127.0.0.1 with one token connection to a local upstream (proxy-upstream.ts). */
export async function startProxyFixture(extraEnv: Record<string, string> = {}): Promise<ProxyFixture> {
  const pat = 'pat-jira-proxy-0123456789';
  const up = await startProxyUpstream();
  const t = await startTestApp('sqlite', {
    SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
    SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
    ...extraEnv,
  });
  const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const key = t.admin.adminKey.key;
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/connections',
    headers: bearer(key),
    payload: { provider: 'jira-dc', base_url: `${up.url}/jira`, auth: { type: 'personal_access_token', token: pat } },
  });
  if (created.statusCode !== 201) throw new Error(`creating the connection failed: ${created.body}`);
  const id = (created.json() as { id: string }).id;
  const raw = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    new Promise<RawAnswer>((resolve, reject) => {
      const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
      const req = request(`${base}${path}`, { method, path, headers: { ...bearer(key), ...length, ...headers } });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    up,
    t,
    base,
    id,
    pat,
    proxied: (path) => `/v1/connections/${id}/proxy${path}`,
    raw,
    close: async () => {
      await t.close();
      await up.close();
    },
  };
}
