import type { Connection, CreateConnectionBody } from '@switchyard/sdk';
import { AppError } from '../errors/app-error.js';
import { guardUrl } from '../http/host-guard.js';
import { requireProvider } from '../providers/registry.js';
import type { AuthMethodDefinition, ProviderDefinition } from '../providers/types.js';
import type { ConnectionRow } from '../store/connection-store.js';
import { newId, nowIso } from '../store/ids.js';
import {
  authorizationOf,
  credentialOf,
  hintOf,
  requireMethod,
  type TokenCredential,
} from './connection-credentials.js';
import { type ConnectionDeps, checkCaPem, checkLive, type LiveAccount } from './connection-live.js';
import { type ConnectionPlace, cloudIdOf } from './connection-target.js';
import { toConnection } from './connection-view.js';
import { tokenGrantRow } from './grant-row.js';
import { SecretService } from './secrets.js';

const refuse = (path: string, message: string) =>
  new AppError('VALIDATION', `${path}: ${message}`, { details: [{ path, message }] });

/**
 * Where the new connection's calls will go: the guarded base URL or site URL the method asks for (and no
 * other), and for a scoped Atlassian token the site's cloud id.
 */
async function placeOf(
  deps: ConnectionDeps,
  def: ProviderDefinition,
  method: AuthMethodDefinition,
  body: CreateConnectionBody,
  caPem: string | null,
): Promise<ConnectionPlace> {
  const place: ConnectionPlace = { provider: def.id, method: method.id, siteUrl: null, cloudId: null };
  for (const field of ['base_url', 'site_url'] as const) {
    const wanted = method.fields.some((f) => f.name === field);
    const given = body[field];
    if (!wanted && given !== undefined) throw refuse(field, `not used by ${def.id} with ${method.id}.`);
    if (!wanted) continue;
    if (given === undefined) throw refuse(field, `required by ${def.id} with ${method.id}.`);
    place.siteUrl = await guardUrl(deps.upstream.policy, given, field, deps.resolve);
  }
  if (method.id === 'scoped_api_token' && place.siteUrl !== null) {
    place.cloudId = await cloudIdOf(deps.upstream, place.siteUrl, caPem);
  }
  return place;
}

interface NewTokenConnection {
  tenantId: string;
  def: ProviderDefinition;
  method: AuthMethodDefinition;
  cred: TokenCredential;
  place: ConnectionPlace;
  live: LiveAccount;
  body: CreateConnectionBody;
  caPem: string | null;
}

function defaultName(n: NewTokenConnection): string {
  const where = n.place.siteUrl === null ? n.live.account.accountName : new URL(n.place.siteUrl).host;
  return `${n.def.name} (${where})`;
}

/** The grant, its encrypted secret and the connection, in one transaction. */
function save(deps: ConnectionDeps, n: NewTokenConnection): Promise<Connection> {
  const at = nowIso();
  const grant = tokenGrantRow({
    id: newId('grt'),
    tenantId: n.tenantId,
    provider: n.def.id,
    authType: n.method.authType,
    username: n.cred.identity,
    at,
  });
  const row: ConnectionRow = {
    id: newId('con'),
    tenant_id: n.tenantId,
    provider: n.def.id,
    grant_id: grant.id,
    name: n.body.name ?? defaultName(n),
    site_url: n.place.siteUrl,
    cloud_id: n.place.cloudId,
    account_id: n.live.account.accountId,
    account_name: n.live.account.accountName,
    products: JSON.stringify(n.live.products),
    scopes: '[]',
    status: 'active',
    auth_hint: hintOf(n.cred),
    ca_pem: n.caPem,
    metadata: JSON.stringify(n.body.metadata ?? {}),
    last_used_at: at,
    last_error: null,
    created_at: at,
    updated_at: at,
  };
  return deps.store.transaction(async (tx) => {
    await tx.connections.insertGrant(grant);
    await new SecretService(tx, deps.keyring).put(n.tenantId, 'grants', grant.id, n.cred.field, n.cred.secret);
    await tx.connections.insertConnection(row);
    return toConnection(row, grant);
  });
}

/**
 * Create a token connection: check the method's fields, guard the URL, ask the vendor who the credential
 * signs in as, and only then store it. A refused credential, a forbidden address or an unreachable vendor
 * leaves nothing behind.
 */
export async function createTokenConnection(
  deps: ConnectionDeps,
  tenantId: string,
  body: CreateConnectionBody,
): Promise<Connection> {
  const def = requireProvider(body.provider);
  const method = requireMethod(def, body.auth.type);
  const { type: _type, ...given } = body.auth;
  const cred = credentialOf(method, given);
  const caPem = body.ca_pem === undefined ? null : checkCaPem(body.ca_pem);
  const place = await placeOf(deps, def, method, body, caPem);
  const live = await checkLive(deps, place, authorizationOf(method, cred), caPem, def.products);
  return save(deps, { tenantId, def, method, cred, place, live, body, caPem });
}
