import { grantSecretFields } from '../auth/credential.js';
import { tokenGrantRow } from '../services/grant-row.js';
import { SecretService } from '../services/secrets.js';
import { newId } from '../store/ids.js';
import { bearer, type Kind, startTestApp, type TestApp } from './harness.js';
import { type ProxyUpstream, startProxyUpstream } from './proxy-upstream.js';

/** The gateway's public URL in these tests: what the vendors are told to deliver to. */
export const PUBLIC_URL = 'https://switchyard.example.com';
export const CLOUD_ID = '5f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const ACCESS_TOKEN = 'jira-3lo-access-token';
export const CLIENT_SECRET = 'atlassian-client-secret-for-jwt';

export interface SyncFixture {
  t: TestApp;
  up: ProxyUpstream;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field, as JSON
  call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number; body: any }>;
  /** Queue the upstream's next answer (JSON). */
  answer(body: unknown, status?: number): void;
  /** What the upstream received since `mark`, with parsed JSON bodies. */
  since(mark: number): Array<{ method: string; url: string; body: unknown; authorization: string | undefined }>;
  close(): Promise<void>;
}

/** A gateway whose Bitbucket Cloud and Atlassian API roots are a local upstream (proxy-upstream.ts). */
export async function startSyncFixture(kind: Kind = 'sqlite'): Promise<SyncFixture> {
  const up = await startProxyUpstream();
  const t = await startTestApp(kind, {
    SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
    SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
    SWITCHYARD_PUBLIC_URL: PUBLIC_URL,
    BITBUCKET_API_URL: up.url,
    ATLASSIAN_API_URL: up.url,
    ATLASSIAN_CLIENT_ID: 'atlassian-client-id',
    ATLASSIAN_CLIENT_SECRET: CLIENT_SECRET,
  });
  return {
    t,
    up,
    async call(method, url, payload) {
      const res = await t.app.inject({
        method,
        url,
        headers: bearer(t.admin.adminKey.key),
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
      return { status: res.statusCode, body: res.body === '' ? null : res.json() };
    },
    answer(body, status = 200) {
      up.answerNext({
        status,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? '' : JSON.stringify(body),
      });
    },
    since(mark) {
      return up.received.slice(mark).map((r) => ({
        method: r.method,
        url: r.url,
        body: r.body === '' ? undefined : JSON.parse(r.body),
        authorization: r.headers.authorization,
      }));
    },
    close: async () => {
      await t?.close();
      await up?.close();
    },
  };
}

/**
 * An Atlassian Cloud OAuth 2.0 (3LO) connection as a finished connect flow stores it (grant of the global app
 * 'env', a valid access token, a cloud id), without an OAuth server: nothing here needs a refresh.
 */
export async function seedAtlassian3lo(t: TestApp, products: string[]): Promise<string> {
  const tenantId = t.admin.tenant.id;
  const at = new Date().toISOString();
  const grantId = newId('grt');
  const connectionId = newId('con');
  await t.runtime.store.transaction(async (tx) => {
    const token = tokenGrantRow({
      id: grantId,
      tenantId,
      provider: 'atlassian-cloud',
      authType: 'oauth2',
      username: null,
      at,
    });
    await tx.connections.insertGrant({
      ...token,
      oauth_app_id: 'env',
      scopes: JSON.stringify(['read:jira-work', 'manage:jira-webhook', 'offline_access']),
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      refreshed_at: at,
      consented_at: at,
    });
    await new SecretService(tx, t.runtime.secrets.keyring).put(
      tenantId,
      'grants',
      grantId,
      grantSecretFields.accessToken,
      ACCESS_TOKEN,
    );
    await tx.connections.insertConnection({
      id: connectionId,
      tenant_id: tenantId,
      provider: 'atlassian-cloud',
      grant_id: grantId,
      name: 'seeded 3LO',
      site_url: 'https://acme.atlassian.net',
      cloud_id: CLOUD_ID,
      account_id: 'acc-1',
      account_name: 'Alice',
      products: JSON.stringify(products),
      scopes: JSON.stringify(['read:jira-work', 'manage:jira-webhook']),
      status: 'active',
      auth_hint: null,
      ca_pem: null,
      metadata: '{}',
      last_used_at: null,
      last_error: null,
      created_at: at,
      updated_at: at,
    });
  });
  return connectionId;
}

/** The public id of an ingest URL (`…/hooks/<public id>`). */
export const publicIdOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

/** The secret a registration body carried: Bitbucket Cloud `secret`, Data Center `configuration.secret`. */
export function sentSecret(body: unknown): string {
  const b = (body ?? {}) as { secret?: unknown; configuration?: { secret?: unknown } };
  const secret = b.secret ?? b.configuration?.secret;
  if (typeof secret !== 'string') throw new Error(`no secret in ${JSON.stringify(body)}`);
  return secret;
}
