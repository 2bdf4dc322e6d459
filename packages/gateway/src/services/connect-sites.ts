import type { Dispatcher } from 'undici';
import { AppError } from '../errors/app-error.js';
import { parseJson, vendorMessage } from '../http/upstream-errors.js';
import { upstreamGet } from '../http/upstream-get.js';
import type { Product } from '../providers/types.js';
import type { GrantedSite } from './connect-flow.js';
import type { FlowErrorCode } from './connect-outcome.js';

/**
 * The Atlassian sites a 3LO grant reaches: `GET {api}/oauth/token/accessible-resources`. Its order means
 * nothing (FACTS §1.1), so the flow never takes "the first one" for the site the user meant.
 */
export async function accessibleSites(
  apiUrl: string,
  accessToken: string,
  dispatcher?: Dispatcher,
): Promise<GrantedSite[]> {
  const url = `${apiUrl}/oauth/token/accessible-resources`;
  const res = await upstreamGet(url, { headers: { authorization: `Bearer ${accessToken}` }, dispatcher });
  if (res.status < 200 || res.status >= 300) {
    const said = vendorMessage(res.text);
    throw new AppError(
      'VENDOR_ERROR',
      `Atlassian did not list the sites of the new grant (HTTP ${res.status}${said === undefined ? '' : `: ${said}`}).`,
    );
  }
  const body = parseJson(res.text);
  if (!Array.isArray(body)) throw new AppError('VENDOR_ERROR', 'Atlassian answered the site list with something else.');
  return body.flatMap((item: unknown): GrantedSite[] => {
    const r = item as Record<string, unknown>;
    if (typeof r.id !== 'string' || typeof r.url !== 'string') return [];
    const scopes = Array.isArray(r.scopes) ? r.scopes.filter((x): x is string => typeof x === 'string') : [];
    return [
      { cloudId: r.id, url: r.url.replace(/\/+$/, ''), name: typeof r.name === 'string' ? r.name : r.url, scopes },
    ];
  });
}

const origin = (url: string): string | undefined => {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return undefined;
  }
};

export type SiteChoice =
  | { kind: 'chosen'; sites: GrantedSite[] }
  | { kind: 'pick'; sites: GrantedSite[] }
  | { kind: 'error'; error: FlowErrorCode; description: string };

/** The site hint if it is among the granted ones, the only site when there is one, else the user picks. */
export function chooseSites(sites: GrantedSite[], hint: string | undefined): SiteChoice {
  if (sites.length === 0) {
    return {
      kind: 'error',
      error: 'no_accessible_sites',
      description: 'The grant reaches no Atlassian site. Consent again and choose a site on the consent screen.',
    };
  }
  if (hint !== undefined) {
    const want = origin(hint);
    const match = sites.find((s) => s.cloudId === hint || (want !== undefined && origin(s.url) === want));
    if (match !== undefined) return { kind: 'chosen', sites: [match] };
    return {
      kind: 'error',
      error: 'site_not_granted',
      description: `The consent did not include the site ${hint}. Start again and choose that site on the consent screen.`,
    };
  }
  return sites.length === 1 ? { kind: 'chosen', sites } : { kind: 'pick', sites };
}

/** Which products a site's scopes reach. */
export function productsOf(scopes: string[], fallback: readonly Product[]): Product[] {
  const products: Product[] = [];
  if (scopes.some((s) => s.includes('jira'))) products.push('jira');
  if (scopes.some((s) => s.includes('confluence'))) products.push('confluence');
  return products.length > 0 ? products : [...fallback];
}
