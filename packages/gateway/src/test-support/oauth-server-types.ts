import type { ConsentDecision } from './oauth-server-interactions.js';
import type { TestSite, TestUser } from './oauth-server-resources.js';

/** Whose authorization server to imitate; 'data-center' is Jira/Confluence/Bitbucket DC's (on the instance). */
export type OAuthServerFlavor = 'atlassian' | 'bitbucket' | 'data-center';

/** What the token endpoint just answered; the hook runs after the server stored its side, before the bytes go out. */
export interface TokenResponseInfo {
  grantType: string;
  status: number;
  error?: string;
  /** A new refresh token was issued (and, on a refresh, the presented one consumed). */
  issuedRefreshToken: boolean;
}

export interface OAuthServerOptions {
  flavor?: OAuthServerFlavor;
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  /** How long a consumed refresh token still refreshes (Atlassian: 600). 0: reuse revokes the grant at once. */
  reuseLeewaySeconds?: number;
  sites?: TestSite[];
  user?: Partial<TestUser>;
  /** Scopes the server knows besides the providers' defaults (unknown ones are silently not granted). */
  scopes?: string[];
  onTokenResponse?: (info: TokenResponseInfo) => void | Promise<void>;
}

export interface OAuthServerStats {
  /** Token endpoint requests by grant_type (answered by oidc-provider, whatever the outcome). */
  tokenRequests: Record<string, number>;
  /** Token endpoint errors by OAuth error code. */
  tokenErrors: Record<string, number>;
  /** Token requests answered with an injected failure (failTokenRequests). */
  injectedFailures: number;
  /** Resource API calls with a valid token / refused with 401. */
  apiRequests: number;
  apiRejected: number;
  /** Interaction screens shown, by prompt (login, consent). */
  interactions: Record<string, number>;
}

export interface TestOAuthServer {
  /** The origin: point ATLASSIAN_AUTH_URL/ATLASSIAN_API_URL (or BITBUCKET_AUTH_URL/BITBUCKET_API_URL) here. */
  url: string;
  flavor: OAuthServerFlavor;
  authorizePath: string;
  tokenPath: string;
  user: TestUser;
  clients: { register(clientId: string, secret: string, redirectUris: string[]): Promise<void> };
  stats: OAuthServerStats;
  resetStats(): void;
  setConsent(decision: ConsentDecision): void;
  setSites(sites: TestSite[]): void;
  /** Make every accepted resource API call wait this long before it answers. */
  setApiDelay(ms: number): void;
  /** Answer the next `count` token requests with `status` (default 503) without touching any token. */
  failTokenRequests(count: number, status?: number): void;
  onTokenResponse: ((info: TokenResponseInfo) => void | Promise<void>) | undefined;
  /** Revoke every grant: all refresh and access tokens stop working. */
  revokeAll(): void;
  close(): Promise<void>;
}
