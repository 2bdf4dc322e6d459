import type { ConnectionTest } from '@switchyard/sdk';
import type { AppliedCredential, CredentialSource } from '../auth/credential.js';
import { AppError } from '../errors/app-error.js';
import { nowIso } from '../store/ids.js';
import { type Account, CredentialRejectedError, lookupAccount } from './account-lookup.js';
import type { ConnectionDeps } from './connection-live.js';
import { loadConnection, type StoredConnection } from './connection-manage.js';
import { lookupTargetOf } from './connection-target.js';
import { placeOf, productsOf } from './connection-view.js';

export interface TestDeps extends ConnectionDeps {
  /** The GrantManager: applies token credentials, refreshes OAuth tokens (once more after a 401). */
  credentials: CredentialSource;
}

interface Outcome {
  account: Account | null;
  used: AppliedCredential | null;
  failure: AppError | null;
}

/** Ask the vendor who the connection signs in as; after a 401, let the credential source refresh once and retry. */
async function probe(deps: TestDeps, c: StoredConnection): Promise<Outcome> {
  let used: AppliedCredential | null = null;
  try {
    const target = lookupTargetOf(deps.config, placeOf(c.row, c.grant), productsOf(c.row));
    const dispatcher = deps.upstream.forUrl(target.apiUrl, c.row.ca_pem);
    used = await deps.credentials.authorize(c.grant.id);
    try {
      return { account: await lookupAccount(target, used.authorization, { dispatcher }), used, failure: null };
    } catch (err) {
      if (!(err instanceof CredentialRejectedError && err.upstreamStatus === 401)) throw err;
      used = await deps.credentials.afterUnauthorized(used);
      return { account: await lookupAccount(target, used.authorization, { dispatcher }), used, failure: null };
    }
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { account: null, used, failure: err };
  }
}

/**
 * A failure that says the connection is misconfigured or its credential unusable marks it `error`; a vendor
 * that is down or throttling, or a 403 on the identity call alone, only records `last_error`. REAUTH_REQUIRED
 * and TOKEN_EXPIRED were recorded by the credential source already.
 */
function brokenBy(failure: AppError): boolean {
  if (failure instanceof CredentialRejectedError) return failure.upstreamStatus === 401;
  return failure.code === 'VALIDATION' || failure.code === 'NOT_CONNECTED';
}

async function record(deps: TestDeps, c: StoredConnection, o: Outcome): Promise<void> {
  const at = nowIso();
  const { tenant_id: tenant, id } = c.row;
  if (o.account !== null && o.used !== null) {
    await deps.store.connections.updateConnection(tenant, id, {
      status: 'active',
      last_error: null,
      last_used_at: at,
      account_name: o.account.accountName,
      updated_at: at,
    });
    // Only if nothing changed the grant since the credential that worked was read (a refresh, a rotation).
    await deps.store.connections.updateGrantIfVersion(c.grant.id, o.used.version, {
      status: 'active',
      last_error: null,
      last_used_at: at,
    });
    return;
  }
  const failure = o.failure;
  if (failure === null || failure.code === 'REAUTH_REQUIRED' || failure.code === 'TOKEN_EXPIRED') return;
  await deps.store.connections.updateConnection(tenant, id, {
    ...(brokenBy(failure) ? { status: 'error' as const } : {}),
    last_error: failure.message,
    updated_at: at,
  });
}

/** POST /v1/connections/{id}/test: one live call, its latency, and what failed. */
export async function testConnection(deps: TestDeps, tenantId: string, id: string): Promise<ConnectionTest> {
  const c = await loadConnection(deps.store, tenantId, id);
  const started = performance.now();
  const outcome = await probe(deps, c);
  const latency = Math.round(performance.now() - started);
  await record(deps, c, outcome);
  const after = await deps.store.connections.getConnection(tenantId, id);
  return {
    ok: outcome.failure === null,
    latency_ms: latency,
    status: after?.status ?? c.row.status,
    account: outcome.account === null ? null : { id: outcome.account.accountId, name: outcome.account.accountName },
    error: outcome.failure === null ? null : { code: outcome.failure.code, message: outcome.failure.message },
  };
}
