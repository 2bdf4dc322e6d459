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

/** Paths of the API, one place for server routes and client calls. */
export const paths = {
  healthz: '/healthz',
  readyz: '/readyz',
  whoami: '/v1/me',
  tenants: '/v1/tenants',
  tenant: '/v1/tenants/:tenant_id',
  keys: '/v1/keys',
  key: '/v1/keys/:key_id',
} as const;

export type PathName = keyof typeof paths;
