import type { FlowData, GrantedSite } from './connect-flow.js';
import { withParams } from './connect-flow.js';

/**
 * What a browser step of the connect flow answers. The server turns it into a redirect or a small HTML
 * page; the services decide which, so the rules (never redirect to an unverified URL, tokens never in a
 * URL) live in one place.
 */
export type BrowserOutcome =
  | {
      kind: 'redirect';
      location: string;
      /** Set the flow's binding cookie (name = flow cookie, value = binding). */
      setCookie?: { name: string; value: string };
      clearCookie?: string;
    }
  | {
      kind: 'page';
      status: number;
      title: string;
      message: string;
      /** Set on success without a return_url. */
      connectionIds?: string[];
      clearCookie?: string;
    }
  | { kind: 'picker'; state: string; providerName: string; sites: GrantedSite[]; notice?: string };

/** The `error` values a return_url can receive (docs/oauth.md lists them). */
export type FlowErrorCode =
  | 'access_denied'
  | 'invalid_request'
  | 'state_expired'
  | 'state_reused'
  | 'browser_mismatch'
  | 'token_exchange_failed'
  | 'site_not_granted'
  | 'no_accessible_sites'
  | 'account_lookup_failed'
  | 'session_expired'
  | 'session_used'
  | 'server_error';

/** A step that failed before any trustworthy flow was found: a page, never a redirect. */
export function untrusted(message: string): BrowserOutcome {
  return { kind: 'page', status: 400, title: 'This connection link is not valid', message };
}

/**
 * A failure of a flow whose state we verified: redirect to its return_url (ours, from the database) with
 * `error` and `error_description`, or show a page when it has none.
 */
export function flowFailure(
  data: Pick<FlowData, 'return_url'>,
  error: FlowErrorCode,
  description: string,
  clearCookie?: string,
): BrowserOutcome {
  const extra = clearCookie === undefined ? {} : { clearCookie };
  if (data.return_url !== undefined) {
    return {
      kind: 'redirect',
      location: withParams(data.return_url, { error, error_description: description }),
      ...extra,
    };
  }
  return { kind: 'page', status: 400, title: 'The connection was not made', message: description, ...extra };
}

export function flowSuccess(data: Pick<FlowData, 'return_url'>, ids: string[], clearCookie: string): BrowserOutcome {
  if (data.return_url !== undefined) {
    return { kind: 'redirect', location: withParams(data.return_url, { connection_id: ids.join(',') }), clearCookie };
  }
  const message =
    ids.length === 1
      ? 'The connection is ready. You can close this window.'
      : 'The connections are ready. You can close this window.';
  return { kind: 'page', status: 200, title: 'Connected', message, connectionIds: ids, clearCookie };
}
