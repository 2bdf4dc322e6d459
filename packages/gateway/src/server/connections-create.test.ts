import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, type FakeUpstream, startFakeUpstream } from '../test-support/fake-upstream.js';
import { bearer, type Kind, startTestApp, type TestApp } from '../test-support/harness.js';

const jane = { id: '5b10ac', name: 'Jane Doe', email: 'jane@example.com', key: 'jdoe' };
const TOKEN = 'pat-jira-0123456789abcdefWXYZ';

/** Rows a refused create must not leave behind. */
async function counts(t: TestApp) {
  const q = t.runtime.db.kysely;
  const n = async (table: 'grants' | 'connections' | 'secrets') =>
    Number(
      (
        await q
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { grants: await n('grants'), connections: await n('connections'), secrets: await n('secrets') };
}

describe.each<Kind>(['sqlite', 'postgres'])('POST /v1/connections (%s)', (kind) => {
  let up: FakeUpstream;
  let t: TestApp;
  const post = (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/v1/connections', headers: bearer(t.admin.adminKey.key), payload });

  beforeAll(async () => {
    up = await startFakeUpstream();
    t = await startTestApp(kind, {
      SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
      SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
      BITBUCKET_API_URL: up.url,
      ATLASSIAN_API_URL: up.url,
    });
    up.accept(`Bearer ${TOKEN}`, jane);
    up.accept(basic('jane@example.com', 'bb-api-token-0123456789'), jane);
    up.accept(basic('janedoe', 'app-password-0123456789'), jane);
    up.accept(basic('jane@example.com', 'atl-token-0123456789'), jane);
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  it('creates a Jira Data Center PAT connection after checking it live, and never answers the secret', async () => {
    const res = await post({
      provider: 'jira-dc',
      auth: { type: 'personal_access_token', token: TOKEN },
      base_url: `${up.url}/jira/`,
      metadata: { team: 'platform' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({
      provider: 'jira-dc',
      name: `Jira Data Center (${new URL(up.url).host})`,
      auth: { type: 'personal_access_token', hint: '••••WXYZ', username: null, email: null },
      base_url: `${up.url}/jira`,
      site_url: null,
      cloud_id: null,
      account: { id: 'jdoe', name: 'Jane Doe' },
      products: ['jira'],
      status: 'active',
      metadata: { team: 'platform' },
      warnings: [],
    });
    expect(res.body).not.toContain(TOKEN);
    expect(up.requests.at(-1)).toEqual({
      method: 'GET',
      path: '/jira/rest/api/2/myself',
      authorization: `Bearer ${TOKEN}`,
    });
    const got = await t.app.inject({
      method: 'GET',
      url: `/v1/connections/${body.id}`,
      headers: bearer(t.admin.adminKey.key),
    });
    expect(got.json()).toEqual(body);
  });

  it('refuses a credential the vendor rejects, quoting the vendor, and stores nothing', async () => {
    const before = await counts(t);
    const res = await post({
      provider: 'jira-dc',
      auth: { type: 'personal_access_token', token: 'wrong-token-value' },
      base_url: up.url,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION' });
    expect(res.json().message).toContain(
      'Jira Data Center rejected the credential (HTTP 401: "You are not authenticated. Authentication required to perform this operation.")',
    );
    expect(await counts(t)).toEqual(before);
  });

  it('refuses loopback and metadata base URLs before calling them, and stores nothing', async () => {
    // The guard does not depend on the database; one more SQLite app keeps PostgreSQL schemas apart.
    const strict = await startTestApp('sqlite');
    try {
      const before = await counts(strict);
      const seen = up.requests.length;
      const send = (base_url: string) =>
        strict.app.inject({
          method: 'POST',
          url: '/v1/connections',
          headers: bearer(strict.admin.adminKey.key),
          payload: { provider: 'jira-dc', auth: { type: 'personal_access_token', token: TOKEN }, base_url },
        });
      const loop = await send(`https://127.0.0.1:${up.url.split(':')[2]}`);
      expect(loop.statusCode).toBe(400);
      expect(loop.json().message).toBe(
        'base_url host 127.0.0.1 is a loopback address; refused. If this is intended, allowlist the host with SWITCHYARD_ALLOWED_HOSTS.',
      );
      const meta = await send('https://169.254.169.254/latest/meta-data');
      expect(meta.json().message).toContain('base_url host 169.254.169.254 is a link-local/metadata address; refused.');
      const http = await send(up.url);
      expect(http.json().message).toContain('must use https://');
      expect(up.requests.length).toBe(seen);
      expect(await counts(strict)).toEqual(before);
    } finally {
      await strict.close();
    }
  });

  it('Bitbucket Cloud: API tokens go as Basic email:token, app passwords carry the deprecation warning', async () => {
    const api = await post({
      provider: 'bitbucket-cloud',
      auth: { type: 'api_token', email: 'jane@example.com', token: 'bb-api-token-0123456789' },
    });
    expect(api.statusCode).toBe(201);
    expect(api.json()).toMatchObject({
      auth: { type: 'api_token', email: 'jane@example.com' },
      account: { id: '5b10ac' },
    });
    expect(up.requests.at(-1)?.authorization).toBe(basic('jane@example.com', 'bb-api-token-0123456789'));

    const legacy = await post({
      provider: 'bitbucket-cloud',
      auth: { type: 'app_password', username: 'janedoe', password: 'app-password-0123456789' },
    });
    expect(legacy.statusCode).toBe(201);
    expect(legacy.json().auth).toMatchObject({ type: 'app_password', hint: '••••', username: 'janedoe' });
    expect(legacy.json().warnings).toEqual([expect.stringContaining('removed on 28 July 2026')]);
  });

  it('Atlassian scoped token: cloud id from /_edge/tenant_info, calls through /ex, products that answered', async () => {
    up.setAtlassianProducts(['jira']);
    const res = await post({
      provider: 'atlassian-cloud',
      auth: { type: 'scoped_api_token', email: 'jane@example.com', token: 'atl-token-0123456789' },
      site_url: up.url,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      auth: { type: 'scoped_api_token', email: 'jane@example.com' },
      site_url: up.url,
      cloud_id: up.cloudId,
      products: ['jira'],
    });
    expect(up.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/_edge/tenant_info', `/ex/jira/${up.cloudId}/rest/api/3/myself`]),
    );
  });

  it('Atlassian classic token: the site URL itself, no cloud id; a Confluence-only site still connects', async () => {
    up.setAtlassianProducts(['confluence']);
    const res = await post({
      provider: 'atlassian-cloud',
      auth: { type: 'api_token', email: 'jane@example.com', token: 'atl-token-0123456789' },
      site_url: up.url,
      name: 'Wiki',
    });
    up.setAtlassianProducts(['jira']);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'Wiki',
      auth: { type: 'api_token' },
      cloud_id: null,
      products: ['confluence'],
    });
  });

  it('checks the method’s fields: missing, foreign and OAuth are VALIDATION with details', async () => {
    const missing = await post({ provider: 'bitbucket-cloud', auth: { type: 'api_token', token: 'x' } });
    expect(missing.json()).toMatchObject({ code: 'VALIDATION', details: [{ path: 'auth.email' }] });
    const foreign = await post({
      provider: 'jira-dc',
      auth: { type: 'personal_access_token', token: 'x', password: 'y' },
      base_url: up.url,
    });
    expect(foreign.json()).toMatchObject({ code: 'VALIDATION', details: [{ path: 'auth.password' }] });
    const noBase = await post({ provider: 'jira-dc', auth: { type: 'personal_access_token', token: 'x' } });
    expect(noBase.json()).toMatchObject({ code: 'VALIDATION', details: [{ path: 'base_url' }] });
    const oauth = await post({ provider: 'jira-dc', auth: { type: 'oauth2' }, base_url: up.url });
    expect(oauth.json().message).toContain('POST /v1/connect/jira-dc');
    const unknown = await post({ provider: 'bitbucket-cloud', auth: { type: 'personal_access_token', token: 'x' } });
    expect(unknown.json().message).toContain('it has oauth2, api_token, access_token, app_password');
    const badCa = await post({
      provider: 'jira-dc',
      auth: { type: 'personal_access_token', token: 'x' },
      base_url: up.url,
      ca_pem: 'nope',
    });
    expect(badCa.json().message).toContain('ca_pem holds no PEM certificate');
    const badProvider = await post({ provider: 'gitlab', auth: { type: 'api_token', token: 'x' } });
    expect(badProvider.json()).toMatchObject({ code: 'VALIDATION', details: [{ path: 'body.provider' }] });
  });

  it('Bitbucket Data Center: the user from X-AUSERNAME', async () => {
    const res = await post({
      provider: 'bitbucket-dc',
      auth: { type: 'personal_access_token', token: TOKEN },
      base_url: up.url,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ account: { id: '7', name: 'Jane Doe' }, products: ['bitbucket'] });
  });
});
