/**
 * The credential of a grant as applied to one upstream request. `version` is the grant's version when the
 * header was built: after a 401, the refresher compares it to tell "stale token, refresh" from "someone
 * already refreshed, just retry".
 */
export interface AppliedCredential {
  grantId: string;
  version: number;
  /** The Authorization header value: `Bearer …` or `Basic …`. */
  authorization: string;
}

/** Where upstream callers (connection tests, the proxy, provider clients) get credentials from. */
export interface CredentialSource {
  /** A credential ready to send; OAuth tokens are refreshed ahead of expiry (single-flight per grant). */
  authorize(grantId: string): Promise<AppliedCredential>;
  /**
   * The upstream answered 401 to `used`. OAuth grants refresh once (unless another caller already did) and
   * answer the new credential; otherwise this throws REAUTH_REQUIRED or TOKEN_EXPIRED and marks the grant's
   * connections. Call it at most once per upstream request.
   */
  afterUnauthorized(used: AppliedCredential): Promise<AppliedCredential>;
}

/** Secret fields of a grant in the `secrets` table (owner_table 'grants', owner_id = grant id). */
export const grantSecretFields = {
  accessToken: 'access_token',
  refreshToken: 'refresh_token',
  /** API tokens, PATs, access tokens. */
  token: 'token',
  /** Basic auth and app passwords. */
  password: 'password',
} as const;
