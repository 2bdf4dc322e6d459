import { createServer } from 'node:net';
import { bearer, type Kind, startTestApp, type TestApp } from './harness.js';
import { CookieJar, followRedirects } from './oauth-browser.js';
import { type OAuthServerOptions, startOAuthServer, type TestOAuthServer } from './oauth-server.js';
import { registerTestClient, type TestClient } from './oauth-tokens.js';

/**
 * A gateway listening on a real port, wired to a real test OAuth server (oidc-provider) for its provider's
 * endpoints, with an OAuth client registered at that server for the gateway's callback. Tests drive it with
 * HTTP and a browser-like client, as a user would.
 */
export interface ConnectGateway {
  t: TestApp;
  as: TestOAuthServer;
  /** The gateway's origin (also SWITCHYARD_PUBLIC_URL). */
  base: string;
  client: TestClient;
  /** Where flows send the browser back; nobody listens there, so the browser stops before it. */
  returnUrl: string;
  api(
    method: string,
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<{ status: number; body: unknown; text: string; headers: Headers }>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startConnectGateway(
  opts: { kind?: Kind; server?: OAuthServerOptions; env?: Record<string, string> } = {},
): Promise<ConnectGateway> {
  const as = await startOAuthServer(opts.server ?? {});
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await startTestApp(opts.kind ?? 'sqlite', {
    SWITCHYARD_PUBLIC_URL: base,
    ATLASSIAN_AUTH_URL: as.url,
    ATLASSIAN_API_URL: as.url,
    BITBUCKET_AUTH_URL: as.url,
    BITBUCKET_API_URL: as.url,
    ...opts.env,
  });
  await t.app.listen({ host: '127.0.0.1', port });
  const client = await registerTestClient(as, `${base}/oauth/callback`);
  const api: ConnectGateway['api'] = async (method, path, body, key) => {
    const headers: Record<string, string> = bearer(key ?? t.admin.adminKey.key);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers, redirect: 'manual' };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(`${base}${path}`, init);
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  return {
    t,
    as,
    base,
    client,
    returnUrl: 'http://127.0.0.1:9/done',
    api,
    close: async () => {
      await t.close();
      await as.close();
    },
  };
}

/** Open `url` in a fresh (or given) browser and follow it until it lands on the app's return URL or a page. */
export async function browse(gw: ConnectGateway, url: string, jar = new CookieJar()) {
  const end = await followRedirects(url, { jar, stopAt: gw.returnUrl });
  return { ...end, jar, params: end.url.href.startsWith(gw.returnUrl) ? end.url.searchParams : undefined };
}

/** Post the site picker's form as the browser would (its cookies ride along). */
export async function submitPicker(gw: ConnectGateway, jar: CookieJar, state: string, siteIds: string[]) {
  const url = new URL(`${gw.base}/oauth/select`);
  const form = new URLSearchParams([['state', state], ...siteIds.map((id) => ['site', id] as [string, string])]);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const cookie = jar.header(url);
  if (cookie !== undefined) headers.cookie = cookie;
  const res = await fetch(url, { method: 'POST', body: form, headers, redirect: 'manual' });
  jar.store(url, res.headers.getSetCookie());
  const location = res.headers.get('location');
  return { status: res.status, body: await res.text(), location: location === null ? undefined : new URL(location) };
}

/** Rows the flow may have written: grants, connections and their secrets. */
export async function storedCounts(t: TestApp) {
  const db = t.runtime.db.kysely;
  const count = async (table: 'grants' | 'connections') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const secrets = await db.selectFrom('secrets').select(['owner_table', 'field']).execute();
  return {
    grants: await count('grants'),
    connections: await count('connections'),
    grantSecrets: secrets.filter((s) => s.owner_table === 'grants').length,
    flowSecrets: secrets.filter((s) => s.owner_table === 'oauth_flows').length,
  };
}
