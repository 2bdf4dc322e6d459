import * as oauth from 'oauth4webapi';
import { AppError } from '../errors/app-error.js';
import type { OAuthDefinition, UrlContext } from '../providers/types.js';
import { type OAuthGrantError, toOAuthGrantError } from './oauth-error.js';

export { type OAuthErrorKind, OAuthGrantError, toOAuthGrantError } from './oauth-error.js';

/**
 * The OAuth 2.0 client side of every provider, over oauth4webapi and following its split: the
 * `*Request` functions make the HTTP call, `checkTokenResponse` checks an answer and is pure apart
 * from reading the body, so it is tested with recorded answers.
 * None of these servers is an OpenID provider: the server metadata is built from the provider
 * definition, never discovered.
 */

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** ISO-8601; absent when the server gave no expires_in. */
  expiresAt?: string;
  /** Granted scopes as the server reported them (`scope`, or Bitbucket's `scopes`); [] when it did not. */
  scopes: string[];
}

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface OAuthRequestOptions {
  /** Replaces the global fetch (tests; a dispatcher-bound fetch). */
  fetch?: typeof fetch;
  /** Milliseconds before the token request is abandoned (transient). Default 15 s. */
  timeoutMs?: number;
  /** The clock for expires_at. */
  now?: () => Date;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** Authorization server metadata built by hand from the definition's URL templates. */
export function authorizationServer(def: OAuthDefinition, ctx: UrlContext): oauth.AuthorizationServer {
  const tokenEndpoint = def.tokenUrl(ctx);
  return {
    issuer: new URL(tokenEndpoint).origin,
    authorization_endpoint: def.authorizeUrl(ctx),
    token_endpoint: tokenEndpoint,
  };
}

export function buildAuthorizationUrl(
  def: OAuthDefinition,
  ctx: UrlContext,
  p: { clientId: string; redirectUri: string; scopes: string[]; state: string; codeChallenge?: string },
): URL {
  const url = new URL(def.authorizeUrl(ctx));
  for (const [k, v] of Object.entries(def.authorizeParams)) url.searchParams.set(k, v);
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('response_type', 'code');
  if (p.scopes.length > 0) url.searchParams.set('scope', p.scopes.join(def.scopeSeparator));
  url.searchParams.set('state', p.state);
  if (p.codeChallenge !== undefined) {
    url.searchParams.set('code_challenge', p.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url;
}

export async function createPkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = oauth.generateRandomCodeVerifier();
  return { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier) };
}

function clientAuth(def: OAuthDefinition, client: OAuthClientCredentials): oauth.ClientAuth {
  return def.clientAuth === 'client_secret_basic'
    ? oauth.ClientSecretBasic(client.clientSecret)
    : oauth.ClientSecretPost(client.clientSecret);
}

function requestOptions(as: oauth.AuthorizationServer, opts: OAuthRequestOptions): oauth.TokenEndpointRequestOptions {
  const options: oauth.TokenEndpointRequestOptions = {
    signal: AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  };
  // Plain http only for a token endpoint configured as http (local test servers, an egress proxy).
  if (String(as.token_endpoint).startsWith('http:')) options[oauth.allowInsecureRequests] = true;
  const f = opts.fetch;
  if (f !== undefined) options[oauth.customFetch] = (url, init) => f(url, init);
  return options;
}

function parseScopes(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string' && s.length > 0);
  if (typeof value !== 'string') return [];
  return value.split(/[\s,]+/).filter(Boolean);
}

/** Turn a checked token endpoint answer into a TokenSet. */
export function toTokenSet(res: oauth.TokenEndpointResponse, now: Date): TokenSet {
  const set: TokenSet = { accessToken: res.access_token, scopes: parseScopes(res.scope ?? res.scopes) };
  if (res.refresh_token !== undefined) set.refreshToken = res.refresh_token;
  if (res.expires_in !== undefined) set.expiresAt = new Date(now.getTime() + res.expires_in * 1000).toISOString();
  return set;
}

/**
 * Check a token endpoint answer (code exchange and refresh alike): a TokenSet, or an OAuthGrantError that
 * says whether to reconnect, fix the client, or retry.
 */
export async function checkTokenResponse(
  as: oauth.AuthorizationServer,
  clientId: string,
  response: Response,
  now: Date = new Date(),
): Promise<TokenSet> {
  try {
    const res = await oauth.processRefreshTokenResponse(as, { client_id: clientId }, response);
    return toTokenSet(res, now);
  } catch (err) {
    throw toOAuthGrantError(err);
  }
}

async function send(request: () => Promise<Response>): Promise<Response> {
  try {
    return await request();
  } catch (err) {
    if (err instanceof AppError) throw err; // the caller's fetch refused the request (the host guard)
    throw toOAuthGrantError(err);
  }
}

export async function exchangeCode(
  def: OAuthDefinition,
  ctx: UrlContext,
  client: OAuthClientCredentials,
  p: { code: string; redirectUri: string; codeVerifier?: string },
  opts: OAuthRequestOptions = {},
): Promise<TokenSet> {
  const as = authorizationServer(def, ctx);
  const c: oauth.Client = { client_id: client.clientId };
  const params = oauth.validateAuthResponse(as, c, new URLSearchParams({ code: p.code }), oauth.expectNoState);
  const response = await send(() =>
    oauth.authorizationCodeGrantRequest(
      as,
      c,
      clientAuth(def, client),
      params,
      p.redirectUri,
      p.codeVerifier ?? oauth.nopkce,
      requestOptions(as, opts),
    ),
  );
  return checkTokenResponse(as, client.clientId, response, opts.now?.() ?? new Date());
}

export async function refreshTokens(
  def: OAuthDefinition,
  ctx: UrlContext,
  client: OAuthClientCredentials,
  refreshToken: string,
  opts: OAuthRequestOptions = {},
): Promise<TokenSet> {
  const as = authorizationServer(def, ctx);
  const c: oauth.Client = { client_id: client.clientId };
  const response = await send(() =>
    oauth.refreshTokenGrantRequest(as, c, clientAuth(def, client), refreshToken, requestOptions(as, opts)),
  );
  return checkTokenResponse(as, client.clientId, response, opts.now?.() ?? new Date());
}

/** True when the failure says the grant is dead and only a new consent helps. */
export const needsReconnect = (err: OAuthGrantError): boolean =>
  err.kind === 'invalid_grant' || err.kind === 'invalid_client';
