import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../test-support/harness.js';

/** Starting a flow: what is checked before anything is stored, and the URLs it answers. No network here. */
describe('POST /v1/connect/{provider}', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', {
      SWITCHYARD_PUBLIC_URL: 'https://gw.example.com/',
      ATLASSIAN_CLIENT_ID: 'atl-client',
      ATLASSIAN_CLIENT_SECRET: 'atl-secret-0123456789',
      ATLASSIAN_SCOPES: 'read:jira-work read:me',
    });
  });
  afterAll(() => t.close());

  const start = (provider: string, body: unknown = {}, query = '') =>
    t.app.inject({
      method: 'POST',
      url: `/v1/connect/${provider}${query}`,
      headers: { ...bearer(t.admin.adminKey.key), 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  /** Open the start link like a browser and answer where it is sent. */
  async function providerUrl(authorizeUrl: string): Promise<{ url: URL; setCookie: string }> {
    const res = await t.app.inject({ method: 'GET', url: new URL(authorizeUrl).pathname });
    expect(res.statusCode).toBe(302);
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n');
    return { url: new URL(String(res.headers.location)), setCookie };
  }

  const flows = async () => (await t.runtime.db.kysely.selectFrom('oauth_flows').selectAll().execute()).length;

  it('answers a start link on the public URL; the link sends the browser to Atlassian with a Secure cookie', async () => {
    const res = await start('atlassian-cloud', { return_url: 'https://app.example/done' });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ authorize_url: string; expires_at: string }>();
    expect(body.authorize_url).toMatch(
      /^https:\/\/gw\.example\.com\/connect\/start\/[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/,
    );
    const ttl = Date.parse(body.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);

    const { url, setCookie } = await providerUrl(body.authorize_url);
    expect(url.origin + url.pathname).toBe('https://auth.atlassian.com/authorize');
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({
      audience: 'api.atlassian.com',
      prompt: 'consent',
      client_id: 'atl-client',
      redirect_uri: 'https://gw.example.com/oauth/callback',
      response_type: 'code',
      scope: 'read:jira-work read:me offline_access',
    });
    expect(q.state).toBe(body.authorize_url.split('/').at(-1));
    expect(q.code_challenge).toBeUndefined();
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toContain('atl-secret');
  });

  it('takes the caller’s scopes instead, always adding offline_access', async () => {
    const res = await start('atlassian-cloud', { scopes: ['read:confluence-content.all'] });
    const { url } = await providerUrl(res.json<{ authorize_url: string }>().authorize_url);
    expect(url.searchParams.get('scope')).toBe('read:confluence-content.all offline_access');
  });

  it('refuses bad requests before storing anything', async () => {
    const before = await flows();
    const cases: Array<[string, unknown, number]> = [
      ['gitlab', {}, 404],
      ['atlassian-cloud', { return_url: 'ftp://app.example/' }, 400],
      ['atlassian-cloud', { return_url: 'not a url' }, 400],
      ['atlassian-cloud', { site: 'not a site!' }, 400],
      ['atlassian-cloud', { unknown: 1 }, 400],
      ['jira-dc', {}, 400],
      ['jira-dc', { site: 'https://169.254.169.254' }, 400],
      ['jira-dc', { site: 'https://127.0.0.1' }, 400],
      ['jira-dc', { site: 'http://jira.example.com' }, 400],
      ['bitbucket-cloud', {}, 424],
      ['confluence-dc', { site: 'https://8.8.8.8' }, 424],
    ];
    for (const [provider, body, status] of cases) {
      const res = await start(provider, body);
      expect({ provider, body, status: res.statusCode }).toEqual({ provider, body, status });
    }
    const metadata = await start('jira-dc', { site: 'https://169.254.169.254/' });
    expect(metadata.json<{ message: string }>().message).toMatch(/link-local\/metadata/);
    expect(await flows()).toBe(before);
  });

  it('Data Center: PKCE against the instance’s own authorization server', async () => {
    await t.app.inject({
      method: 'PUT',
      url: '/v1/oauth-apps/jira-dc',
      headers: { ...bearer(t.admin.adminKey.key), 'content-type': 'application/json' },
      payload: JSON.stringify({ client_id: 'dc-client', client_secret: 'dc-secret' }),
    });
    const ok = await start('jira-dc', { site: 'https://8.8.8.8/jira/' });
    expect(ok.statusCode).toBe(201);
    const { url } = await providerUrl(ok.json<{ authorize_url: string }>().authorize_url);
    expect(url.origin + url.pathname).toBe('https://8.8.8.8/jira/rest/oauth2/latest/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')).toBe('WRITE');
  });

  it('needs an API key; ?redirect=true answers 307 with the binding cookie', async () => {
    const anon = await t.app.inject({ method: 'POST', url: '/v1/connect/atlassian-cloud', payload: {} });
    expect(anon.statusCode).toBe(401);
    const res = await start('atlassian-cloud', {}, '?redirect=true');
    expect(res.statusCode).toBe(307);
    expect(String(res.headers.location)).toMatch(/^https:\/\/auth\.atlassian\.com\/authorize\?/);
    expect(String(res.headers['set-cookie'])).toMatch(/^sy_connect_[A-Za-z0-9_-]{22}=[A-Za-z0-9_-]{43};/);
  });
});
