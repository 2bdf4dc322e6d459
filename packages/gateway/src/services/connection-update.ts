import type { Connection, UpdateConnectionBody } from '@switchyard/sdk';
import type { Updateable } from 'kysely';
import { AppError } from '../errors/app-error.js';
import { guardUrl } from '../http/host-guard.js';
import { providers } from '../providers/registry.js';
import type { ProviderId } from '../providers/types.js';
import { nowIso } from '../store/ids.js';
import type { ConnectionsTable } from '../store/schema.js';
import {
  authorizationOf,
  credentialOf,
  hintOf,
  secretFieldOf,
  type TokenCredential,
} from './connection-credentials.js';
import { type ConnectionDeps, checkCaPem, checkLive } from './connection-live.js';
import { loadConnection, type StoredConnection } from './connection-manage.js';
import { methodOf } from './connection-target.js';
import { placeOf, productsOf, toConnection } from './connection-view.js';
import { SecretService } from './secrets.js';

const refuse = (path: string, message: string) =>
  new AppError('VALIDATION', `${path}: ${message}`, { details: [{ path, message }] });

/** What a credential change re-checks: the merged credential against the (possibly new) base URL and CA. */
interface Change {
  cred: TokenCredential;
  siteUrl: string | null;
  caPem: string | null;
}

async function changeOf(deps: ConnectionDeps, c: StoredConnection, body: UpdateConnectionBody): Promise<Change> {
  const def = providers[c.row.provider as ProviderId];
  const method = methodOf(def, c.grant.auth_type, c.row.cloud_id);
  if (method.authType === 'oauth2') {
    throw refuse(
      body.auth !== undefined ? 'auth' : 'base_url',
      `this is an OAuth connection: reconnect it with POST /v1/connect/${def.id} to change its credential or instance.`,
    );
  }
  if (body.base_url !== undefined && def.deployment !== 'data-center') {
    throw refuse('base_url', 'only Data Center connections have a base URL.');
  }
  const field = secretFieldOf(method);
  const secret = await new SecretService(deps.store, deps.keyring).get(c.grant.tenant_id, 'grants', c.grant.id, field);
  return {
    cred: credentialOf(method, body.auth ?? {}, { identity: c.grant.username, secret }),
    siteUrl:
      body.base_url === undefined
        ? c.row.site_url
        : await guardUrl(deps.upstream.policy, body.base_url, 'base_url', deps.resolve),
    caPem: body.ca_pem === undefined ? c.row.ca_pem : body.ca_pem === null ? null : checkCaPem(body.ca_pem),
  };
}

/**
 * Re-check a changed credential or instance live, then commit it: the grant's version moves on by
 * compare-and-swap (a concurrent change answers CONFLICT), the secret is re-encrypted, and the connection
 * records the new URL, CA, hint and account name. A credential of another account is refused.
 */
async function applyChange(
  deps: ConnectionDeps,
  c: StoredConnection,
  change: Change,
  patch: Updateable<ConnectionsTable>,
) {
  const def = providers[c.row.provider as ProviderId];
  const method = methodOf(def, c.grant.auth_type, c.row.cloud_id);
  const place = { ...placeOf(c.row, c.grant), siteUrl: change.siteUrl };
  const live = await checkLive(deps, place, authorizationOf(method, change.cred), change.caPem, productsOf(c.row));
  if (c.row.account_id !== null && live.account.accountId !== c.row.account_id) {
    throw new AppError(
      'VALIDATION',
      `The new credential signs in as ${live.account.accountName}, not as ${c.row.account_name ?? c.row.account_id}, the account of this connection. Create a new connection for another account.`,
    );
  }
  const at = nowIso();
  await deps.store.transaction(async (tx) => {
    const swapped = await tx.connections.updateGrantIfVersion(c.grant.id, c.grant.version, {
      username: change.cred.identity,
      version: c.grant.version + 1,
      status: 'active',
      last_error: null,
      updated_at: at,
    });
    if (!swapped)
      throw new AppError(
        'CONFLICT',
        'The credential changed while this update ran. Read the connection again and retry.',
      );
    await new SecretService(tx, deps.keyring).put(
      c.grant.tenant_id,
      'grants',
      c.grant.id,
      change.cred.field,
      change.cred.secret,
    );
    await tx.connections.updateConnection(c.row.tenant_id, c.row.id, {
      ...patch,
      site_url: change.siteUrl,
      ca_pem: change.caPem,
      auth_hint: hintOf(change.cred),
      account_name: live.account.accountName,
      products: JSON.stringify(live.products),
      status: 'active',
      last_error: null,
      last_used_at: at,
      updated_at: at,
    });
  });
}

/** PATCH /v1/connections/{id}: rename and metadata apply as given; credential, base URL and CA are re-checked live. */
export async function updateConnection(
  deps: ConnectionDeps,
  tenantId: string,
  id: string,
  body: UpdateConnectionBody,
): Promise<Connection> {
  const c = await loadConnection(deps.store, tenantId, id);
  const patch: Updateable<ConnectionsTable> = { updated_at: nowIso() };
  if (body.name !== undefined) patch.name = body.name;
  if (body.metadata !== undefined) patch.metadata = JSON.stringify(body.metadata);
  const oauthCaOnly = c.grant.auth_type === 'oauth2' && body.auth === undefined && body.base_url === undefined;
  if (oauthCaOnly && body.ca_pem !== undefined) {
    // An OAuth instance's CA: nothing to re-check with a token here; the next refresh or test uses it.
    patch.ca_pem = body.ca_pem === null ? null : checkCaPem(body.ca_pem);
  }
  if (!oauthCaOnly && (body.auth !== undefined || body.base_url !== undefined || body.ca_pem !== undefined)) {
    await applyChange(deps, c, await changeOf(deps, c, body), patch);
  } else {
    await deps.store.connections.updateConnection(tenantId, id, patch);
  }
  const after = await loadConnection(deps.store, tenantId, id);
  return toConnection(after.row, after.grant);
}
