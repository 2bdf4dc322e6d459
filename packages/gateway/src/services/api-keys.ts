import type { ApiKey, CreatedApiKey, KeyRole, Page } from '@switchyard/sdk';
import { AppError, notFound } from '../errors/app-error.js';
import { nowIso } from '../store/ids.js';
import type { ApiKeyRow, Store } from '../store/store.js';
import { mintKey } from '../tenants/api-key-format.js';
import { pageRequest, toPage } from './pagination.js';

export const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  tenant_id: row.tenant_id,
  name: row.name,
  role: row.role,
  prefix: row.prefix,
  created_at: row.created_at,
  last_used_at: row.last_used_at,
  revoked_at: row.revoked_at,
});

export interface CreateKeyInput {
  tenantId: string;
  name: string;
  role: KeyRole;
}

/** Create a key; the answer carries the secret this one time, the store only its hash. */
export async function createApiKey(store: Store, input: CreateKeyInput): Promise<CreatedApiKey> {
  if ((await store.getTenant(input.tenantId)) === undefined) throw notFound(`Tenant "${input.tenantId}"`);
  const minted = mintKey();
  const row: ApiKeyRow = {
    id: minted.id,
    tenant_id: input.tenantId,
    name: input.name,
    role: input.role,
    prefix: minted.prefix,
    key_hash: minted.hash,
    created_at: nowIso(),
    last_used_at: null,
    revoked_at: null,
  };
  await store.insertApiKey(row);
  return { ...toApiKey(row), key: minted.key };
}

export async function listApiKeys(
  store: Store,
  tenantId: string | undefined,
  limit: number,
  cursor?: string,
): Promise<Page<ApiKey>> {
  return toPage(await store.listApiKeys(tenantId, pageRequest(limit, cursor)), limit, toApiKey);
}

/** Revoke a key (idempotent). `tenantId` scopes the lookup; undefined = any tenant (admin). */
export async function revokeApiKey(store: Store, id: string, tenantId: string | undefined): Promise<ApiKey> {
  const existing = await store.getApiKey(id);
  if (existing === undefined || (tenantId !== undefined && existing.tenant_id !== tenantId)) {
    throw notFound(`API key "${id}"`);
  }
  const row = await store.revokeApiKey(id, nowIso());
  if (row === undefined) throw new AppError('INTERNAL_ERROR', 'The key vanished while being revoked. Retry.');
  return toApiKey(row);
}
