import { SwitchyardClient } from '@switchyard/sdk';
import type { LightMyRequestResponse } from 'fastify';
import { bearer, type Kind, startTestApp, type TestApp } from './harness.js';
import { type ProxyUpstream, type ReceivedRequest, startProxyUpstream } from './proxy-upstream.js';
import { type SeedTokenConnection, seedTokenConnection } from './seed-connection.js';

/** What the gateway may call in these tests: upstreams on 127.0.0.1, over plain HTTP. */
export const LOCAL_UPSTREAMS = { SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1', SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1' };

export type SeedSpec = Omit<SeedTokenConnection, 'tenantId'>;

/** A token connection of the test app's admin tenant, written through the store (seed-connection.ts). */
export const seedInto = (t: TestApp, spec: SeedSpec): Promise<string> =>
  seedTokenConnection(t.runtime, { tenantId: t.admin.tenant.id, ...spec });

/** Bitbucket Cloud with an API token (Basic: email + token). */
export const bitbucketCloudToken: SeedSpec = {
  provider: 'bitbucket-cloud',
  authType: 'api_token',
  username: 'jane@example.com',
  secret: 'bb-cloud-token-1',
  siteUrl: null,
  products: ['bitbucket'],
};

/** Bitbucket Cloud with an access token (Bearer). */
export const bitbucketCloudBearer: SeedSpec = {
  provider: 'bitbucket-cloud',
  authType: 'bearer',
  username: null,
  secret: 'bb-access-token',
  siteUrl: null,
  products: ['bitbucket'],
};

/** Bitbucket Data Center at `siteUrl` with an HTTP access token (Bearer). */
export const bitbucketDcBearer = (siteUrl: string, secret = 'bb-dc-token-1'): SeedSpec => ({
  provider: 'bitbucket-dc',
  authType: 'bearer',
  username: null,
  secret,
  siteUrl,
  products: ['bitbucket'],
});

/** An Atlassian Cloud classic API token (Basic: email + token) on the site at `siteUrl`. */
export const atlassianClassicToken = (siteUrl: string, products: string[]): SeedSpec => ({
  provider: 'atlassian-cloud',
  authType: 'api_token',
  username: 'jane@example.com',
  secret: 'classic-token-1',
  siteUrl,
  products,
});

/** An Atlassian Cloud scoped API token: routed through api.atlassian.com's `/ex/{product}/{cloudId}`. */
export const atlassianScopedToken = (cloudId: string, products: string[]): SeedSpec => ({
  provider: 'atlassian-cloud',
  authType: 'api_token',
  username: 'jane@example.com',
  secret: 'scoped-token-1',
  siteUrl: 'https://acme.atlassian.net',
  cloudId,
  products,
});

// biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field, as JSON (as webhook-sync-fixture.ts)
export type Json = any;

/** The gateway's answer to `call`: `body` is the parsed JSON (null for an empty or non-JSON answer). */
export interface ApiAnswer {
  status: number;
  headers: LightMyRequestResponse['headers'];
  /** The content type ('' when none). */
  type: string;
  text: string;
  raw: Buffer;
  body: Json;
}

/** A request the local upstream received, its URL parsed, its body as JSON (null when empty; parsed on access). */
export type Received = ReceivedRequest & { parsed: URL; json: Json };

export type GatewayCall = (
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiAnswer>;

/** `method url` on the test app with the admin key (and `headers`); `payload` is sent as JSON. */
export function gatewayCall(t: TestApp): GatewayCall {
  return async (method, url, payload, headers = {}) => {
    const res = await t.app.inject({
      method,
      url,
      headers: { ...bearer(t.admin.adminKey.key), ...headers },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    const type = String(res.headers['content-type'] ?? '');
    return {
      status: res.statusCode,
      headers: res.headers,
      type,
      text: res.body,
      raw: res.rawPayload,
      body: type.includes('json') && res.body !== '' ? res.json() : null,
    };
  };
}

export interface ApiHelpers {
  call: GatewayCall;
  /** Queue the upstream's next answer: `body` as JSON. */
  answer(body: unknown, status?: number, headers?: Record<string, string>): void;
  /** The `n`-th last request `from` (default: the fixture's upstream) received; throws when there is none. */
  last(n?: number, from?: ProxyUpstream): Received;
}

/** call/answer/last for a test app in front of a local upstream (proxy-upstream.ts). */
export function apiHelpers(t: TestApp, up: ProxyUpstream): ApiHelpers {
  return {
    call: gatewayCall(t),
    answer: (body, status = 200, headers = {}) =>
      up.answerNext({
        status,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
    last: (n = 1, from = up) => {
      const r = from.received.at(-n);
      if (r === undefined) throw new Error('the upstream saw nothing');
      // Parsed on access, so a test of a non-JSON body can still read the rest.
      return {
        ...r,
        parsed: new URL(r.url, 'http://x'),
        get json(): Json {
          return r.body === '' ? null : JSON.parse(r.body);
        },
      };
    },
  };
}

export interface Gateway {
  t: TestApp;
  /** The gateway's base URL (listening on 127.0.0.1). */
  base: string;
  /** The SDK with the admin key. */
  sdk: SwitchyardClient;
  /** A token connection of the admin tenant. */
  seed(spec: SeedSpec): Promise<string>;
}

/** A test app that may call local upstreams, listening, with an SDK client; `env` adds to LOCAL_UPSTREAMS. */
export async function startGateway(env: Record<string, string> = {}, kind: Kind = 'sqlite'): Promise<Gateway> {
  const t = await startTestApp(kind, { ...LOCAL_UPSTREAMS, ...env });
  const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    t,
    base,
    sdk: new SwitchyardClient({ baseUrl: base, apiKey: t.admin.adminKey.key }),
    seed: (spec) => seedInto(t, spec),
  };
}

export interface ApiFixture extends Gateway, ApiHelpers {
  up: ProxyUpstream;
  close(): Promise<void>;
}

/**
 * A gateway in front of one local upstream (proxy-upstream.ts) that answers what `answer` queues and records
 * what it receives; `envOf` names the API roots that point at it (e.g. `{ BITBUCKET_API_URL: url }`).
 */
export async function startApiFixture(envOf: (upstream: string) => Record<string, string>): Promise<ApiFixture> {
  const up = await startProxyUpstream();
  const gw = await startGateway(envOf(up.url));
  return {
    ...gw,
    ...apiHelpers(gw.t, up),
    up,
    close: async () => {
      await gw.t.close();
      await up.close();
    },
  };
}

/** The usual pair of Bitbucket connections: Cloud (API token) and Data Center at `<upstream>/bbdc`. */
export async function seedBitbucketPair(
  f: { t: TestApp; up: { url: string } },
  cloud: SeedSpec = bitbucketCloudToken,
): Promise<{ cloud: string; dc: string }> {
  return { cloud: await seedInto(f.t, cloud), dc: await seedInto(f.t, bitbucketDcBearer(`${f.up.url}/bbdc`)) };
}
