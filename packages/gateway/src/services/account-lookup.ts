import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { AppError } from '../errors/app-error.js';
import { credentialStrings, parseJson, vendorMessage } from '../http/upstream-errors.js';
import { header, type UpstreamAnswer, upstreamGet } from '../http/upstream-get.js';
import { providers } from '../providers/registry.js';
import type { Product, ProviderId } from '../providers/types.js';

/**
 * Who a credential signs in as, asked live of the vendor: the check before a connection is saved, and the
 * call behind POST /v1/connections/{id}/test.
 */
export interface LookupTarget {
  provider: ProviderId;
  /**
   * The resolved API root: `${atlassianApiUrl}/ex/jira/${cloudId}` (or /ex/confluence/… for a Confluence-only
   * site) for 3LO and scoped tokens; the site URL for classic API tokens; `${bitbucketApiUrl}/2.0`; the Data
   * Center base URL.
   */
  apiUrl: string;
  products: Product[];
}

export interface Account {
  accountId: string;
  accountName: string;
  email?: string;
}

export interface LookupOptions {
  dispatcher?: Dispatcher;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** The vendor refused the credential (401/403). `upstreamStatus` lets a caller refresh once after a 401. */
export class CredentialRejectedError extends AppError {
  constructor(
    message: string,
    readonly upstreamStatus: number,
  ) {
    super('VALIDATION', message);
  }
}

type Json = Record<string, unknown>;
const s = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

function account(id: string | undefined, name: string | undefined, email: unknown): Account | undefined {
  if (id === undefined) return undefined;
  const out: Account = { accountId: id, accountName: name ?? id };
  const e = s(email);
  if (e !== undefined) out.email = e;
  return out;
}

/** Jira Cloud /rest/api/3/myself (accountId) and Jira DC /rest/api/2/myself (key, name). */
const jiraUser = (b: Json) => account(s(b.accountId) ?? s(b.key) ?? s(b.name), s(b.displayName), b.emailAddress);
/** Confluence /rest/api/user/current: Cloud has accountId, DC userKey/username; `type: anonymous` is no one. */
const confluenceUser = (b: Json) =>
  b.type === 'anonymous'
    ? undefined
    : account(s(b.accountId) ?? s(b.userKey) ?? s(b.username), s(b.displayName) ?? s(b.publicName), b.email);
/** Bitbucket Cloud /2.0/user; access tokens answer a pseudo-user that may have only a uuid. */
const bitbucketUser = (b: Json) =>
  account(s(b.account_id) ?? s(b.uuid), s(b.display_name) ?? s(b.nickname) ?? s(b.username), undefined);

function rejected(target: LookupTarget, url: string, res: UpstreamAnswer, authorization: string): AppError {
  const name = providers[target.provider].name;
  const said = vendorMessage(res.text, credentialStrings(authorization));
  const quote = `HTTP ${res.status}${said === undefined ? '' : `: "${said}"`}`;
  const where = new URL(url);
  if (res.status === 401 || res.status === 403) {
    const captcha = header(res.headers, 'x-seraph-loginreason')?.includes('AUTHENTICATION_DENIED')
      ? ' The account must pass a CAPTCHA first: log in once in a browser.'
      : '';
    return new CredentialRejectedError(
      `${name} rejected the credential (${quote}). Check the token or password, the email or username that goes with it, its scopes and expiry, then try again.${captcha}`,
      res.status,
    );
  }
  if (res.status >= 300 && res.status < 400) {
    const to = header(res.headers, 'location');
    const origin = to === undefined ? 'another address' : new URL(to, where).origin;
    return new AppError(
      'VALIDATION',
      `${where.origin} redirected the API call to ${origin} (HTTP ${res.status}). Use the URL the instance serves its API at, including any context path.`,
    );
  }
  if (res.status === 404) {
    return new AppError(
      'VALIDATION',
      `No ${name} API answered at ${where.origin}${where.pathname} (${quote}). Check the URL, including any context path such as /jira, and the site's cloud id.`,
    );
  }
  if (res.status === 429) {
    const retry = Number(header(res.headers, 'retry-after'));
    return new AppError('RATE_LIMITED', `${name} is rate limiting these calls (${quote}). Retry later.`, {
      retryAfter: Number.isInteger(retry) && retry > 0 ? Math.min(retry, 3600) : 60,
    });
  }
  if (res.status >= 500) {
    return new AppError('UPSTREAM_UNAVAILABLE', `${name} failed to answer (${quote}). Retry shortly.`, {
      retryAfter: 5,
    });
  }
  return new AppError('VENDOR_ERROR', `${name} refused the account lookup (${quote}).`);
}

function notAUser(target: LookupTarget, url: string): AppError {
  const { name } = providers[target.provider];
  return new AppError(
    'VENDOR_ERROR',
    `${new URL(url).origin} answered, but not with a signed-in ${name} user. Check that the URL points at ${name} and that the credential signs in a user.`,
  );
}

const join = (root: string, path: string) => `${root.replace(/\/+$/, '')}${path}`;

async function getUser(
  target: LookupTarget,
  path: string,
  authorization: string,
  opts: LookupOptions,
  parse: (body: Json, headers: IncomingHttpHeaders) => Account | undefined,
): Promise<Account> {
  const url = join(target.apiUrl, path);
  const headers = { ...providers[target.provider].defaultHeaders, ...opts.headers, authorization };
  const res = await upstreamGet(url, { dispatcher: opts.dispatcher, headers, timeoutMs: opts.timeoutMs });
  if (res.status < 200 || res.status >= 300) throw rejected(target, url, res, authorization);
  const body = parseJson(res.text);
  const found = typeof body === 'object' && body !== null ? parse(body as Json, res.headers) : undefined;
  if (found === undefined) throw notAUser(target, url);
  return found;
}

/**
 * Bitbucket Data Center has no "myself" resource. Every answer to an authenticated request names the user in
 * `X-AUSERNAME` (and `X-AUSERID`), so ask for the application properties and read the headers, then fetch the
 * user by slug for the display name. Project and repository tokens sign in as a bot user that the users
 * resource may not show: then the slug stands for the name.
 */
async function bitbucketDcUser(target: LookupTarget, authorization: string, opts: LookupOptions): Promise<Account> {
  let slug: string | undefined;
  let userId: string | undefined;
  const base = await getUser(target, '/rest/api/latest/application-properties', authorization, opts, (_b, h) => {
    slug = header(h, 'x-ausername');
    userId = header(h, 'x-auserid');
    return slug === undefined || slug === '' ? undefined : { accountId: userId ?? slug, accountName: slug };
  });
  if (slug === undefined) return base;
  try {
    const path = `/rest/api/latest/users/${encodeURIComponent(slug)}`;
    return await getUser(target, path, authorization, opts, (b) =>
      account(s(b.id) ?? userId ?? slug, s(b.displayName) ?? slug, b.emailAddress),
    );
  } catch (err) {
    if (err instanceof AppError && (err.code === 'UPSTREAM_UNAVAILABLE' || err.code === 'RATE_LIMITED')) throw err;
    return base;
  }
}

/**
 * Ask the vendor who `authorization` (`Bearer …` or `Basic …`) signs in as. A refused credential is a
 * VALIDATION error quoting the vendor (CredentialRejectedError); an unreachable or failing vendor is
 * UPSTREAM_UNAVAILABLE; an address refused by the host guard keeps the guard's message.
 */
export function lookupAccount(target: LookupTarget, authorization: string, opts: LookupOptions = {}): Promise<Account> {
  switch (target.provider) {
    case 'atlassian-cloud':
      return target.products.includes('jira')
        ? getUser(target, '/rest/api/3/myself', authorization, opts, jiraUser)
        : getUser(target, '/wiki/rest/api/user/current', authorization, opts, confluenceUser);
    case 'jira-dc':
      return getUser(target, '/rest/api/2/myself', authorization, opts, jiraUser);
    case 'confluence-dc':
      return getUser(target, '/rest/api/user/current', authorization, opts, confluenceUser);
    case 'bitbucket-cloud':
      return getUser(target, '/user', authorization, opts, bitbucketUser);
    case 'bitbucket-dc':
      return bitbucketDcUser(target, authorization, opts);
  }
}
