import type { ConnectBody } from '@switchyard/sdk';
import type { Config } from '../config/load.js';
import { AppError } from '../errors/app-error.js';
import { guardUrl, hostPolicy } from '../http/host-guard.js';
import { requireProvider } from '../providers/registry.js';
import type { OAuthDefinition, ProviderDefinition, UrlContext } from '../providers/types.js';
import { publicBaseUrl } from './connect-flow.js';
import type { ResolvedOAuthClient } from './oauth-apps.js';

/** A start request checked against its provider, before anything is stored. */
export interface CheckedRequest {
  def: ProviderDefinition & { oauth: OAuthDefinition };
  site?: string;
  baseUrl?: string;
  scopes: string[];
  returnUrl?: string;
  name?: string;
  metadata: Record<string, unknown>;
}

const invalid = (path: string, message: string) =>
  new AppError('VALIDATION', `The request is not valid: ${path}: ${message}.`, { details: [{ path, message }] });

function httpUrl(value: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(path, 'expected an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(path, 'expected an http:// or https:// URL');
  if (url.username !== '' || url.password !== '') throw invalid(path, 'credentials in the URL are not allowed');
  return url;
}

/** An Atlassian site hint: a cloud id as given, a URL or bare host as its https origin. */
export function normalizeSiteHint(hint: string): string {
  const trimmed = hint.trim();
  if (/^https?:\/\//i.test(trimmed)) return httpUrl(trimmed, 'body.site').origin;
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(trimmed)) return `https://${trimmed.toLowerCase()}`;
  if (/^[A-Za-z0-9-]{1,100}$/.test(trimmed)) return trimmed;
  throw invalid('body.site', 'expected a site URL (https://<site>.atlassian.net) or a cloud id');
}

/** A Data Center base URL: https (unless allowed), a public address (unless allowed), no trailing slash. */
async function dataCenterBaseUrl(value: string | undefined, config: Config, def: ProviderDefinition): Promise<string> {
  if (value === undefined || value.trim() === '') {
    throw invalid('body.site', `${def.name} needs the base URL of the instance (https://…)`);
  }
  return guardUrl(hostPolicy(config), value.trim(), 'site');
}

function scopesFor(def: ProviderDefinition & { oauth: OAuthDefinition }, config: Config, asked?: string[]): string[] {
  const configured =
    def.oauth.envClient === 'atlassian' && config.atlassianScopes.length > 0 ? config.atlassianScopes : undefined;
  const base = asked !== undefined && asked.length > 0 ? asked : (configured ?? def.oauth.defaultScopes);
  return [...new Set([...base, ...def.oauth.requiredScopes])];
}

/** Check a start request (API, connect session or CLI alike). Throws VALIDATION or NOT_FOUND; resolves a DC host. */
export async function checkConnectRequest(
  config: Config,
  providerId: string,
  body: ConnectBody,
): Promise<CheckedRequest> {
  const def = requireProvider(providerId);
  const oauth = def.oauth;
  if (oauth === undefined || !def.authMethods.some((m) => m.authType === 'oauth2')) {
    throw new AppError(
      'VALIDATION',
      `${def.name} has no OAuth 2.0 flow. Create a token connection instead (POST /v1/connections).`,
    );
  }
  const checked: CheckedRequest = {
    def: { ...def, oauth },
    scopes: scopesFor({ ...def, oauth }, config, body.scopes),
    metadata: body.metadata ?? {},
  };
  if (oauth.needsBaseUrl) checked.baseUrl = await dataCenterBaseUrl(body.site, config, def);
  else if (body.site !== undefined && def.id === 'atlassian-cloud') checked.site = normalizeSiteHint(body.site);
  else if (body.site !== undefined) throw invalid('body.site', `${def.name} takes no site`);
  if (body.return_url !== undefined) checked.returnUrl = httpUrl(body.return_url, 'body.return_url').toString();
  if (body.name !== undefined) checked.name = body.name;
  return checked;
}

/** Where the provider sends the browser back: one callback for all providers (Bitbucket may register its own). */
export function redirectUriFor(config: Config, client: ResolvedOAuthClient): string {
  return client.redirectUri ?? `${publicBaseUrl(config)}/oauth/callback`;
}

export function urlContext(config: Config, baseUrl?: string): UrlContext {
  const ctx: UrlContext = {
    endpoints: {
      atlassianAuthUrl: config.atlassianAuthUrl.replace(/\/+$/, ''),
      atlassianApiUrl: config.atlassianApiUrl.replace(/\/+$/, ''),
      bitbucketAuthUrl: config.bitbucketAuthUrl.replace(/\/+$/, ''),
      bitbucketApiUrl: config.bitbucketApiUrl.replace(/\/+$/, ''),
    },
  };
  if (baseUrl !== undefined) ctx.baseUrl = baseUrl;
  return ctx;
}
