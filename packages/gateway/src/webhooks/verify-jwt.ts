import { createHmac, timingSafeEqual } from 'node:crypto';
import { obj } from './json.js';

/**
 * Jira Cloud dynamic webhooks registered by an OAuth 2.0 (3LO) app carry no `X-Hub-Signature`. Atlassian documents
 * only this ("Webhooks authentication for OAuth 2.0 apps", developer.atlassian.com/cloud/jira/platform/webhooks):
 * "secured by bearer authentication. The token is present in the Authorization header and is signed with the app's
 * client secret." It names no algorithm and no claims. What this module checks, and what it cannot, is written
 * down in docs/webhooks.md:
 *
 * - `Authorization: Bearer <JWT>` with three base64url parts;
 * - header `alg` is exactly `HS256` (HMAC-SHA256 is the only algorithm keyed by a shared secret that Atlassian
 *   uses for its JWTs; `none`, other HMAC sizes and public-key algorithms are refused, so no algorithm confusion);
 * - the signature, constant-time, against each configured client secret (two during a rotation);
 * - `exp`, `nbf` and `iat` when present (RFC 7519 semantics, with leeway for clock skew); `exp` can be required;
 * - `iss` only when the caller configures an expected issuer (Atlassian does not document its value for 3LO).
 *
 * Not verifiable: the token is not bound to the body (no body hash claim is documented), and `qsh` is a Connect
 * (not 3LO) claim, so it is not checked.
 */

export type JwtFailure =
  | 'missing'
  | 'malformed'
  | 'unsupported_alg'
  | 'mismatch'
  | 'expired'
  | 'not_yet_valid'
  | 'issuer_mismatch'
  | 'no_secret';

export type JwtClaims = Readonly<Record<string, unknown>>;

export type JwtResult =
  | { ok: true; secretIndex: number; claims: JwtClaims }
  | { ok: false; reason: JwtFailure; detail: string };

export interface JwtOptions {
  /** Seconds since the epoch; defaults to now. */
  now?: number;
  /** Clock skew allowed on exp/nbf/iat, in seconds (default 60). */
  leewaySeconds?: number;
  /** Refuse tokens without `exp` (default false: Atlassian does not document that it sends one). */
  requireExp?: boolean;
  /** Refuse tokens whose `iss` differs. */
  issuer?: string;
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const fail = (reason: JwtFailure, detail: string): JwtResult => ({ ok: false, reason, detail });

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return obj(value) as Record<string, unknown> | null;
  } catch {
    return null;
  }
}

/** Signs an HS256 token the way Atlassian signs 3LO webhook deliveries; for tests and local fakes of Jira. */
export function signHs256(
  claims: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = {},
): string {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', ...header })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

function checkTimes(claims: Record<string, unknown>, options: JwtOptions): JwtResult | null {
  const now = options.now ?? Date.now() / 1000;
  const leeway = options.leewaySeconds ?? 60;
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    const value = claims[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      return fail('malformed', `the "${name}" claim is not a number`);
    }
  }
  const { exp, nbf, iat } = claims as { exp?: number; nbf?: number; iat?: number };
  if (exp === undefined && options.requireExp === true) return fail('expired', 'the token has no "exp" claim');
  if (exp !== undefined && now > exp + leeway) return fail('expired', 'the token has expired');
  if (nbf !== undefined && now < nbf - leeway) return fail('not_yet_valid', 'the token is not valid yet (nbf)');
  if (iat !== undefined && now < iat - leeway) return fail('not_yet_valid', 'the token was issued in the future (iat)');
  return null;
}

export function verifyAtlassianJwt(
  authorization: string | readonly string[] | undefined,
  secrets: readonly string[],
  options: JwtOptions = {},
): JwtResult {
  if (!secrets.some((s) => s !== '')) return fail('no_secret', 'no OAuth client secret is configured for this hook');
  if (authorization === undefined || authorization === '') {
    return fail('missing', 'the Authorization header is missing');
  }
  if (typeof authorization !== 'string') return fail('malformed', 'more than one Authorization header');
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) return fail('malformed', 'Authorization is not "Bearer <token>"');
  const parts = token.split('.');
  const [head, body, sig] = parts;
  if (parts.length !== 3 || head === undefined || body === undefined || sig === undefined) {
    return fail('malformed', 'the token does not have three parts');
  }
  if (![head, body, sig].every((p) => B64URL.test(p))) return fail('malformed', 'the token is not base64url');
  const header = decodeJson(head);
  const claims = decodeJson(body);
  if (header === null || claims === null) return fail('malformed', 'the token header or claims are not JSON objects');
  if (header.alg !== 'HS256') {
    return fail('unsupported_alg', `token algorithm "${String(header.alg)}" is not accepted (HS256 only)`);
  }
  const presented = Buffer.from(sig, 'base64url');
  let matched = -1;
  secrets.forEach((secret, index) => {
    if (secret === '') return;
    const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
    if (presented.length === expected.length && timingSafeEqual(presented, expected) && matched === -1) {
      matched = index;
    }
  });
  if (matched === -1) return fail('mismatch', 'the token signature does not match any configured client secret');
  const timeFailure = checkTimes(claims, options);
  if (timeFailure !== null) return timeFailure;
  if (options.issuer !== undefined && claims.iss !== options.issuer) {
    return fail('issuer_mismatch', 'the token issuer is not the expected one');
  }
  return { ok: true, secretIndex: matched, claims };
}
