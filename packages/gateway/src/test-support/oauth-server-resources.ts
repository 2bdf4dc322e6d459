import type { KoaContext, Middleware, Provider } from 'oidc-provider';

/** An Atlassian site as accessible-resources lists it. */
export interface TestSite {
  id: string;
  name: string;
  url: string;
  scopes?: string[];
  avatarUrl?: string;
}

/** The one account the test server logs in. */
export interface TestUser {
  accountId: string;
  displayName: string;
  email: string;
  username: string;
  uuid: string;
}

export interface ResourceContext {
  provider: Provider;
  sites: () => TestSite[];
  user: TestUser;
  onRequest: (path: string, ok: boolean) => void;
  /** Milliseconds every accepted API call waits before it answers (to hold a caller mid-request). */
  delayMs: () => number;
}

interface Route {
  pattern: RegExp;
  answer: (rc: ResourceContext, match: RegExpMatchArray, scopes: string[]) => unknown;
}

const knownSite = (rc: ResourceContext, cloudId: string | undefined) => rc.sites().some((s) => s.id === cloudId);

/** The Atlassian- and Bitbucket-like API the tokens are for; every route needs a live Bearer token. */
const routes: Route[] = [
  {
    pattern: /^\/oauth\/token\/accessible-resources$/,
    answer: (rc, _m, scopes) =>
      rc.sites().map((s) => ({
        id: s.id,
        name: s.name,
        url: s.url,
        scopes: s.scopes ?? scopes,
        avatarUrl: s.avatarUrl ?? `${s.url}/avatar.png`,
      })),
  },
  {
    pattern: /^\/ex\/jira\/([^/]+)\/rest\/api\/[23]\/myself$/,
    answer: (rc, m) =>
      knownSite(rc, m[1])
        ? { accountId: rc.user.accountId, displayName: rc.user.displayName, emailAddress: rc.user.email, active: true }
        : undefined,
  },
  {
    pattern: /^\/ex\/confluence\/([^/]+)\/wiki\/rest\/api\/user\/current$/,
    answer: (rc, m) =>
      knownSite(rc, m[1])
        ? { type: 'known', accountId: rc.user.accountId, displayName: rc.user.displayName, email: rc.user.email }
        : undefined,
  },
  {
    pattern: /^\/rest\/api\/2\/myself$/,
    answer: (rc) => ({
      key: rc.user.username,
      name: rc.user.username,
      displayName: rc.user.displayName,
      emailAddress: rc.user.email,
    }),
  },
  {
    pattern: /^\/me$/,
    answer: (rc) => ({ account_id: rc.user.accountId, name: rc.user.displayName, email: rc.user.email }),
  },
  {
    pattern: /^\/2\.0\/user$/,
    answer: (rc) => ({
      type: 'user',
      uuid: rc.user.uuid,
      account_id: rc.user.accountId,
      display_name: rc.user.displayName,
      username: rc.user.username,
    }),
  },
];

function reply(ctx: KoaContext, status: number, body: unknown): void {
  ctx.status = status;
  ctx.body = body;
}

/** Koa middleware serving the resource API on the authorization server's origin. */
export function resourceApi(rc: ResourceContext): Middleware {
  return async (ctx, next) => {
    const route = ctx.method === 'GET' ? routes.find((r) => r.pattern.test(ctx.path)) : undefined;
    const match = route === undefined ? null : ctx.path.match(route.pattern);
    if (route === undefined || match === null) return next();
    const header = ctx.get('authorization');
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    const at = token === undefined ? undefined : await rc.provider.AccessToken.find(token);
    if (at === undefined || at.isExpired) {
      rc.onRequest(ctx.path, false);
      ctx.set('www-authenticate', 'Bearer error="invalid_token"');
      return reply(ctx, 401, { code: 401, message: 'Unauthorized' });
    }
    rc.onRequest(ctx.path, true);
    const delay = rc.delayMs();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const body = route.answer(rc, match, (at.scope ?? '').split(' ').filter(Boolean));
    if (body === undefined) return reply(ctx, 404, { errorMessages: ['Site not found'] });
    return reply(ctx, 200, body);
  };
}
