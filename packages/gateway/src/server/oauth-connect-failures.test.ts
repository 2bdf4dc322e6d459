import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, type ConnectGateway, startConnectGateway, storedCounts } from '../test-support/connect-gateway.js';
import { CookieJar, followRedirects } from '../test-support/oauth-browser.js';

/** Every way a flow can fail ends with a clear error for the app, and nothing stored. */
describe('OAuth connect failures', () => {
  let gw: ConnectGateway;
  beforeAll(async () => {
    gw = await startConnectGateway();
    await gw.api('PUT', '/v1/oauth-apps/atlassian-cloud', {
      client_id: gw.client.clientId,
      client_secret: gw.client.clientSecret,
    });
  });
  afterAll(() => gw.close());

  const empty = { grants: 0, connections: 0, grantSecrets: 0, flowSecrets: 0 };

  async function startLink(): Promise<{ link: string; flowId: string }> {
    const res = await gw.api('POST', '/v1/connect/atlassian-cloud', { return_url: gw.returnUrl });
    expect(res.status).toBe(201);
    const link = (res.body as { authorize_url: string }).authorize_url;
    const flowId = new URL(link).pathname.split('/').at(-1)?.split('.')[0] ?? '';
    return { link, flowId };
  }

  /** Consent in a browser, stopping just before the provider's redirect reaches the gateway's callback. */
  async function toCallback(): Promise<{ callback: URL; jar: CookieJar; flowId: string }> {
    const { link, flowId } = await startLink();
    const jar = new CookieJar();
    const end = await followRedirects(link, { jar, stopAt: `${gw.base}/oauth/callback` });
    expect(end.url.searchParams.get('code')).toBeTruthy();
    return { callback: end.url, jar, flowId };
  }

  const land = async (url: URL | string, jar = new CookieJar()) => browse(gw, String(url), jar);

  it('denied consent redirects with error=access_denied', async () => {
    gw.as.setConsent('deny');
    try {
      const { link } = await startLink();
      const end = await land(link);
      expect(end.params?.get('error')).toBe('access_denied');
      expect(end.params?.get('error_description')).toBeTruthy();
      expect(end.params?.get('connection_id')).toBeNull();
      expect(await storedCounts(gw.t)).toEqual(empty);
    } finally {
      gw.as.setConsent('grant');
    }
  });

  it('a reused state is refused; the first use stands', async () => {
    const { callback, jar } = await toCallback();
    const first = await land(callback, jar);
    expect(first.params?.get('connection_id')).toBeTruthy();
    const again = await land(callback, jar);
    expect(again.params?.get('error')).toBe('state_reused');
    expect((await storedCounts(gw.t)).connections).toBe(1);
    await gw.t.runtime.db.kysely.deleteFrom('connections').execute();
    await gw.t.runtime.db.kysely.deleteFrom('grants').execute();
    await gw.t.runtime.db.kysely.deleteFrom('secrets').where('owner_table', '=', 'grants').execute();
  });

  it('an expired state is refused, before and after consent', async () => {
    gw.as.resetStats();
    const past = new Date(Date.now() - 1000).toISOString();
    const early = await startLink();
    await gw.t.runtime.db.kysely
      .updateTable('oauth_flows')
      .set({ expires_at: past })
      .where('id', '=', early.flowId)
      .execute();
    expect((await land(early.link)).params?.get('error')).toBe('state_expired');

    const { callback, jar, flowId } = await toCallback();
    await gw.t.runtime.db.kysely
      .updateTable('oauth_flows')
      .set({ expires_at: past })
      .where('id', '=', flowId)
      .execute();
    const end = await land(callback, jar);
    expect(end.params?.get('error')).toBe('state_expired');
    expect(gw.as.stats.tokenRequests.authorization_code ?? 0).toBe(0);
    expect(await storedCounts(gw.t)).toEqual(empty);
  });

  it('a missing or wrong binding cookie is refused without using up the flow', async () => {
    gw.as.resetStats();
    const { callback, jar, flowId } = await toCallback();
    expect((await land(callback)).params?.get('error')).toBe('browser_mismatch');
    const forged = new CookieJar();
    forged.store(new URL(gw.base), [`sy_connect_${flowId}=${'A'.repeat(43)}; Path=/`]);
    expect((await land(callback, forged)).params?.get('error')).toBe('browser_mismatch');
    expect(gw.as.stats.tokenRequests.authorization_code ?? 0).toBe(0);
    expect(await storedCounts(gw.t)).toEqual(empty);
    const owner = await land(callback, jar);
    expect(owner.params?.get('connection_id')).toBeTruthy();
    await gw.t.runtime.db.kysely.deleteFrom('connections').execute();
    await gw.t.runtime.db.kysely.deleteFrom('grants').execute();
    await gw.t.runtime.db.kysely.deleteFrom('secrets').where('owner_table', '=', 'grants').execute();
  });

  it('the start link binds the first browser; a second browser cannot take the flow over', async () => {
    const { link } = await startLink();
    const first = new CookieJar();
    await followRedirects(link, { jar: first, stopAt: gw.as.url });
    const second = await land(link);
    expect(second.params?.get('error')).toBe('state_reused');
    expect(second.params?.get('error_description')).toContain('another browser');
  });

  it('a token endpoint error redirects with token_exchange_failed and a safe description', async () => {
    for (const status of [400, 503]) {
      gw.as.failTokenRequests(1, status);
      const { link } = await startLink();
      const end = await land(link);
      expect(end.params?.get('error')).toBe('token_exchange_failed');
      const description = end.params?.get('error_description') ?? '';
      expect(description).toMatch(/refused to issue tokens/);
      expect(description).not.toContain(gw.client.clientSecret);
      expect(await storedCounts(gw.t)).toEqual(empty);
    }
  });

  it('a wrong client secret fails the exchange (invalid_client), and nothing is stored', async () => {
    await gw.api('PUT', '/v1/oauth-apps/atlassian-cloud', { client_id: gw.client.clientId, client_secret: 'wrong' });
    try {
      const end = await land((await startLink()).link);
      expect(end.params?.get('error')).toBe('token_exchange_failed');
      expect(end.params?.get('error_description')).toContain('invalid_client');
      expect(await storedCounts(gw.t)).toEqual(empty);
    } finally {
      await gw.api('PUT', '/v1/oauth-apps/atlassian-cloud', {
        client_id: gw.client.clientId,
        client_secret: gw.client.clientSecret,
      });
    }
  });

  it('a state we did not sign gets a 400 page, never a redirect', async () => {
    const { callback, jar } = await toCallback();
    const state = callback.searchParams.get('state') ?? '';
    // Flip a character before the last: the last base64url character of the signature carries padding bits, so
    // changing only it can decode to the very same bytes.
    const i = state.length - 3;
    const bad = [`${state.slice(0, i)}${state[i] === 'A' ? 'B' : 'A'}${state.slice(i + 1)}`, 'nonsense', ''];
    for (const s of bad) {
      const url = new URL(callback);
      url.searchParams.set('state', s);
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) ?? '' } });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await res.text()).toContain('not valid');
    }
    const start = await fetch(`${gw.base}/connect/start/forged.state`, { redirect: 'manual' });
    expect(start.status).toBe(400);
    expect(await storedCounts(gw.t)).toEqual(empty);
  });

  it('records the failure on the flow, for the CLI that waits on it', async () => {
    gw.as.setConsent('deny');
    try {
      const { link, flowId } = await startLink();
      await land(link);
      const row = await gw.t.runtime.store.connections.getOAuthFlow(flowId);
      expect(JSON.parse(row?.data ?? '{}').result).toMatchObject({ error: 'access_denied' });
      expect(row?.used_at).not.toBeNull();
    } finally {
      gw.as.setConsent('grant');
    }
  });
});
