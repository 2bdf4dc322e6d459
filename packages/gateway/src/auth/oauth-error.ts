import * as oauth from 'oauth4webapi';
import { redactText } from '../errors/redact.js';

/**
 * How a token endpoint call failed, which decides what the gateway does next:
 * - `invalid_grant`: the refresh token (or code) is dead (Atlassian answers it with 403): reconnect.
 * - `invalid_client`: the client id or secret is wrong or gone: fix the OAuth app, then reconnect.
 * - `transient`: 5xx, network failure or timeout: retry later, the grant may be fine.
 * - `rejected`: any other refusal or a malformed answer: not retried.
 */
export type OAuthErrorKind = 'invalid_grant' | 'invalid_client' | 'transient' | 'rejected';

/** A failed token endpoint call. Its message never carries a token, code or secret. */
export class OAuthGrantError extends Error {
  override readonly name = 'OAuthGrantError';
  readonly kind: OAuthErrorKind;
  /** The HTTP status of the token endpoint's answer; 0 when there was none (network, timeout). */
  readonly status: number;
  /** The OAuth `error` code of the answer, when it had one. */
  readonly error: string | undefined;
  readonly description: string | undefined;

  constructor(
    kind: OAuthErrorKind,
    message: string,
    details: { status?: number; error?: string; description?: string; cause?: unknown } = {},
  ) {
    super(redactText(message), details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.status = details.status ?? 0;
    this.error = details.error;
    this.description = details.description === undefined ? undefined : redactText(details.description);
  }
}

function kindOf(status: number, error: string | undefined): OAuthErrorKind {
  if (error === 'invalid_grant') return 'invalid_grant';
  if (error === 'invalid_client' || error === 'unauthorized_client') return 'invalid_client';
  if (status >= 500 || status === 429 || status === 0) return 'transient';
  return 'rejected';
}

function describe(kind: OAuthErrorKind, status: number, error?: string, description?: string): string {
  const what = error === undefined ? `HTTP ${status}` : `${error} (HTTP ${status})`;
  const text = description === undefined ? '' : `: ${description}`;
  switch (kind) {
    case 'invalid_grant':
      return `the authorization server rejected the grant, ${what}${text}`;
    case 'invalid_client':
      return `the authorization server rejected the OAuth client credentials, ${what}${text}`;
    case 'transient':
      return `the token endpoint is unavailable, ${what}${text}`;
    default:
      return `the token endpoint refused the request, ${what}${text}`;
  }
}

// The oauth4webapi error is not kept as `cause`: some of them carry the parsed token response body.
function fromStatus(status: number, error: string | undefined, description: string | undefined) {
  const kind = kindOf(status, error);
  const details: { status: number; error?: string; description?: string } = { status };
  if (error !== undefined) details.error = error;
  if (description !== undefined) details.description = description;
  return new OAuthGrantError(kind, describe(kind, status, error, description), details);
}

function responseStatus(err: unknown): number | undefined {
  const cause = err instanceof Error ? err.cause : undefined;
  if (typeof cause !== 'object' || cause === null || !('status' in cause) || !('headers' in cause)) return undefined;
  return typeof cause.status === 'number' ? cause.status : undefined;
}

const isNetworkError = (err: unknown): boolean =>
  err instanceof Error &&
  (err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    (err instanceof TypeError && err.message === 'fetch failed'));

/** Map anything a token request or its check threw to an OAuthGrantError (pure; testable with recorded answers). */
export function toOAuthGrantError(err: unknown): OAuthGrantError {
  if (err instanceof OAuthGrantError) return err;
  if (err instanceof oauth.ResponseBodyError) {
    return fromStatus(err.status, err.error, err.error_description);
  }
  if (err instanceof oauth.WWWAuthenticateChallengeError) {
    const param = err.cause.find((c) => c.parameters.error !== undefined)?.parameters;
    const error = param?.error ?? (err.status === 401 ? 'invalid_client' : undefined);
    return fromStatus(err.status, error, param?.error_description);
  }
  // An answer that is not a conform token response (a 5xx page, a 4xx without an OAuth error): its status
  // decides. The Response may come from undici's own fetch, so it is not checked with instanceof.
  const status = responseStatus(err);
  if (err instanceof oauth.OperationProcessingError && status !== undefined)
    return fromStatus(status, undefined, undefined);
  if (isNetworkError(err)) {
    const reason = err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
    return new OAuthGrantError('transient', `the token endpoint ${reason}`, { cause: err });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new OAuthGrantError('rejected', `the token endpoint answered something unexpected: ${text}`);
}
