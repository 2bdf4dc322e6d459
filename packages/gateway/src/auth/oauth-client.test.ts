import { describe, expect, it } from 'vitest';
import { providers } from '../providers/registry.js';
import type { OAuthDefinition, UrlContext } from '../providers/types.js';
import {
  authorizationServer,
  buildAuthorizationUrl,
  checkTokenResponse,
  createPkce,
  exchangeCode,
  OAuthGrantError,
  refreshTokens,
} from './oauth-client.js';

const atlassian = providers['atlassian-cloud'].oauth as OAuthDefinition;
const bitbucket = providers['bitbucket-cloud'].oauth as OAuthDefinition;
const ctx: UrlContext = {
  endpoints: {
    atlassianAuthUrl: 'https://auth.example.test',
    atlassianApiUrl: 'https://api.example.test',
    bitbucketAuthUrl: 'https://bb.example.test',
    bitbucketApiUrl: 'https://api.bb.example.test',
  },
};
const client = { clientId: 'cid', clientSecret: 'csecret' };
const NOW = new Date('2026-03-01T10:00:00.000Z');

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

async function check(response: Response) {
  return checkTokenResponse(authorizationServer(atlassian, ctx), 'cid', response, NOW);
}

async function failure(response: Response): Promise<OAuthGrantError> {
  const err = await check(response).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OAuthGrantError)) throw new Error(`expected an OAuthGrantError, got ${String(err)}`);
  return err;
}

describe('authorization URL and PKCE', () => {
  it('Atlassian: audience, prompt, space-separated scopes, no PKCE unless given', () => {
    const url = buildAuthorizationUrl(atlassian, ctx, {
      clientId: 'cid',
      redirectUri: 'https://gw.example/oauth/callback',
      scopes: ['read:jira-work', 'offline_access'],
      state: 's1',
    });
    expect(url.origin + url.pathname).toBe('https://auth.example.test/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      audience: 'api.atlassian.com',
      prompt: 'consent',
      client_id: 'cid',
      redirect_uri: 'https://gw.example/oauth/callback',
      response_type: 'code',
      scope: 'read:jira-work offline_access',
      state: 's1',
    });
  });

  it('adds an S256 challenge that matches the verifier', async () => {
    const pkce = await createPkce();
    const url = buildAuthorizationUrl(bitbucket, ctx, {
      ...client,
      redirectUri: 'x:/cb',
      scopes: [],
      state: 's',
      codeChallenge: pkce.challenge,
    });
    expect(url.pathname).toBe('/site/oauth2/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(pkce.verifier));
    expect(url.searchParams.get('code_challenge')).toBe(Buffer.from(digest).toString('base64url'));
    expect(url.searchParams.has('scope')).toBe(false);
  });
});

describe('checkTokenResponse (recorded answers)', () => {
  it('Atlassian refresh answer: tokens, expiry from expires_in, scopes from scope', async () => {
    const set = await check(
      json(200, {
        access_token: 'at',
        refresh_token: 'rt2',
        expires_in: 3600,
        token_type: 'Bearer',
        scope: 'read:jira-work offline_access',
      }),
    );
    expect(set).toEqual({
      accessToken: 'at',
      refreshToken: 'rt2',
      expiresAt: '2026-03-01T11:00:00.000Z',
      scopes: ['read:jira-work', 'offline_access'],
    });
  });

  it("Bitbucket answer: scopes come from its 'scopes' field; no refresh token and no expiry stay absent", async () => {
    const set = await check(
      json(200, { access_token: 'at', token_type: 'bearer', scopes: 'account repository:write' }),
    );
    expect(set).toEqual({ accessToken: 'at', scopes: ['account', 'repository:write'] });
  });

  it('invalid_grant is a reconnect whatever the status (Atlassian answers 403)', async () => {
    const err = await failure(
      json(403, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }),
    );
    expect(err).toMatchObject({
      kind: 'invalid_grant',
      status: 403,
      error: 'invalid_grant',
      description: 'Unknown or invalid refresh token.',
    });
  });

  it('invalid_client, in the body or as a Basic challenge, is its own kind', async () => {
    expect((await failure(json(401, { error: 'invalid_client' }))).kind).toBe('invalid_client');
    const challenged = await failure(
      json(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="oauth"' }),
    );
    expect(challenged).toMatchObject({ kind: 'invalid_client', status: 401 });
  });

  it('5xx and 429 are transient; other refusals and malformed answers are rejected', async () => {
    expect(await failure(new Response('<html>bad gateway</html>', { status: 502 }))).toMatchObject({
      kind: 'transient',
      status: 502,
    });
    expect((await failure(json(503, { error: 'temporarily_unavailable' }))).kind).toBe('transient');
    expect((await failure(json(429, { error: 'slow_down' }))).kind).toBe('transient');
    expect((await failure(json(400, { error: 'invalid_request' }))).kind).toBe('rejected');
    expect((await failure(json(200, { token_type: 'bearer' }))).kind).toBe('rejected');
  });

  it('never repeats a token from the answer in its message', async () => {
    const err = await failure(json(200, { access_token: 'secret-at-value', token_type: 'mac' }));
    expect(err.kind).toBe('rejected');
    expect(`${err.message} ${err.stack}`).not.toContain('secret-at-value');
    expect(err.cause).toBeUndefined();
  });
});

