import type { AuthType } from '../store/schema.js';

export type ProviderId = 'atlassian-cloud' | 'jira-dc' | 'confluence-dc' | 'bitbucket-cloud' | 'bitbucket-dc';
export type Product = 'jira' | 'confluence' | 'bitbucket';

/** The upstream origins a provider's URL templates are built from; overridable by configuration. */
export interface Endpoints {
  atlassianAuthUrl: string;
  atlassianApiUrl: string;
  bitbucketAuthUrl: string;
  bitbucketApiUrl: string;
}

/** What a URL template sees: the configured endpoints and, for Data Center, the connection's base URL. */
export interface UrlContext {
  endpoints: Endpoints;
  /** Data Center base URL (no trailing slash), e.g. https://jira.example.com or https://example.com/jira */
  baseUrl?: string;
}

export type UrlTemplate = (ctx: UrlContext) => string;

/** A field a caller supplies when creating a connection with this method. */
export interface FieldDefinition {
  name: 'base_url' | 'site_url' | 'email' | 'username' | 'token' | 'password';
  secret: boolean;
  description: string;
}

export interface AuthMethodDefinition {
  /** Public name of the method, as sent in `POST /v1/connections` (`auth.type`). */
  id: 'oauth2' | 'api_token' | 'scoped_api_token' | 'access_token' | 'personal_access_token' | 'basic' | 'app_password';
  /** How the credential is stored and applied. */
  authType: AuthType;
  description: string;
  fields: FieldDefinition[];
  /** Shown to the caller when they use this method (e.g. a deprecation). */
  warning?: string;
}

export interface OAuthDefinition {
  authorizeUrl: UrlTemplate;
  tokenUrl: UrlTemplate;
  /** How the client authenticates at the token endpoint. */
  clientAuth: 'client_secret_post' | 'client_secret_basic';
  /** Send PKCE (S256). Off where the provider does not support it (Atlassian 3LO). */
  pkce: boolean;
  defaultScopes: string[];
  /** Added to every authorization request whatever the caller asks for (e.g. offline_access). */
  requiredScopes: string[];
  scopeSeparator: ' ' | ',';
  /** Fixed extra parameters of the authorization request (Atlassian: audience, prompt). */
  authorizeParams: Record<string, string>;
  /** Refresh tokens rotate: each refresh answers a new one and consumes the old. */
  rotatingRefreshTokens: boolean;
  /** How long the provider still accepts a consumed refresh token (Atlassian: 10 minutes). 0 = never. */
  reuseLeewaySeconds: number;
  /** Unused refresh tokens expire after this many days (Atlassian 90, Bitbucket ~90). */
  inactivityExpiryDays: number | null;
  /** Refresh tokens expire this many days after first consent whatever happens (Atlassian 365). */
  absoluteExpiryDays: number | null;
  /** Global fallback OAuth client from the environment, when this provider has one. */
  envClient?: 'atlassian' | 'bitbucket';
  /** Data Center: the authorization server lives on the instance, so a base URL is needed to start. */
  needsBaseUrl: boolean;
}

export interface ProviderDefinition {
  id: ProviderId;
  name: string;
  deployment: 'cloud' | 'data-center';
  products: Product[];
  authMethods: AuthMethodDefinition[];
  oauth?: OAuthDefinition;
  /** The REST API root the credential is used against (3LO routes per site are built by the connection). */
  apiBase: UrlTemplate;
  /** Headers every upstream request carries (Bitbucket DC: X-Atlassian-Token: no-check). */
  defaultHeaders: Record<string, string>;
  docs: string;
}
