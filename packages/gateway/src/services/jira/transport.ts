import type { Dispatcher } from 'undici';
import { AppError } from '../../errors/app-error.js';
import { apiRootOf } from '../connection-target.js';
import { callVendorJson, type Query, type VendorTransportDeps, withQuery } from '../vendor-json.js';

/** Jira Cloud speaks REST v3 (ADF rich text); Jira Data Center REST v2 (wiki markup). */
export type JiraFlavor = 'cloud' | 'dc';

export type { Query } from '../vendor-json.js';

/**
 * One connection's Jira, as the normalized API sees it: JSON in, JSON out, any non-2xx answer already turned
 * into the envelope's error (http/upstream-errors.ts). Tests script it; `connectionJira` builds the real one.
 */
export interface JiraTransport {
  flavor: JiraFlavor;
  /** `path` is relative to the REST root, e.g. `/issue/ABC-1` (→ `/rest/api/3/issue/ABC-1` on Cloud). */
  send(method: Dispatcher.HttpMethod, path: string, options?: { query?: Query; body?: unknown }): Promise<unknown>;
}

export type JiraTransportDeps = VendorTransportDeps;

/** The Jira of a connection (atlassian-cloud or jira-dc), through the proxy's targets, budgets and retries. */
export async function connectionJira(
  deps: JiraTransportDeps,
  tenantId: string,
  connectionId: string,
): Promise<JiraTransport> {
  const target = await deps.targets.get(tenantId, connectionId);
  const provider = target.place.provider;
  if (provider !== 'atlassian-cloud' && provider !== 'jira-dc') {
    throw new AppError(
      'VALIDATION',
      `The Jira API needs a Jira connection (atlassian-cloud or jira-dc), not ${provider}.`,
    );
  }
  const flavor: JiraFlavor = provider === 'atlassian-cloud' ? 'cloud' : 'dc';
  const root = target.upstreamOf(apiRootOf(deps.config, target.place, 'jira'));
  const prefix = `${root.url.href.replace(/\/+$/, '')}/rest/api/${flavor === 'cloud' ? 3 : 2}`;
  return {
    flavor,
    async send(method, path, options = {}) {
      const url = withQuery(new URL(`${prefix}${path}`), options.query);
      return (await callVendorJson(deps, target, root, method, url, options.body)).json;
    },
  };
}