describe('token requests (injected fetch, no network)', () => {
  function recorder(answer: () => Response | Promise<Response>) {
    const calls: Array<{ url: string; headers: Record<string, string>; body: URLSearchParams }> = [];
    const f = (async (url: string, init: { headers: Record<string, string>; body: URLSearchParams }) => {
      calls.push({ url, headers: init.headers, body: new URLSearchParams(init.body) });
      return answer();
    }) as unknown as typeof fetch;
    return { calls, fetch: f };
  }
  const ok = () => json(200, { access_token: 'at', refresh_token: 'rt', expires_in: 60, token_type: 'bearer' });

  it('Atlassian refresh: client_secret_post to /oauth/token', async () => {
    const r = recorder(ok);
    await refreshTokens(atlassian, ctx, client, 'rt1', { fetch: r.fetch });
    expect(r.calls[0]?.url).toBe('https://auth.example.test/oauth/token');
    expect(Object.fromEntries(r.calls[0]?.body ?? [])).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt1',
      client_id: 'cid',
      client_secret: 'csecret',
    });
    expect(r.calls[0]?.headers.authorization).toBeUndefined();
  });

  it('Bitbucket code exchange: client_secret_basic with the PKCE verifier', async () => {
    const r = recorder(ok);
    await exchangeCode(
      bitbucket,
      ctx,
      client,
      { code: 'c1', redirectUri: 'https://gw/cb', codeVerifier: 'v'.repeat(43) },
      { fetch: r.fetch },
    );
    const call = r.calls[0];
    expect(call?.url).toBe('https://bb.example.test/site/oauth2/access_token');
    expect(call?.headers.authorization).toBe(`Basic ${btoa('cid:csecret')}`);
    expect(Object.fromEntries(call?.body ?? [])).toEqual({
      grant_type: 'authorization_code',
      code: 'c1',
      redirect_uri: 'https://gw/cb',
      code_verifier: 'v'.repeat(43),
    });
  });

  it('a network failure or a timeout is transient', async () => {
    const down = recorder(() => Promise.reject(new TypeError('fetch failed')));
    await expect(refreshTokens(atlassian, ctx, client, 'rt', { fetch: down.fetch })).rejects.toMatchObject({
      kind: 'transient',
      status: 0,
    });
    const slow = (async (_url: string, init: { signal: AbortSignal }) =>
      new Promise((_resolve, reject) =>
        init.signal.addEventListener('abort', () => reject(init.signal.reason)),
      )) as unknown as typeof fetch;
    await expect(refreshTokens(atlassian, ctx, client, 'rt', { fetch: slow, timeoutMs: 20 })).rejects.toMatchObject({
      kind: 'transient',
      message: expect.stringContaining('timed out'),
    });
  });

  it('talks plain http to a token endpoint configured as http (local servers)', async () => {
    const r = recorder(ok);
    const httpCtx: UrlContext = { endpoints: { ...ctx.endpoints, atlassianAuthUrl: 'http://127.0.0.1:9' } };
    await refreshTokens(atlassian, httpCtx, client, 'rt', { fetch: r.fetch });
    expect(r.calls[0]?.url).toBe('http://127.0.0.1:9/oauth/token');
  });
});
