/**
 * A browser-like client for tests: follows redirects by hand and keeps cookies per origin and path, the
 * way a browser does, so OAuth flows that bind state to cookies (oidc-provider's interactions, the
 * gateway's flow cookie) work or fail as they would in a browser.
 */
interface Cookie {
  name: string;
  value: string;
  origin: string;
  path: string;
}

export class CookieJar {
  readonly #cookies: Cookie[] = [];

  store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (n: string) => attrs.find((a) => a.toLowerCase().startsWith(`${n}=`))?.slice(n.length + 1);
      const path = attr('path') ?? '/';
      const expires = attr('expires');
      const gone = attr('max-age') === '0' || (expires !== undefined && Date.parse(expires) < Date.now());
      const i = this.#cookies.findIndex((c) => c.name === name && c.origin === url.origin && c.path === path);
      if (i >= 0) this.#cookies.splice(i, 1);
      if (!gone) this.#cookies.push({ name, value, origin: url.origin, path });
    }
  }

  header(url: URL): string | undefined {
    const matching = this.#cookies.filter(
      (c) =>
        c.origin === url.origin &&
        (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)),
    );
    return matching.length === 0 ? undefined : matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.#cookies.find((c) => c.name === name)?.value;
  }
}

export interface BrowseResult {
  /** The URL the browser ended on (its response was not a redirect), or the first URL matching stopAt. */
  url: URL;
  status: number;
  body: string;
  /** Every URL visited, in order. */
  visited: URL[];
}

/**
 * GET `start` and follow redirects (at most `maxHops`), sending and storing cookies. Stops before
 * requesting a URL that starts with `stopAt` (e.g. a redirect URI nobody listens on), answering it.
 */
export async function followRedirects(
  start: string | URL,
  opts: { jar?: CookieJar; stopAt?: string; maxHops?: number; headers?: Record<string, string> } = {},
): Promise<BrowseResult> {
  const jar = opts.jar ?? new CookieJar();
  const visited: URL[] = [];
  let url = new URL(start);
  for (let hop = 0; hop <= (opts.maxHops ?? 20); hop++) {
    visited.push(url);
    if (opts.stopAt !== undefined && hop > 0 && url.href.startsWith(opts.stopAt)) {
      return { url, status: 0, body: '', visited };
    }
    const headers: Record<string, string> = { ...opts.headers };
    const cookie = jar.header(url);
    if (cookie !== undefined) headers.cookie = cookie;
    const res = await fetch(url, { redirect: 'manual', headers });
    jar.store(url, res.headers.getSetCookie());
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || location === null) {
      return { url, status: res.status, body: await res.text(), visited };
    }
    await res.body?.cancel();
    url = new URL(location, url);
  }
  throw new Error(`too many redirects from ${String(start)}`);
}
