import { afterEach, describe, expect, it } from 'vitest';
import { OAuthGrantError, refreshTokens } from '../auth/oauth-client.js';
import { followRedirects } from './oauth-browser.js';
import { type OAuthServerOptions, startOAuthServer, type TestOAuthServer } from './oauth-server.js';
import { obtainTokens, registerTestClient, testOAuthTarget } from './oauth-tokens.js';

let server: TestOAuthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(opts: OAuthServerOptions) {
  server = await startOAuthServer(opts);
  const client = await registerTestClient(server);
  return { server, client, ...testOAuthTarget(server) };
}

const api = (s: TestOAuthServer, path: string, token: string) =>
  fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('test OAuth server', () => {
  for (const flavor of ['atlassian', 'bitbucket'] as const) {
    it(`${flavor}: the code flow through real interactions issues tokens that the resource API accepts`, async () => {
      const { server: s, client } = await start({ flavor });
      const tokens = await obtainTokens(s, client);
      expect(tokens.refreshToken).toEqual(expect.any(String));
      expect(s.stats.interactions).toEqual({ login: 1, consent: 1 });
      expect(s.stats.tokenRequests).toEqual({ authorization_code: 1 });
      const path = flavor === 'bitbucket' ? '/2.0/user' : '/oauth/token/accessible-resources';
      expect((await api(s, path, tokens.accessToken)).status).toBe(200);
      expect((await api(s, path, 'not-a-token')).status).toBe(401);
    });
  }

  it('atlassian: rotates refresh tokens and revokes the whole grant when a consumed one comes back', async () => {
    const { server: s, client, def, ctx } = await start({ flavor: 'atlassian' });
    const first = await obtainTokens(s, client);
    const second = await refreshTokens(def, ctx, client, first.refreshToken ?? '');
    expect(second.refreshToken).toBeDefined();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await api(s, '/me', second.accessToken)).status).toBe(200);

    const reuse = await refreshTokens(def, ctx, client, first.refreshToken ?? '').catch((e: unknown) => e);
    expect(reuse).toBeInstanceOf(OAuthGrantError);
    expect((reuse as OAuthGrantError).kind).toBe('invalid_grant');
    // The reuse revoked the grant: the newest refresh token and access token are dead too.
    const after = await refreshTokens(def, ctx, client, second.refreshToken ?? '').catch((e: unknown) => e);
    expect((after as OAuthGrantError).kind).toBe('invalid_grant');
    expect((await api(s, '/me', second.accessToken)).status).toBe(401);
    expect(s.stats.tokenRequests.refresh_token).toBe(3);
  });

  it('within the reuse leeway a consumed refresh token still refreshes, and the grant survives', async () => {
    const { server: s, client, def, ctx } = await start({ flavor: 'atlassian', reuseLeewaySeconds: 600 });
    const first = await obtainTokens(s, client);
    const second = await refreshTokens(def, ctx, client, first.refreshToken ?? '');
    const again = await refreshTokens(def, ctx, client, first.refreshToken ?? '');
    expect(again.refreshToken).not.toBe(second.refreshToken);
    expect((await api(s, '/me', again.accessToken)).status).toBe(200);
    const next = await refreshTokens(def, ctx, client, again.refreshToken ?? '');
    expect((await api(s, '/me', next.accessToken)).status).toBe(200);
  });

  it('bitbucket: the server checks PKCE and client_secret_basic', async () => {
    const { server: s, client, def, ctx } = await start({ flavor: 'bitbucket' });
    const tokens = await obtainTokens(s, client);
    const wrongSecret = { ...client, clientSecret: 'wrong' };
    const err = await refreshTokens(def, ctx, wrongSecret, tokens.refreshToken ?? '').catch((e: unknown) => e);
    expect((err as OAuthGrantError).kind).toBe('invalid_client');
    // An authorization request without a code challenge is refused.
    const url = new URL(`${s.url}${s.authorizePath}`);
    url.search = new URLSearchParams({
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      response_type: 'code',
      scope: 'account',
      state: 'x',
    }).toString();
    const end = await followRedirects(url, { stopAt: client.redirectUri });
    expect(end.url.searchParams.get('error')).toBe('invalid_request');
  });

  it('denied consent redirects back with error=access_denied', async () => {
    const { server: s, client } = await start({ flavor: 'atlassian' });
    s.setConsent('deny');
    const err = await obtainTokens(s, client).catch((e: unknown) => e);
    expect(String(err)).toContain('error=access_denied');
  });

  it('injected token endpoint failures are transient and touch no token; revokeAll kills every grant', async () => {
    const { server: s, client, def, ctx } = await start({ flavor: 'atlassian' });
    const tokens = await obtainTokens(s, client);
    s.failTokenRequests(1);
    const err = await refreshTokens(def, ctx, client, tokens.refreshToken ?? '').catch((e: unknown) => e);
    expect((err as OAuthGrantError).kind).toBe('transient');
    expect((err as OAuthGrantError).status).toBe(503);
    const ok = await refreshTokens(def, ctx, client, tokens.refreshToken ?? '');
    s.revokeAll();
    expect((await api(s, '/me', ok.accessToken)).status).toBe(401);
  });
});
