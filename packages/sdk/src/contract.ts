/**
 * The endpoint contract shared by the gateway and this SDK. The gateway's zod schemas are
 * checked against these types at compile time (`satisfies z.ZodType<…>`), so a change here
 * that the server does not follow fails the build.
 */

export type ErrorCode =
  | 'VALIDATION'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'NOT_CONNECTED'
  | 'REAUTH_REQUIRED'
  | 'TOKEN_EXPIRED'
  | 'RATE_LIMITED'
  | 'VENDOR_ERROR'
  | 'UPSTREAM_UNAVAILABLE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

/** The body of every 4xx/5xx answer. */
export interface ErrorBody {
  status: 'error';
  code: ErrorCode;
  message: string;
  request_id: string;
  retry_after?: number | undefined;
  details?: Array<{ path: string; message: string }> | undefined;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface ListQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  created_at: string;
}

export interface CreateTenantBody {
  name: string;
  slug?: string | undefined;
}

export type KeyRole = 'admin' | 'tenant';

/** An API key as listed: never the secret itself. */
export interface ApiKey {
  id: string;
  tenant_id: string;
  name: string;
  role: KeyRole;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Answer to key creation: `key` is shown this once and is not stored. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface CreateKeyBody {
  name: string;
  role?: KeyRole | undefined;
  tenant_id?: string | undefined;
}

export interface Whoami {
  tenant: Tenant;
  key: ApiKey;
  acting_as_admin: boolean;
}

export interface Health {
  status: 'ok';
}

export interface Readiness {
  status: 'ready' | 'not_ready';
  database: 'ok' | 'unreachable';
  migrations: 'applied' | 'pending';
}

// --- Connect flows (OAuth), connect sessions and OAuth apps ---

/** Start an OAuth connection. Everything is optional except a Data Center `site` (its base URL). */
export interface ConnectBody {
  /** Atlassian: a site URL or cloud id to connect (else the user picks); Data Center: the base URL (required). */
  site?: string | undefined;
  /** Scopes to request instead of the defaults; the provider's required ones (offline_access) are added. */
  scopes?: string[] | undefined;
  /** Where the browser goes when the flow ends, with `connection_id` or `error` and `error_description`. */
  return_url?: string | undefined;
  /** Name of the connection(s) created. */
  name?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/** `authorize_url` is on the gateway: opening it binds the browser (a cookie) and redirects to the provider. */
export interface ConnectStarted {
  authorize_url: string;
  expires_at: string;
}

export interface CreateConnectSessionBody extends ConnectBody {
  provider: string;
  return_url: string;
}

/** A single-use URL to hand to an end user's browser; it starts the flow without the API key. */
export interface ConnectSession {
  url: string;
  expires_at: string;
}

/** A tenant's OAuth client for a provider. The client secret is write-only. */
export interface OAuthApp {
  provider: string;
  client_id: string;
  created_at: string;
  updated_at: string;
}

export interface PutOAuthAppBody {
  client_id: string;
  client_secret: string;
}

// --- Providers and connections ---

export type ProviderId = 'atlassian-cloud' | 'jira-dc' | 'confluence-dc' | 'bitbucket-cloud' | 'bitbucket-dc';
export type Product = 'jira' | 'confluence' | 'bitbucket';
export type AuthMethodId =
  | 'oauth2'
  | 'api_token'
  | 'scoped_api_token'
  | 'access_token'
  | 'personal_access_token'
  | 'basic'
  | 'app_password';
export type ConnectionStatus = 'active' | 'reauth_required' | 'error';

/** A field a caller sends when creating a connection with an auth method. */
export interface ProviderField {
  name: 'base_url' | 'site_url' | 'email' | 'username' | 'token' | 'password';
  secret: boolean;
  description: string;
}

export interface ProviderAuthMethod {
  id: AuthMethodId;
  description: string;
  fields: ProviderField[];
  /** Set when the method is deprecated or going away. */
  warning: string | null;
}

export interface ProviderOAuth {
  default_scopes: string[];
  /** Always requested whatever the caller asks for (e.g. offline_access). */
  required_scopes: string[];
  pkce: boolean;
  /** Data Center: the authorization server is the instance, so a base URL is needed to start. */
  needs_base_url: boolean;
  /** Whether an OAuth client is configured for the calling tenant: its own, or the gateway's from the environment. */
  client_configured: boolean;
  client_source: 'tenant' | 'environment' | null;
}

export interface Provider {
  id: ProviderId;
  name: string;
  deployment: 'cloud' | 'data-center';
  products: Product[];
  auth_methods: ProviderAuthMethod[];
  oauth: ProviderOAuth | null;
  docs: string;
}

/** How a connection authenticates: never the secret, only a masked hint of it. */
export interface ConnectionAuth {
  type: AuthMethodId;
  /** e.g. "••••f9Qa": the last characters of the token, to tell tokens apart. */
  hint: string | null;
  username: string | null;
  email: string | null;
}

export interface ConnectionAccount {
  id: string | null;
  name: string | null;
}

export interface Connection {
  id: string;
  provider: ProviderId;
  name: string;
  auth: ConnectionAuth;
  /** Atlassian Cloud site URL. */
  site_url: string | null;
  /** Data Center base URL. */
  base_url: string | null;
  cloud_id: string | null;
  account: ConnectionAccount;
  products: Product[];
  scopes: string[];
  status: ConnectionStatus;
  /** When the access token expires (OAuth); null for tokens without a known expiry. */
  expires_at: string | null;
  refreshed_at: string | null;
  last_used_at: string | null;
  last_error: string | null;
  metadata: Record<string, unknown>;
  /** Things the caller should act on, e.g. a deprecated auth method. */
  warnings: string[];
  created_at: string;
  updated_at: string;
}

/** The secret and identity parts of a token connection; which ones a method takes: GET /v1/providers. */
export interface ConnectionCredentials {
  email?: string | undefined;
  username?: string | undefined;
  token?: string | undefined;
  password?: string | undefined;
}

export interface CreateConnectionBody {
  provider: ProviderId;
  auth: ConnectionCredentials & { type: AuthMethodId };
  /** Data Center: the instance's base URL, including any context path. */
  base_url?: string | undefined;
  /** Atlassian Cloud API tokens: https://<site>.atlassian.net */
  site_url?: string | undefined;
  name?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** PEM CA certificates to trust for this connection's upstream, besides the default roots. */
  ca_pem?: string | undefined;
}

/** Rotate a credential, move a Data Center connection, rename, replace metadata. Credentials are re-checked live. */
export interface UpdateConnectionBody {
  name?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  base_url?: string | undefined;
  ca_pem?: string | null | undefined;
  auth?: ConnectionCredentials | undefined;
}

export interface ListConnectionsQuery extends ListQuery {
  provider?: ProviderId | undefined;
  status?: ConnectionStatus | undefined;
}

/** The answer of POST /v1/connections/{id}/test: a live call to the vendor. */
export interface ConnectionTest {
  ok: boolean;
  latency_ms: number;
  status: ConnectionStatus;
  account: ConnectionAccount | null;
  error: { code: ErrorCode; message: string } | null;
}

/** Confluence Cloud page events by CQL polling of an `atlassian-cloud` connection (docs/confluence-polling.md). */
export interface ConfluencePolling {
  connection_id: string;
  enabled: boolean;
  /** Space keys searched; empty = every space the connection can read. */
  spaces: string[];
  interval_seconds: number;
  /** The newest modification time whose events are committed; the next search starts before it. */
  watermark: string | null;
  last_run_at: string | null;
  last_success_at: string | null;
  /** The last run's error, null once a run succeeds. */
  last_error: string | null;
  /** Events stored by the last successful run. */
  last_event_count: number;
  next_run_at: string | null;
}

export interface UpdateConfluencePollingBody {
  enabled: boolean;
  /** Space keys; omitted keeps the current ones (none = every space). */
  spaces?: string[] | undefined;
  /** 30 to 86400; omitted keeps the current interval (default 60). */
  interval_seconds?: number | undefined;
}

/** Paths of the API, one place for server routes and client calls. */
export const paths = {
  healthz: '/healthz',
  readyz: '/readyz',
  whoami: '/v1/me',
  tenants: '/v1/tenants',
  tenant: '/v1/tenants/:tenant_id',
  keys: '/v1/keys',
  key: '/v1/keys/:key_id',
  connect: '/v1/connect/:provider',
  connectSessions: '/v1/connect-sessions',
  oauthApps: '/v1/oauth-apps',
  oauthApp: '/v1/oauth-apps/:provider',
  /** Browser routes of the connect flow (no API key). */
  connectStart: '/connect/start/:state',
  connectSession: '/connect/:token',
  oauthCallback: '/oauth/callback',
  oauthSelect: '/oauth/select',
  providers: '/v1/providers',
  connections: '/v1/connections',
  connection: '/v1/connections/:connection_id',
  connectionTest: '/v1/connections/:connection_id/test',
  /** The authenticated passthrough: any method on `<connectionProxy>/<vendor path>` (see docs/proxy.md). */
  connectionProxy: '/v1/connections/:connection_id/proxy',
  /** The normalized Jira API of a connection (docs/jira-api.md). */
  jiraMyself: '/v1/connections/:connection_id/jira/myself',
  jiraProjects: '/v1/connections/:connection_id/jira/projects',
  jiraIssues: '/v1/connections/:connection_id/jira/issues',
  jiraIssuesExport: '/v1/connections/:connection_id/jira/issues/export',
  jiraIssue: '/v1/connections/:connection_id/jira/issues/:issue_key',
  jiraTransitions: '/v1/connections/:connection_id/jira/issues/:issue_key/transitions',
  jiraComments: '/v1/connections/:connection_id/jira/issues/:issue_key/comments',
  jiraIssueTypes: '/v1/connections/:connection_id/jira/projects/:project_key/issue-types',
  jiraIssueTypeFields: '/v1/connections/:connection_id/jira/projects/:project_key/issue-types/:issue_type_id/fields',
  jiraUsers: '/v1/connections/:connection_id/jira/users',
  /** The normalized Confluence API of a connection (docs/confluence-api.md). */
  confluenceSpaces: '/v1/connections/:connection_id/confluence/spaces',
  confluenceSpacePages: '/v1/connections/:connection_id/confluence/spaces/:space_key_or_id/pages',
  confluencePages: '/v1/connections/:connection_id/confluence/pages',
  confluencePage: '/v1/connections/:connection_id/confluence/pages/:page_id',
  confluenceChildren: '/v1/connections/:connection_id/confluence/pages/:page_id/children',
  confluenceSearch: '/v1/connections/:connection_id/confluence/search',
  /** The normalized Bitbucket API of a connection (docs/bitbucket-api.md). */
  bitbucketUser: '/v1/connections/:connection_id/bitbucket/user',
  bitbucketWorkspaces: '/v1/connections/:connection_id/bitbucket/workspaces',
  bitbucketRepositories: '/v1/connections/:connection_id/bitbucket/workspaces/:workspace/repositories',
  bitbucketRepository: '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo',
  bitbucketAllRepositories: '/v1/connections/:connection_id/bitbucket/repositories',
  bitbucketBranches: '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/branches',
  bitbucketCommits: '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/commits',
  bitbucketCommit: '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/commits/:hash',
  bitbucketBuildStatuses:
    '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/commits/:hash/statuses',
  bitbucketInsightReport:
    '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/commits/:hash/reports/:report_key',
  bitbucketInsightAnnotations:
    '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/commits/:hash/reports/:report_key/annotations',
  /** File content at a ref: append the file's path (`…/src/:ref/dir/file.ts`); a Cloud directory is listed. */
  bitbucketSource: '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/src/:ref',
  bitbucketCodeSearch: '/v1/connections/:connection_id/bitbucket/workspaces/:workspace/search/code',
  bitbucketPipelines: '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pipelines',
  bitbucketPipeline: '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pipelines/:pipeline_id',
  bitbucketPipelineStop:
    '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pipelines/:pipeline_id/stop',
  bitbucketPipelineSteps:
    '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pipelines/:pipeline_id/steps',
  bitbucketPipelineStepLog:
    '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pipelines/:pipeline_id/steps/:step_id/log',
  bitbucketIssues: '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/issues',
  bitbucketIssue: '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/issues/:issue_id',
  bitbucketWorkspaceSummary: '/v1/connections/:connection_id/bitbucket/workspaces/:workspace/summary',
  bitbucketPullRequests: '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pull-requests',
  bitbucketPullRequest: '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pull-requests/:pr_id',
  bitbucketApprove:
    '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pull-requests/:pr_id/approve',
  bitbucketDecline:
    '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pull-requests/:pr_id/decline',
  bitbucketMerge: '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pull-requests/:pr_id/merge',
  bitbucketComments:
    '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pull-requests/:pr_id/comments',
  bitbucketRequestChanges:
    '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pull-requests/:pr_id/request-changes',
  bitbucketComment:
    '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pull-requests/:pr_id/comments/:comment_id',
  bitbucketDiff: '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pull-requests/:pr_id/diff',
  bitbucketDiffstat:
    '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pull-requests/:pr_id/diffstat',
  bitbucketActivity:
    '/v1/connections/:connection_id/bitbucket/repositories/:workspace/:repo/pull-requests/:pr_id/activity',
  hooks: '/v1/connections/:connection_id/hooks',
  hook: '/v1/connections/:connection_id/hooks/:hook_id',
  hookRotate: '/v1/connections/:connection_id/hooks/:hook_id/rotate',
  hookFinishRotation: '/v1/connections/:connection_id/hooks/:hook_id/finish-rotation',
  confluencePolling: '/v1/connections/:connection_id/confluence/polling',
  /** Webhooks registered at the vendor (docs/webhook-registration.md). */
  webhooks: '/v1/connections/:connection_id/webhooks',
  webhookSync: '/v1/connections/:connection_id/webhooks/sync',
  /** Webhook ingest (no API key: the vendor's signature authenticates). */
  ingest: '/hooks/:public_id',
  subscriptions: '/v1/subscriptions',
  subscription: '/v1/subscriptions/:subscription_id',
  subscriptionTest: '/v1/subscriptions/:subscription_id/test',
  events: '/v1/events',
  eventStream: '/v1/events/stream',
  event: '/v1/events/:event_id',
  eventReplay: '/v1/events/:event_id/replay',
  deliveries: '/v1/deliveries',
  delivery: '/v1/deliveries/:delivery_id',
} as const;

export type PathName = keyof typeof paths;
