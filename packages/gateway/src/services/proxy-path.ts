import { AppError } from '../errors/app-error.js';

/**
 * The part of a proxied request's URL that goes to the vendor, checked so that it can never leave the
 * connection's API root: whatever the vendor, a reverse proxy in front of it or a URL parser makes of the
 * path, it names a resource under that root on that origin. Refused with VALIDATION:
 * - absolute URLs (`/https://evil.example/…`) and scheme-relative or empty segments (`//evil.example`);
 * - backslashes, which some servers read as `/`;
 * - `.` and `..` segments;
 * - encoded slashes and backslashes (`%2f`, `%5c`), which a server may decode into separators;
 * - any of the above hidden by percent-encoding, once or several times (`%2e%2e`, `.%2e`, `%252e%252e`,
 *   `%252f`), control characters (`%00`, `%0a`) and malformed escapes.
 * The path is forwarded exactly as the caller sent it; only the check decodes.
 */
export interface ProxyPath {
  /** The raw path, starting with `/`. */
  path: string;
  /** The raw query string without `?` ('' when none). */
  query: string;
}

const MAX_DECODES = 4;

const refuse = (reason: string) =>
  new AppError('VALIDATION', `The proxied path is refused: ${reason}. Send a plain path under the API root.`, {
    details: [{ path: 'path', message: reason }],
  });

const hasControl = (text: string) => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
};

function checkLayer(layer: string): void {
  if (hasControl(layer)) throw refuse('it contains a control character');
  if (layer.includes('\\')) throw refuse('it contains a backslash');
  if (/%(2f|5c)/i.test(layer)) throw refuse('it contains an encoded slash or backslash (%2F, %5C)');
  const segments = layer.split('/');
  if (/^[a-z][a-z0-9+.-]*:/i.test(segments[1] ?? '')) throw refuse('it is an absolute URL');
  if (layer.includes('//')) throw refuse('it contains an empty segment or a scheme-relative URL (//)');
  if (segments.some((s) => s === '.' || s === '..')) throw refuse('it contains a dot segment (. or ..)');
}

/** Nothing that needs a closer look: no `%`, `\`, `//`, `/.`, `:` and no control characters. */
const PLAIN = /^(?:\/[A-Za-z0-9_~!$&'()*+,;=@{}-][A-Za-z0-9_.~!$&'()*+,;=@{}-]*)+$/;

/** Check a raw path (decoding it layer by layer); answers it unchanged. */
export function checkProxyPath(raw: string): string {
  if (PLAIN.test(raw)) return raw;
  if (!raw.startsWith('/') || raw === '/') throw refuse('name a resource, e.g. /rest/api/3/myself');
  let layer = raw;
  for (let i = 0; i < MAX_DECODES; i++) {
    checkLayer(layer);
    if (!layer.includes('%')) return raw;
    let decoded: string;
    try {
      decoded = decodeURIComponent(layer);
    } catch {
      throw refuse('it has a malformed percent-escape');
    }
    if (decoded === layer) return raw;
    layer = decoded;
  }
  throw refuse('it is percent-encoded too many times');
}

const PROXY_PREFIX = /^\/v1\/connections\/[^/?#]+\/proxy(?=[/?]|$)/;

/** The vendor-bound path and query of a raw request URL `/v1/connections/{id}/proxy/<path>?<query>`. */
export function proxyPathOf(rawUrl: string): ProxyPath {
  const prefix = PROXY_PREFIX.exec(rawUrl);
  if (prefix === null) throw refuse('the URL is not /v1/connections/{id}/proxy/{path}');
  const rest = rawUrl.slice(prefix[0].length);
  if (rest.includes('#')) throw refuse('it contains a fragment (#)');
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  return { path: checkProxyPath(path), query: q < 0 ? '' : rest.slice(q + 1) };
}

/**
 * The absolute upstream URL for a checked path under the API root `root`. The result must stay on the
 * root's origin and under its path; anything else (which the checks above already rule out) is refused too.
 */
export function upstreamUrl(root: URL, target: ProxyPath): URL {
  const rootPath = root.pathname.replace(/\/+$/, '');
  const url = new URL(`${root.origin}${rootPath}${target.path}${target.query === '' ? '' : `?${target.query}`}`);
  if (url.origin !== root.origin || !(url.pathname === rootPath || url.pathname.startsWith(`${rootPath}/`))) {
    throw refuse('it leaves the API root');
  }
  return url;
}
