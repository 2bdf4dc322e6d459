import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantSecretFields } from '../auth/credential.js';
import { browse, type ConnectGateway, startConnectGateway, storedCounts } from '../test-support/connect-gateway.js';
import { CookieJar, followRedirects } from '../test-support/oauth-browser.js';

/** Bitbucket Cloud's OAuth consumer: PKCE (S256) sent and checked by the server, client_secret_basic. */
describe('Bitbucket Cloud OAuth end to end', () => {
  let gw: ConnectGateway;
  beforeAll(async () => {
    gw = await startConnectGateway({ kind: 'postgres', server: { flavor: 'bitbucket' } });
    await gw.api('PUT', '/v1/oauth-apps/bitbucket-cloud', {
      client_id: gw.client.clientId,
      client_secret: gw.client.clientSecret,
    });
  });
  afterAll(() => gw.close());

  async function start(): Promise<{ link: string; flowId: string }> {
    const res = await gw.api('POST', '/v1/connect/bitbucket-cloud', { return_url: gw.returnUrl });
    expect(res.status).toBe(201);
    const link = (res.body as { authorize_url: string }).authorize_url;
    return { link, flowId: new URL(link).pathname.split('/').at(-1)?.split('.')[0] ?? '' };
  }

  it('connects with PKCE: the challenge goes out, the verifier stays encrypted and is spent', async () => {
    const { link, flowId } = await start();
    const jar = new CookieJar();
    const toProvider = await followRedirects(link, { jar, stopAt: gw.as.url });
    const authorize = toProvider.url;
    expect(authorize.pathname).toBe('/site/oauth2/authorize');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const challenge = authorize.searchParams.get('code_challenge') ?? '';
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const verifier = await gw.t.runtime.secrets.get(gw.t.admin.tenant.id, 'oauth_flows', flowId, 'code_verifier');
    expect(verifier).toEqual(expect.any(String));
    expect(authorize.href).not.toContain(verifier);

    const end = await browse(gw, authorize.href, jar);
    const id = end.params?.get('connection_id') ?? '';
    const conn = await gw.t.runtime.store.connections.getConnection(gw.t.admin.tenant.id, id);
    expect(conn).toMatchObject({
      provider: 'bitbucket-cloud',
      account_id: gw.as.user.accountId,
      account_name: gw.as.user.displayName,
      site_url: null,
      cloud_id: null,
      name: `Bitbucket Cloud (${gw.as.user.displayName})`,
    });
    expect(JSON.parse(conn?.products ?? '[]')).toEqual(['bitbucket']);
    expect(gw.t.logs.text).not.toContain(verifier);
    const access = await gw.t.runtime.secrets.get(
      gw.t.admin.tenant.id,
      'grants',
      conn?.grant_id ?? '',
      grantSecretFields.accessToken,
    );
    expect(access).toBeDefined();
    const rows = await gw.t.runtime.db.kysely.selectFrom('secrets').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(access);
    expect(await storedCounts(gw.t)).toMatchObject({ flowSecrets: 0, grantSecrets: 2 });
  });

  it('the server checks the verifier: a wrong one fails the exchange and nothing is stored', async () => {
    await gw.t.runtime.db.kysely.deleteFrom('connections').execute();
    await gw.t.runtime.db.kysely.deleteFrom('grants').execute();
    await gw.t.runtime.db.kysely.deleteFrom('secrets').where('owner_table', '=', 'grants').execute();
    const { link, flowId } = await start();
    const wrong = 'w'.repeat(43);
    await gw.t.runtime.secrets.put(gw.t.admin.tenant.id, 'oauth_flows', flowId, 'code_verifier', wrong);
    const end = await browse(gw, link);
    expect(end.params?.get('error')).toBe('token_exchange_failed');
    expect(end.params?.get('error_description')).toContain('invalid_grant');
    expect(await storedCounts(gw.t)).toEqual({ grants: 0, connections: 0, grantSecrets: 0, flowSecrets: 0 });
  });

  it('takes no site', async () => {
    const res = await gw.api('POST', '/v1/connect/bitbucket-cloud', { site: 'https://bitbucket.org/acme' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION' });
  });
});
