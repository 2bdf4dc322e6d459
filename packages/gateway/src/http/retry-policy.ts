/**
 * Which failures are worth another attempt. A retry must never repeat a write the vendor may have applied:
 * - a 429 means the vendor refused the request, so any method may retry it;
 * - 502/503/504 and network errors after the request may have left retry only idempotent requests —
 *   by method, or because the caller marked the request idempotent (e.g. a POST that only reads, such as
 *   Jira's `POST /search/jql`, or one carrying a key the vendor deduplicates on);
 * - a connection that was never made (refused, DNS hiccup, connect timeout) is safe for every method;
 * - a body we cannot replay (a stream) is never retried.
 */

/** Methods RFC 9110 defines as idempotent. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** Statuses that may succeed when asked again. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Never retried, whatever the method or marker: the request itself is wrong or not allowed, so asking
 * again changes nothing (401 has its own path: one refresh through the credential).
 */
export const NEVER_RETRY_STATUSES: ReadonlySet<number> = new Set([
  400, 401, 403, 404, 405, 406, 409, 410, 411, 412, 413, 414, 415, 422, 451, 501,
]);

/** The connection failed before the request was sent. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The connection failed after the request may have been sent (in part or whole). */
const MAYBE_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

export type NetworkFailure = 'not-sent' | 'maybe-sent' | 'other';

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Sorts a thrown error: transport failures by whether the request may have reached the vendor. */
export function classifyError(err: unknown): NetworkFailure {
  const code = errorCode(err);
  if (code === undefined) return 'other';
  if (NOT_SENT_CODES.has(code)) return 'not-sent';
  if (MAYBE_SENT_CODES.has(code)) return 'maybe-sent';
  return 'other';
}

export interface RetryQuestion {
  method: string;
  /** The caller's marker: true = safe to repeat, false = treat as a write; undefined = decide by method. */
  idempotent?: boolean | undefined;
  /** False when the body is a stream that was consumed by the first attempt. */
  replayable: boolean;
  status?: number;
  error?: unknown;
}

export function isIdempotent(method: string, marker: boolean | undefined): boolean {
  return marker ?? IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/** Whether this outcome may be retried at all (budgets, attempts and the deadline are checked elsewhere). */
export function isRetryable(q: RetryQuestion): boolean {
  if (!q.replayable) return false;
  if (q.status !== undefined) {
    if (NEVER_RETRY_STATUSES.has(q.status) || !RETRY_STATUSES.has(q.status)) return false;
    return q.status === 429 || isIdempotent(q.method, q.idempotent);
  }
  const failure = classifyError(q.error);
  if (failure === 'not-sent') return true;
  return failure === 'maybe-sent' && isIdempotent(q.method, q.idempotent);
}
