import type { ErrorCode } from '@switchyard/sdk';

export interface ErrorDefinition {
  status: number;
  /** One line for docs/errors.md: when it happens and what to do. A test keeps the doc in step. */
  doc: string;
}

/**
 * Every error code the gateway answers with. Codes are public API: never rename or reuse one;
 * retire a code by leaving it here with a doc line that says so.
 */
export const errorRegistry = {
  VALIDATION: {
    status: 400,
    doc: 'The request is malformed: a field is missing or invalid, or the body is not JSON. Fix the request as `details` says.',
  },
  UNAUTHORIZED: {
    status: 401,
    doc: 'No API key, an unknown key or a revoked one. Send `Authorization: Bearer <key>` with a live key.',
  },
  FORBIDDEN: {
    status: 403,
    doc: 'The key is valid but may not do this (a tenant key naming another tenant, or an admin-only call).',
  },
  NOT_FOUND: { status: 404, doc: 'No such route or resource in this tenant. Check the path and the id.' },
  CONFLICT: { status: 409, doc: 'The resource already exists or changed since you read it. Re-read it and retry.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    doc: 'The body has a content type the route does not take. Send `Content-Type: application/json`.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    doc: 'The body is larger than the configured limit (`SWITCHYARD_BODY_LIMIT_BYTES`).',
  },
  NOT_CONNECTED: {
    status: 424,
    doc: 'The connection does not exist or has no usable credential. Create or finish the connection first.',
  },
  REAUTH_REQUIRED: {
    status: 424,
    doc: 'The provider revoked the grant (for example a refresh token was rejected). Reconnect the connection.',
  },
  TOKEN_EXPIRED: { status: 424, doc: 'The credential expired and cannot be refreshed. Rotate the token or reconnect.' },
  RATE_LIMITED: {
    status: 429,
    doc: 'A rate limit (ours or the vendor’s) is exhausted. Wait `retry_after` seconds and retry.',
  },
  VENDOR_ERROR: {
    status: 502,
    doc: 'The vendor answered with an error; its sanitized message is quoted. Fix the request or check the vendor.',
  },
  UPSTREAM_UNAVAILABLE: {
    status: 503,
    doc: 'The vendor could not be reached or kept failing. Retry after `retry_after` seconds.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    doc: 'The gateway is starting, shutting down or cannot reach its database. Retry shortly.',
  },
  INTERNAL_ERROR: {
    status: 500,
    doc: 'A bug or an unexpected failure in the gateway. Retry; if it persists, report it with the `request_id`.',
  },
} as const satisfies Record<ErrorCode, ErrorDefinition>;
