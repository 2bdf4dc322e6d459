import type { Connection, Product } from '@switchyard/sdk';
import { providers } from '../providers/registry.js';
import type { ProviderId } from '../providers/types.js';
import type { ConnectionRow, GrantRow } from '../store/connection-store.js';
import { type ConnectionPlace, methodOf } from './connection-target.js';

const parseList = (text: string): string[] => {
  const v: unknown = JSON.parse(text);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
};

const parseObject = (text: string): Record<string, unknown> => {
  const v: unknown = JSON.parse(text);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
};

export const productsOf = (row: ConnectionRow) => parseList(row.products) as Product[];

/** Where a stored connection's calls go. */
export function placeOf(row: ConnectionRow, grant: GrantRow): ConnectionPlace {
  const provider = row.provider as ProviderId;
  return {
    provider,
    method: methodOf(providers[provider], grant.auth_type, row.cloud_id).id,
    siteUrl: row.site_url,
    cloudId: row.cloud_id,
  };
}

/** The public view of a connection and its grant. Secrets never reach it: only the masked hint. */
export function toConnection(row: ConnectionRow, grant: GrantRow): Connection {
  const def = providers[row.provider as ProviderId];
  const method = methodOf(def, grant.auth_type, row.cloud_id);
  const usesEmail = method.fields.some((f) => f.name === 'email');
  const dataCenter = def.deployment === 'data-center';
  return {
    id: row.id,
    provider: def.id,
    name: row.name,
    auth: {
      type: method.id,
      hint: row.auth_hint,
      username: usesEmail ? null : grant.username,
      email: usesEmail ? grant.username : null,
    },
    site_url: dataCenter ? null : row.site_url,
    base_url: dataCenter ? row.site_url : null,
    cloud_id: row.cloud_id,
    account: { id: row.account_id, name: row.account_name },
    products: productsOf(row),
    scopes: parseList(row.scopes),
    status: row.status,
    expires_at: grant.expires_at,
    refreshed_at: grant.refreshed_at,
    last_used_at: row.last_used_at,
    last_error: row.last_error,
    metadata: parseObject(row.metadata),
    warnings: method.warning === undefined ? [] : [method.warning],
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
