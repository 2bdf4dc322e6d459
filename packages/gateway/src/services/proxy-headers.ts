import type { IncomingHttpHeaders } from 'node:http';

/**
 * Which headers cross the proxy. Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and never
 * cross, nor do the headers a `Connection` header names. Towards the vendor, the caller's own credentials and
 * routing (Authorization, Cookie, X-Tenant-Id, Host, X-Forwarded-*) stay behind: the gateway adds the
 * connection's credential. Back to the caller, everything the vendor said passes (status, content type,
 * `Retry-After`, `X-RateLimit-*`, `RateLimit-Reason`, `Beta-*`, `Link`, ETag, …) except what would act on the
 * gateway's own origin: cookies, authentication challenges, CORS and HSTS policies, and the request id.
 */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

const NOT_FORWARDED: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP,
  'authorization',
  'cookie',
  'host',
  'x-tenant-id',
  'x-request-id',
  'expect',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
]);

const NOT_RETURNED: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP,
  'set-cookie',
  'www-authenticate',
  'strict-transport-security',
  'alt-svc',
  'x-request-id',
  'date',
]);

type Headers = IncomingHttpHeaders | Record<string, string | string[] | undefined>;

const NONE: ReadonlySet<string> = new Set();

/** Lower-case names listed in the `Connection` header: hop-by-hop too. */
function connectionTokens(headers: Headers): ReadonlySet<string> {
  const value = headers.connection;
  if (value === undefined || value === 'keep-alive' || value === 'close') return NONE;
  const text = Array.isArray(value) ? value.join(',') : value;
  return new Set(
    text
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

/**
 * The caller's headers that go to the vendor (single values; repeated ones joined as HTTP allows), over
 * `base` (the provider's default headers).
 */
export function forwardedRequestHeaders(headers: Headers, base: Record<string, string> = {}): Record<string, string> {
  const named = connectionTokens(headers);
  const out: Record<string, string> = { ...base };
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || NOT_FORWARDED.has(name) || named.has(name) || name.startsWith('proxy-')) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The vendor's headers that go back to the caller. */
export function returnedResponseHeaders(headers: Headers): Record<string, string | string[]> {
  const named = connectionTokens(headers);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || NOT_RETURNED.has(name) || named.has(name)) continue;
    if (name.startsWith('proxy-') || name.startsWith('access-control-')) continue;
    out[name] = value;
  }
  return out;
}
